CREATE TABLE orders (
    id           bigserial PRIMARY KEY,
    name         varchar(32) NOT NULL,
    total_cents  integer NOT NULL DEFAULT 0
);
