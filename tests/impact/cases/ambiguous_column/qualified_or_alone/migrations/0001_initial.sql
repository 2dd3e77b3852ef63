CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL, discount_code_hint text);
CREATE TABLE coupons (id bigserial PRIMARY KEY, discount_code text NOT NULL UNIQUE, percent_off integer NOT NULL);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL,
    coupon_id bigint,
    total_cents integer NOT NULL
);
CREATE TABLE order_coupon_usage (id bigint PRIMARY KEY, discount_code text NOT NULL);
