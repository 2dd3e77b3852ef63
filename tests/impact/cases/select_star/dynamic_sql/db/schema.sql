CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL
);

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL DEFAULT 'pending',
    total_cents integer NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);
