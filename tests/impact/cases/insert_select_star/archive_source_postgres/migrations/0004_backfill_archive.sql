-- One-off backfill, applied before the new column exists.
INSERT INTO orders_archive SELECT * FROM orders WHERE placed_at < '2020-01-01';
