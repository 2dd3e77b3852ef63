-- Every CRM customer column; soft-deleted customers are dropped here, once.
select * from {{ source('crm', 'customers') }}  -- depmap-expect: downstream-propagation info
where deleted_at is null
