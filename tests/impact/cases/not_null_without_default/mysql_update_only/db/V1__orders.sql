CREATE TABLE orders (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'pending',
    total_cents INT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

INSERT INTO orders (customer_id, status) VALUES (0, 'template');
