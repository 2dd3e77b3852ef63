-- Flat file for the mailing tool; its shape follows the CRM on purpose.
select customers.* from {{ ref('stg_customers') }} as customers
