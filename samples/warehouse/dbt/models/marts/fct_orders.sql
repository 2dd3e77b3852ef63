{{ config(materialized='incremental', unique_key='order_id') }}

-- One row per order with line and payment totals. New orders only on incremental runs.
with order_totals as (
    select * from {{ ref('int_order_totals') }}
),

payments as (
    select
        order_id,
        sum(amount_cents) as paid_cents,
        max(captured_at) as last_captured_at
    from {{ ref('stg_payments') }}
    group by order_id
)

select
    order_totals.order_id,
    order_totals.customer_id,
    order_totals.status,
    order_totals.currency,
    order_totals.placed_at,
    order_totals.line_count,
    order_totals.item_quantity,
    order_totals.items_total_cents,
    order_totals.total_cents as order_total_cents,
    coalesce(payments.paid_cents, 0) as paid_cents,
    payments.last_captured_at
from order_totals
left join payments on payments.order_id = order_totals.order_id
{% if is_incremental() %}
where placed_at > (select max(placed_at) from {{ this }})
{% endif %}
