-- +goose Up
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);  -- depmap-expect: concurrent-index-in-transaction breaking

-- +goose Down
DROP INDEX CONCURRENTLY orders_status_idx;
