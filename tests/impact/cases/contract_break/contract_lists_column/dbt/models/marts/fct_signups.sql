select
    id as customer_id,
    region_code,
    date_trunc('day', created_at) as signup_day
from {{ ref('stg_customers') }}
