CREATE TABLE customers (customer_id BIGINT PRIMARY KEY, email VARCHAR(255));
CREATE TABLE loyalty_accounts (customer_id BIGINT PRIMARY KEY, points INT, discount_code VARCHAR(32));
CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id BIGINT, total_cents INT);
CREATE TABLE order_coupon_usage (order_id BIGINT PRIMARY KEY, discount_code VARCHAR(32), saved_cents INT);
