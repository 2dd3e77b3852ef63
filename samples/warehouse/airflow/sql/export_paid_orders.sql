-- Paid orders of the previous day with their customer's contact details.
-- Rebuilt every night by the nightly_export DAG (task export_paid_orders).
DROP TABLE IF EXISTS reporting.paid_orders_export;

CREATE TABLE reporting.paid_orders_export AS
SELECT
    o.id AS order_id,
    o.placed_at,
    o.paid_at,
    o.total_cents,
    o.currency,
    c.email AS customer_email,
    c.full_name AS customer_name
FROM orders AS o
JOIN customers AS c ON c.id = o.customer_id
WHERE o.status = 'paid'
  AND o.paid_at >= date_trunc('day', now()) - interval '1 day';
