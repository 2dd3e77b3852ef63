-- Open orders, run by the support team from psql every morning.
SELECT * FROM orders  -- depmap-expect: select-star warning
 WHERE status IN ('pending', 'paid')
 ORDER BY placed_at;
