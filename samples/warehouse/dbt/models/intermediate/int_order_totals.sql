-- Orders with the totals of their lines.
with orders as (
    select * from {{ ref('stg_orders') }}
),

lines as (
    select * from {{ ref('stg_order_lines') }}
),

line_totals as (
    select
        order_id,
        count(*) as line_count,
        sum(quantity) as item_quantity,
        sum(line_total_cents) as items_total_cents
    from lines
    group by order_id
)

select
    orders.order_id,
    orders.customer_id,
    orders.status,
    orders.currency,
    orders.placed_at,
    orders.total_cents,
    coalesce(line_totals.line_count, 0) as line_count,
    coalesce(line_totals.item_quantity, 0) as item_quantity,
    coalesce(line_totals.items_total_cents, 0) as items_total_cents
from orders
left join line_totals on line_totals.order_id = orders.order_id
