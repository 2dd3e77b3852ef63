-- Customers with their region's name.
with customers as (
    select * from {{ ref('stg_customers') }}
),

regions as (
    select region_code, region_name from {{ ref('regions') }}
)

select
    customers.*,
    regions.region_name
from customers
left join regions using (region_code)
