-- Report query run by the BI tool every hour.
WITH recent_orders AS (
    SELECT * FROM orders WHERE placed_at >= now() - interval '30 days'
)
SELECT discount_code, count(*) AS uses
FROM recent_orders r
JOIN coupons k ON k.id = r.coupon_id  -- depmap-expect: ambiguous-column breaking
GROUP BY discount_code
