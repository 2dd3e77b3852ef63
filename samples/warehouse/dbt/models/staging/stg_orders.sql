-- One row per shop order, renamed for the warehouse.
select
    id as order_id,
    customer_id,
    status,
    total_cents,
    currency,
    placed_at,
    paid_at
from {{ source('shop', 'orders') }}
