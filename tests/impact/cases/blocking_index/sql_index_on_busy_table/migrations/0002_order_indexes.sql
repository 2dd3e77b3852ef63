SET lock_timeout = '5s';

-- lookups by customer got slow
CREATE INDEX orders_customer_id_idx
    ON orders (customer_id);  -- depmap-expect: blocking-index warning
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status) WHERE status <> 'shipped';
DROP INDEX orders_old_idx;  -- depmap-expect: blocking-index warning
DROP INDEX CONCURRENTLY IF EXISTS orders_older_idx;
