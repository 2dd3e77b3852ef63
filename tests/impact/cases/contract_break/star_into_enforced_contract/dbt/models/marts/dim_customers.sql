-- One row per live customer, read by the BI tool and the CRM sync: contract in _marts.yml.
select * from {{ ref('int_customers_enriched') }}  -- depmap-expect: contract-break breaking
