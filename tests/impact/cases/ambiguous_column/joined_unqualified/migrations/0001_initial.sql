CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL);
CREATE TABLE coupons (
    id bigserial PRIMARY KEY,
    discount_code text NOT NULL UNIQUE,
    percent_off integer NOT NULL
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    coupon_id bigint REFERENCES coupons (id),
    total_cents integer NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);
