SET lock_timeout = '5s';
ALTER TABLE orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID,
    ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;
-- a new table's constraints have no rows to check
CREATE TABLE refunds (id bigserial PRIMARY KEY, order_id bigint NOT NULL);
ALTER TABLE refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
