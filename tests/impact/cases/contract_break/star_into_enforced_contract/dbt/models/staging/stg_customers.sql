-- Every CRM customer column; soft-deleted customers are dropped here, once.
select * from {{ source('crm', 'customers') }}
where deleted_at is null
