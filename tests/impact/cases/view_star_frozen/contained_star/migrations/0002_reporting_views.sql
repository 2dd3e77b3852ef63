CREATE SCHEMA IF NOT EXISTS reporting;

-- Newest customers first; the derived table's `*` is narrowed to four named columns.
CREATE VIEW reporting.recent_signups AS
SELECT c.id, c.email, c.full_name, c.created_at
FROM (
    SELECT *
    FROM customers
    WHERE created_at > now() - interval '30 days'
) AS c
ORDER BY c.created_at DESC;

CREATE VIEW reporting.customer_balances AS
WITH base AS (
    SELECT * FROM customers
),
billed AS (
    SELECT customer_id, sum(amount_cents) AS billed_cents
    FROM invoices
    GROUP BY customer_id
)
SELECT base.id, base.email, coalesce(billed.billed_cents, 0) AS billed_cents
FROM base
LEFT JOIN billed ON billed.customer_id = base.id;

CREATE MATERIALIZED VIEW reporting.invoiced_customers AS
SELECT i.customer_id, count(*) AS invoice_count
FROM invoices AS i
WHERE EXISTS (SELECT * FROM customers AS c WHERE c.id = i.customer_id AND c.phone IS NOT NULL)
GROUP BY i.customer_id;
