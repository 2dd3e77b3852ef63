CREATE VIEW order_savings AS SELECT * FROM orders NATURAL JOIN order_coupon_usage;
