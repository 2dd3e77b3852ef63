-- Every subscription column: customers' columns never pass through here.
select * from {{ ref('stg_subscriptions') }}
