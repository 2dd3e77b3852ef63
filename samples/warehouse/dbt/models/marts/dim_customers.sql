-- One row per customer: every staged customer column (customers.*), order statistics,
-- and the country guessed from the phone number's dialling prefix.
with customers as (
    select * from {{ ref('stg_customers') }}
),

order_stats as (
    select
        customer_id,
        count(*) as order_count,
        sum(total_cents) as lifetime_value_cents,
        min(placed_at) as first_order_at,
        max(placed_at) as last_order_at
    from {{ ref('int_order_totals') }}
    where status <> 'cancelled'
    group by customer_id
),

countries as (
    select dial_prefix, country_code from {{ ref('country_codes') }}
)

select
    customers.*,
    countries.country_code,
    coalesce(order_stats.order_count, 0) as order_count,
    coalesce(order_stats.lifetime_value_cents, 0) as lifetime_value_cents,
    order_stats.first_order_at,
    order_stats.last_order_at,
    coalesce(order_stats.last_order_at >= current_date - {{ var('lookback_days', 30) }}, false) as is_active
from customers
left join order_stats on order_stats.customer_id = customers.id
left join countries on customers.phone like countries.dial_prefix || '%'
