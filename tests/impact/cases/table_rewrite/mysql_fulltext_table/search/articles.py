def search(cur, words):
    cur.execute(
        "SELECT id, title FROM articles WHERE MATCH (title, body) AGAINST (%s IN NATURAL LANGUAGE MODE)",
        (words,),
    )
    return cur.fetchall()
