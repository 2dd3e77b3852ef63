"""The desktop app's customer list, read from the local SQLite file."""

import sqlite3


def directory(db: sqlite3.Connection) -> list[sqlite3.Row]:
    db.row_factory = sqlite3.Row
    return db.execute("SELECT * FROM customer_directory ORDER BY full_name").fetchall()
