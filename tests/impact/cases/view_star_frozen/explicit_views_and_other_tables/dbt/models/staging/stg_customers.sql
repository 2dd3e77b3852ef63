-- A dbt view: `dbt run` recreates it, so it follows the source's columns.
{{ config(materialized='view') }}

select * from {{ source('crm', 'customers') }}
