-- Every customer column, on purpose: new columns reach dim_customers unchanged.
-- Internal test accounts are left out.
select * from {{ source('shop', 'customers') }}
where email not like '%@acme.test'
