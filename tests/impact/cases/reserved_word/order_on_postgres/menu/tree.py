def load_menu(cur):
    cur.execute("SELECT id, label, url, parent_id FROM menu_items ORDER BY parent_id NULLS FIRST, id")
    return cur.fetchall()
