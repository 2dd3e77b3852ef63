CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(255) NOT NULL, country CHAR(2));
CREATE TABLE warehouses (id INT PRIMARY KEY, name VARCHAR(64), region VARCHAR(16));
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT, warehouse_id INT, total_cents INT);
