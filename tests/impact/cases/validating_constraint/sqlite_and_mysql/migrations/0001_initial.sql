CREATE TABLE notes (id integer PRIMARY KEY, author_id integer, body text);
CREATE TABLE authors (id integer PRIMARY KEY, name text);
