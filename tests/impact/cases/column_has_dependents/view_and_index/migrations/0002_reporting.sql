-- Revenue per currency for the finance dashboard.
CREATE INDEX orders_currency_status_idx ON orders (currency, status);  -- depmap-expect: column-has-dependents warning

CREATE VIEW revenue_by_currency AS  -- depmap-expect: column-has-dependents breaking
SELECT currency, SUM(total_cents) AS revenue_cents
FROM orders
WHERE status = 'paid'
GROUP BY currency;
