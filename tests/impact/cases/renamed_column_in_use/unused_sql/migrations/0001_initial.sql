CREATE TABLE products (
    id     bigserial PRIMARY KEY,
    sku    text NOT NULL UNIQUE,
    stock  integer NOT NULL DEFAULT 0
);
