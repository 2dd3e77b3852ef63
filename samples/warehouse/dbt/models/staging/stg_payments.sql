-- Captured payments only; authorizations that were never captured are noise here.
select
    id as payment_id,
    order_id,
    provider,
    amount_cents,
    created_at as captured_at
from {{ source('shop', 'payments') }}
where status = 'captured'
