-- 0005_inventory_cleanup: clearer stock naming, drop the import-era code,
-- and a view for order lists that need item totals.

ALTER TABLE products RENAME COLUMN stock TO stock_on_hand;

ALTER TABLE products DROP COLUMN legacy_code;

CREATE VIEW order_totals AS
SELECT
    o.*,
    COALESCE(SUM(oi.quantity * oi.unit_price_cents), 0) AS items_total_cents,
    COUNT(oi.id) AS item_count
FROM orders AS o
LEFT JOIN order_items AS oi ON oi.order_id = o.id
GROUP BY o.id;
