-- Monthly revenue for the finance dashboard (run by the BI tool, not by the app).
-- Keep the status list in sync with shop/reports/sales.py.

-- 1. Gross revenue and order count per month and currency.
SELECT
    date_trunc('month', o.placed_at) AS month,
    o.currency,
    COUNT(*) AS orders,
    SUM(o.total_cents) AS gross_cents
FROM orders AS o
WHERE o.status IN ('paid', 'shipped', 'delivered')
GROUP BY 1, 2
ORDER BY 1, 2;

-- 2. Refunds per month, by the month the payment was taken.
SELECT
    date_trunc('month', p.created_at) AS month,
    COUNT(*) AS refunds,
    SUM(p.amount_cents) AS refunded_cents
FROM payments AS p
WHERE p.status = 'refunded'
GROUP BY 1
ORDER BY 1;
