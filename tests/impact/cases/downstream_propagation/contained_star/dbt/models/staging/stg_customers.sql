with source as (

    select * from {{ source('crm', 'customers') }}

),

renamed as (

    select
        id as customer_id,
        lower(email) as email,
        full_name,
        region_code,
        created_at
    from source
    where deleted_at is null

)

select * from renamed
