BEGIN;
UPDATE orders SET status = 'new' WHERE status IS NULL;
COMMIT;
CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
