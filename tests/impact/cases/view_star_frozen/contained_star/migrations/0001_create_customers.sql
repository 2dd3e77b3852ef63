CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    email       text        NOT NULL UNIQUE,
    full_name   text        NOT NULL,
    phone       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
    id            bigserial PRIMARY KEY,
    customer_id   bigint      NOT NULL REFERENCES customers (id),
    amount_cents  integer     NOT NULL,
    issued_at     timestamptz NOT NULL DEFAULT now()
);
