{% snapshot customers_snapshot %}

{{
    config(
        unique_key='id',
        strategy='check',
        check_cols=['email', 'full_name', 'phone', 'marketing_opt_in'],
    )
}}

-- History of contact details and consent, for the CRM's audit questions.
select
    id,
    email,
    full_name,
    phone,
    marketing_opt_in,
    marketing_opt_in_at
from {{ source('shop', 'customers') }}

{% endsnapshot %}
