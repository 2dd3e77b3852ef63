CREATE VIEW coupon_orders AS
SELECT o.id, discount_code FROM orders o JOIN coupons c ON c.id = o.coupon_id;
