select * from {{ ref('stg_subscriptions') }}
