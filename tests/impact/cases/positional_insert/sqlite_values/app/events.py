import sqlite3

RECENT = """
    SELECT id, kind, payload, created_at
    FROM events
    WHERE created_at >= datetime('now', '-1 day')
"""


def log_event(db_path, kind, payload):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO events VALUES (NULL, ?, ?, datetime('now'))", (kind, payload))  # depmap-expect: positional-insert breaking
    conn.close()


def log_events(db_path, rows):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany("INSERT INTO events (kind, payload, created_at) VALUES (?, ?, datetime('now'))", rows)
    conn.close()


def recent(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(RECENT).fetchall()
    finally:
        conn.close()
