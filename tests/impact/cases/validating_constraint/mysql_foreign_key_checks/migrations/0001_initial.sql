CREATE TABLE customers (id bigint AUTO_INCREMENT PRIMARY KEY, email varchar(254));
CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id bigint NOT NULL, coupon_id bigint);
CREATE TABLE coupons (id bigint AUTO_INCREMENT PRIMARY KEY, code varchar(40));
