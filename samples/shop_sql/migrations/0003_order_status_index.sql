-- 0003_order_status_index: speed up the back-office order lists and
-- make placed_at mandatory.

CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at DESC);
CREATE INDEX payments_order_id_idx ON payments (order_id);

-- Backfill: orders created before checkout set placed_at.
UPDATE orders SET placed_at = created_at WHERE placed_at IS NULL;

ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;
