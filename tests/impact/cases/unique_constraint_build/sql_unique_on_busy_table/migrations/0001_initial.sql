CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL,
    total numeric(12, 2),
    status text NOT NULL DEFAULT 'new'
);
