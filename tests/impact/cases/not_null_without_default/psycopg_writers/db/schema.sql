CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE
);

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL DEFAULT 'pending',
    total_cents integer NOT NULL DEFAULT 0,
    external_ref text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO orders (customer_id, status) VALUES (1, 'paid');
