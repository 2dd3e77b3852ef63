CREATE TABLE invoices (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL,
    total_cents integer NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now()
);
