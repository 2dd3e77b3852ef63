CREATE TABLE menu_items (
    id       serial PRIMARY KEY,
    label    text NOT NULL,
    url      text NOT NULL,
    parent_id integer REFERENCES menu_items (id)
);
