-- Views the BI tool reads; applied by hand.
CREATE SCHEMA IF NOT EXISTS reporting;

-- view-star-frozen's finding: PostgreSQL froze this view's `*` when it was created.
CREATE VIEW reporting.active_customers AS
SELECT *
FROM customers
WHERE deleted_at IS NULL;

CREATE VIEW reporting.customer_emails AS
SELECT id, email, full_name
FROM customers
WHERE deleted_at IS NULL;

-- Built on the frozen view: it gets loyalty_tier once active_customers is recreated.
CREATE VIEW reporting.active_eu_customers AS  -- depmap-expect: downstream-propagation info
SELECT *
FROM reporting.active_customers
WHERE region_code IN ('DE', 'FR', 'IE', 'NL');
