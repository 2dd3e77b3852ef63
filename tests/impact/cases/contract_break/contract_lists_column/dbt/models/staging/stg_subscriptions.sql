select * from {{ source('crm', 'subscriptions') }}
