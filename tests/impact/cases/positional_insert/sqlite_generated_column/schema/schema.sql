CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT,
    created_at TEXT NOT NULL
);
