BEGIN;
SET LOCAL lock_timeout = '5s';
CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);  -- depmap-expect: concurrent-index-in-transaction breaking
COMMIT;
