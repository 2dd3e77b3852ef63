CREATE TABLE products (
    id bigserial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    price_cents integer NOT NULL
);
-- Applied before the change: loads the launch catalog once.
COPY products FROM '/srv/seed/products.csv' WITH (FORMAT csv, HEADER);
