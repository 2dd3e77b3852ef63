CREATE TABLE products (
    id           bigserial PRIMARY KEY,
    sku          text NOT NULL UNIQUE,
    name         text NOT NULL,
    legacy_code  varchar(32),
    price_cents  integer NOT NULL
);
