CREATE TABLE orders (
    id           bigserial PRIMARY KEY,
    status       text NOT NULL DEFAULT 'pending',
    currency     char(3) NOT NULL DEFAULT 'EUR',
    total_cents  integer NOT NULL DEFAULT 0
);
