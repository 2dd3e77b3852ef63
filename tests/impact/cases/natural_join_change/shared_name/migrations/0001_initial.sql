CREATE TABLE orders (
    order_id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL,
    total_cents integer NOT NULL
);
CREATE TABLE order_coupon_usage (
    order_id bigint PRIMARY KEY REFERENCES orders (order_id),
    discount_code text NOT NULL,
    saved_cents integer NOT NULL
);
CREATE TABLE shipments (order_id bigint, carrier text, shipped_at timestamptz);
