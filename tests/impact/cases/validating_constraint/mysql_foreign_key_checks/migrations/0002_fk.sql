SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);  -- depmap-expect: validating-constraint warning
