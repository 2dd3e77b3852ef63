{{ config(materialized='table') }}

-- Customer master data next to their billing totals, for the finance team's exports.
with customers as (  -- depmap-expect: contract-break breaking
    select * from {{ ref('stg_customers') }}
),

billing as (
    select customer_id, sum(amount_cents) as billed_cents
    from {{ source('crm', 'invoices') }}
    group by customer_id
)

select
    customers.*,
    coalesce(billing.billed_cents, 0) as billed_cents
from customers
left join billing on billing.customer_id = customers.id
