select * from {{ source('crm', 'customers') }}
where deleted_at is null
