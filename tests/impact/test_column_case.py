"""A column named in another case is the same column where the warehouse folds names: dbt models
on Snowflake select `"QUERY_ID" as query_id` from a source whose YAML documents `query_id`. A drop
must find that model, and must not call the column unused."""

from __future__ import annotations

from depmap.impact.rules import dropped_column_in_use, no_remaining_use
from tests.impact.helpers import change_context, write_files

PROJECT = {
    "dbt_project.yml": "name: usage\nversion: '1.0.0'\nprofile: usage\nmodel-paths: ['models']\n",
    "models/sources.yml": """
        version: 2
        sources:
          - name: account_usage
            tables:
              - name: query_history
                columns:
                  - name: query_id
                  - name: warehouse_name
                  - name: query_tag
    """,
    "models/stg_query_history.sql": """
        with raw_source as (

            select *
            from {{ source('account_usage', 'query_history') }}

        ),

        final as (

            select
                "QUERY_ID" as query_id,
                "WAREHOUSE_NAME" as warehouse_name

            from raw_source

        )

        select * from final
    """,
}


def test_a_quoted_upper_case_name_in_a_model_is_a_use_of_the_documented_column(tmp_path):
    root = write_files(tmp_path, PROJECT)
    ctx = change_context(root, "account_usage.query_history.query_id", "drop")
    assert [(f.location.path, f.severity) for f in dropped_column_in_use.check(ctx)] == [
        ("models/stg_query_history.sql", "breaking")]
    assert list(no_remaining_use.check(ctx)) == []


def test_a_documented_column_no_model_selects_is_unused(tmp_path):
    root = write_files(tmp_path, PROJECT)
    (finding,) = no_remaining_use.check(change_context(root, "account_usage.query_history.query_tag", "drop"))
    assert finding.severity == "info"
    assert finding.message.startswith("account_usage.query_history.query_tag has no remaining use: ")
