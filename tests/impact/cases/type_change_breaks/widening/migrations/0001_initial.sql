CREATE TABLE products (
    id     bigserial PRIMARY KEY,
    sku    varchar(32) NOT NULL UNIQUE,
    name   text NOT NULL
);
