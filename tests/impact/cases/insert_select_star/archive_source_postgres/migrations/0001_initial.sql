CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL, region text);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL DEFAULT 'new',
    total_cents integer NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders_archive (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    status text NOT NULL,
    total_cents integer NOT NULL,
    placed_at timestamptz NOT NULL
);
CREATE TABLE eu_orders (LIKE orders_archive);
