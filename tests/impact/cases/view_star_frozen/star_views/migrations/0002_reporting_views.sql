CREATE SCHEMA IF NOT EXISTS reporting;

-- The CRM's customer list: every column, on purpose.
CREATE VIEW customer_directory AS SELECT * FROM customers;  -- depmap-expect: view-star-frozen info

-- Customers with their invoiced revenue.
CREATE VIEW reporting.customer_revenue AS  -- depmap-expect: view-star-frozen info
SELECT
    c.*,
    coalesce(sum(i.amount_cents), 0) AS revenue_cents,
    max(i.issued_at) AS last_invoiced_at
FROM customers AS c
LEFT JOIN invoices AS i ON i.customer_id = c.id
GROUP BY c.id;

-- Search page: refreshed every 10 minutes by the scheduler.
CREATE MATERIALIZED VIEW reporting.customer_search AS  -- depmap-expect: view-star-frozen info
SELECT c.*, to_tsvector('simple', c.full_name || ' ' || c.email) AS search_vector
FROM customers AS c;

CREATE VIEW recent_customers AS  -- depmap-expect: view-star-frozen info
WITH recent AS (
    SELECT * FROM customers WHERE created_at > now() - interval '30 days'
)
SELECT * FROM recent;

CREATE VIEW legacy_customers AS SELECT * FROM customers;

CREATE VIEW customer_contacts AS SELECT * FROM customers;
