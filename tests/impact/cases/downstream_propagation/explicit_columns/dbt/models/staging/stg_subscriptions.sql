select
    id as subscription_id,
    customer_id,
    plan,
    started_at,
    cancelled_at
from {{ source('crm', 'subscriptions') }}
