-- Explicit columns: a new CRM column reaches the warehouse only when someone adds it here.
select
    id as customer_id,
    email,
    full_name,
    region_code,
    created_at
from {{ source('crm', 'customers') }}
where deleted_at is null
