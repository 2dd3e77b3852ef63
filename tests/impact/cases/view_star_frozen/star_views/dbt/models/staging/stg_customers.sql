-- dbt recreates this view on every run, so it picks up new customer columns by itself.
select * from {{ source('crm', 'customers') }}
