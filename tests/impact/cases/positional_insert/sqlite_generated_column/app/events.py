import sqlite3


def log_event(db_path, kind, payload):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO events VALUES (NULL, ?, ?, datetime('now'))", (kind, payload))
    conn.close()
