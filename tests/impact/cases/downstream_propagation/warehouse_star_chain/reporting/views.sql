-- Views the BI tool reads; applied by hand.
CREATE SCHEMA IF NOT EXISTS reporting;

CREATE VIEW reporting.active_customers AS  -- depmap-expect: downstream-propagation info
SELECT *
FROM customers
WHERE deleted_at IS NULL;

CREATE VIEW reporting.customer_emails AS
SELECT id, email, full_name
FROM customers
WHERE deleted_at IS NULL;
