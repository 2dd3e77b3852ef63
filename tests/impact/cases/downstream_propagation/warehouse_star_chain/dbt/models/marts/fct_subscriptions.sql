-- Named columns only: the customer's new columns stay out of this fact table.
with customers as (
    select * from {{ ref('stg_customers') }}
)

select
    s.subscription_id,
    s.customer_id,
    customers.region_code,
    s.plan,
    s.started_at,
    s.cancelled_at
from {{ ref('stg_subscriptions') }} as s
join customers on customers.id = s.customer_id
