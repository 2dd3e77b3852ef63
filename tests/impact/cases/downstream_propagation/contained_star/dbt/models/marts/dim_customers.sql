select
    c.*,
    r.region_name
from {{ ref('stg_customers') }} as c
left join {{ ref('regions') }} as r using (region_code)
