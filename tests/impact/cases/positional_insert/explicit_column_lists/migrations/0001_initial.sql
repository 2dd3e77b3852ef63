CREATE TABLE orders (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'new',
    total_cents INT NOT NULL
);
CREATE TABLE order_events (order_id BIGINT, event VARCHAR(32), at DATETIME);

INSERT INTO orders VALUES (1, 1, 'new', 0);
