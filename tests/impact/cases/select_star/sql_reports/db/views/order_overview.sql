-- The view keeps its column list until recreated: view-star-frozen reports it, not select-star.
CREATE VIEW order_overview AS
SELECT o.*, c.email
  FROM orders o
  JOIN customers c ON c.id = o.customer_id;

CREATE TABLE orders_2023 AS SELECT * FROM orders WHERE placed_at < '2024-01-01';
