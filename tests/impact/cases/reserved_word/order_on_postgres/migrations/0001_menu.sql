CREATE TABLE menu_items (  -- depmap-expect: reserved-word warning
    id       serial PRIMARY KEY,
    label    text NOT NULL,
    url      text NOT NULL,
    parent_id integer REFERENCES menu_items (id)
);
