-- Views the BI tool reads. Applied by hand when they change (see the runbook);
-- no DAG recreates them.
CREATE SCHEMA IF NOT EXISTS reporting;

-- Every customer column plus order statistics.
CREATE VIEW reporting.customer_orders AS
SELECT
    c.*,
    count(o.id) AS order_count,
    coalesce(sum(o.total_cents), 0) AS lifetime_cents,
    max(o.placed_at) AS last_order_at
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id;

-- Orders next to their payments; explicit columns, both tables have id, status, created_at.
CREATE VIEW reporting.order_payments AS
SELECT
    o.id AS order_id,
    o.status AS order_status,
    o.total_cents,
    p.provider,
    p.amount_cents,
    p.status AS payment_status,
    p.created_at AS payment_created_at
FROM orders AS o
JOIN payments AS p ON p.order_id = o.id;
