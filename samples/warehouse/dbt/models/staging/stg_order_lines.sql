-- The shop's order_items (source table order_lines), with each line's total.
select
    id as order_line_id,
    order_id,
    product_id,
    quantity,
    unit_price_cents,
    quantity * unit_price_cents as line_total_cents
from {{ source('shop', 'order_lines') }}
