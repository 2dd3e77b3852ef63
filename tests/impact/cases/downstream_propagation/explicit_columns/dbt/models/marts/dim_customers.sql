with customers as (
    select * from {{ source('crm', 'customers') }}
),

subscriptions as (
    select * from {{ ref('stg_subscriptions') }}
)

select
    customers.id as customer_id,
    customers.email,
    customers.region_code,
    count(subscriptions.subscription_id) as subscription_count
from customers
left join subscriptions on subscriptions.customer_id = customers.id
group by 1, 2, 3
