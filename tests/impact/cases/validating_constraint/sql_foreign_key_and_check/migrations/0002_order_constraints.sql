SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey  -- depmap-expect: validating-constraint warning
    FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);  -- depmap-expect: validating-constraint warning
ALTER TABLE orders
    ADD CONSTRAINT orders_status_known CHECK (status IN ('new', 'paid', 'shipped')) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_known;
