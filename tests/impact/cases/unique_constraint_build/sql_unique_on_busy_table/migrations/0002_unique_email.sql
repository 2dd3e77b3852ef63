ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);  -- depmap-expect: unique-constraint-build warning
CREATE TABLE coupons (id bigserial, code text NOT NULL);
ALTER TABLE coupons ADD CONSTRAINT coupons_code_key UNIQUE (code);
ALTER TABLE orders ADD CONSTRAINT orders_id_status_key UNIQUE USING INDEX orders_id_status_idx;
