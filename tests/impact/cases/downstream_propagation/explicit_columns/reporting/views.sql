CREATE SCHEMA IF NOT EXISTS reporting;

CREATE VIEW reporting.customer_emails AS
SELECT id, email, full_name
FROM customers
WHERE deleted_at IS NULL;

CREATE VIEW reporting.open_subscriptions AS
SELECT s.*
FROM subscriptions AS s
JOIN customers AS c ON c.id = s.customer_id
WHERE s.cancelled_at IS NULL AND c.deleted_at IS NULL;
