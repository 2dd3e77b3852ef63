from sqlalchemy import text


def top_players(conn, limit=10):
    return conn.execute(
        text("SELECT player, points FROM scores ORDER BY points DESC LIMIT :limit"),
        {"limit": limit},
    ).all()
