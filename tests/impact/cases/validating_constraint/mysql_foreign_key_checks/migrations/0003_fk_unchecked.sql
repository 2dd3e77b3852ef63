SET foreign_key_checks = 0;
ALTER TABLE orders ADD CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id) REFERENCES coupons (id);
SET foreign_key_checks = 1;
