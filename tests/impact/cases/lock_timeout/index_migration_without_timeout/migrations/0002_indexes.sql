CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;  -- depmap-expect: lock-timeout warning
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;
