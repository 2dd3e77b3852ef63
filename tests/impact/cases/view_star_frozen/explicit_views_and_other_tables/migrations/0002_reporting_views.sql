CREATE SCHEMA IF NOT EXISTS reporting;

-- Named columns: a new customer column does not change this view.
CREATE VIEW reporting.customer_revenue AS
SELECT
    c.id,
    c.email,
    c.full_name,
    coalesce(sum(i.amount_cents), 0) AS revenue_cents
FROM customers AS c
LEFT JOIN invoices AS i ON i.customer_id = c.id
GROUP BY c.id, c.email, c.full_name;

-- Every invoice column; customers is only filtered on.
CREATE VIEW reporting.invoices_of_active_customers AS
SELECT i.*
FROM invoices AS i
WHERE EXISTS (SELECT * FROM customers AS c WHERE c.id = i.customer_id AND c.phone IS NOT NULL);

CREATE VIEW reporting.customer_count AS
SELECT count(*) AS customers, max(created_at) AS newest
FROM customers;
