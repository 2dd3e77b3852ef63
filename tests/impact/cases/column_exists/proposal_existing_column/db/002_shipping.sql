ALTER TABLE orders ADD COLUMN carrier text;
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;  -- depmap-expect: column-exists error
CREATE INDEX orders_shipped_at_idx ON orders (shipped_at);
