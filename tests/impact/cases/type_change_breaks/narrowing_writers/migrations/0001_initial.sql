CREATE TABLE products (
    id     bigserial PRIMARY KEY,
    sku    text NOT NULL UNIQUE,
    name   text NOT NULL
);
