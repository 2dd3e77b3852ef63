CREATE TABLE orders (
    id BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    total_cents INT NOT NULL
);
CREATE TABLE orders_staging LIKE orders;
