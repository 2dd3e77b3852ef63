"""Pipeline rules (downstream-propagation, contract-break, view-star-frozen): the exact text a
reviewer reads, the closure listed under a finding, and the dialect and check-mode subtleties."""

from __future__ import annotations

from pathlib import Path

from depmap.impact.rules import contract_break, downstream_propagation, view_star_frozen
from depmap.model import Location
from tests.impact.helpers import CASES, context_for, findings_of, write_files

REPO = Path(__file__).resolve().parents[2]
WAREHOUSE = REPO / "samples" / "warehouse"
CHAIN = CASES / "downstream_propagation" / "warehouse_star_chain"
CONTRACT = CASES / "contract_break" / "star_into_enforced_contract"
VIEWS = CASES / "view_star_frozen" / "star_views"


def at(findings):
    return [(f.location.path, f.location.line) for f in findings]


# -- downstream-propagation ----------------------------------------------------------------------


def test_one_finding_per_star_entry_point_with_the_closure_beyond_it():
    ctx = context_for(CHAIN, "customers.loyalty_tier", type="text")
    findings = findings_of(downstream_propagation, ctx)
    assert at(findings) == [
        ("airflow/dags/crm_archive.py", 19),
        ("dbt/models/staging/stg_customers.sql", 2),
        ("reporting/views.sql", 16),
    ]
    staging = findings[1]
    assert staging.message == (
        "The dbt model staging.stg_customers (materialized as view) selects every column of customers, so "
        "loyalty_tier lands in it on its next dbt build, and from there reaches 2 more relations: "
        "int_customers_enriched, marts.dim_customers."
    )
    assert staging.fix == (
        "If loyalty_tier should not reach staging.stg_customers, list the columns of customers explicitly instead "
        "of `*` at dbt/models/staging/stg_customers.sql:2. If it should, add it downstream on purpose: document "
        "loyalty_tier in the YAML of the dbt models that carry it and check the consumers of staging.stg_customers, "
        "int_customers_enriched, marts.dim_customers."
    )
    assert [(r.location.path, r.location.line, r.note) for r in staging.related] == [
        ("dbt/models/intermediate/int_customers_enriched.sql", 2,
         "depth 2: staging.stg_customers → int_customers_enriched (dbt model, select *)"),
        ("dbt/models/marts/dim_customers.sql", 3,
         "depth 3: int_customers_enriched → marts.dim_customers (dbt model, select *)"),
    ]


def test_airflow_insert_select_star_names_its_task():
    ctx = context_for(CHAIN, "customers.loyalty_tier", type="text")
    archive = findings_of(downstream_propagation, ctx)[0]
    assert archive.message == (
        "INSERT ... SELECT * here (Airflow task crm_archive.archive_customers) sends every column of customers into "
        "archive.customers_daily by position, loyalty_tier included, so archive.customers_daily needs a matching "
        "column in the same place (see insert-select-star)."
    )
    assert archive.related == ()


def test_a_frozen_view_is_left_to_view_star_frozen_and_what_is_built_on_it_starts_a_finding():
    ctx = context_for(CHAIN, "customers.loyalty_tier", type="text")
    assert at(findings_of(view_star_frozen, ctx)) == [("reporting/views.sql", 5)]
    on_frozen = findings_of(downstream_propagation, ctx)[2]
    assert on_frozen.message == (
        "The view reporting.active_eu_customers selects every column of reporting.active_customers, itself a view "
        "that gets loyalty_tier only once it is recreated (see view-star-frozen); postgres fixed its column list when "
        "it was created, so it carries loyalty_tier once it is recreated after reporting.active_customers."
    )
    assert on_frozen.fix == (
        "If loyalty_tier should not reach reporting.active_eu_customers, list the columns of "
        "reporting.active_customers explicitly instead of `*` at reporting/views.sql:16. If it should, add it "
        "downstream on purpose: recreate reporting.active_eu_customers after recreating reporting.active_customers "
        "and check the consumers of reporting.active_eu_customers."
    )


def test_a_view_is_described_as_the_dialect_treats_its_star():
    sqlite = findings_of(downstream_propagation, context_for(CHAIN, "customers.loyalty_tier", type="text", dialect="sqlite"))
    view = next(f for f in sqlite if f.location.path == "reporting/views.sql")
    assert view.location.line == 5
    assert view.message == (
        "The view reporting.active_customers selects every column of customers; SQLite expands that `*` each time "
        "the view is used, so the view shows loyalty_tier as soon as the column exists, and from there reaches 1 more "
        "relation: reporting.active_eu_customers."
    )


def test_incremental_models_say_when_they_gain_the_column(tmp_path):
    write_files(tmp_path, {
        "dbt/dbt_project.yml": """
            name: events
            version: "1.0.0"
            config-version: 2
            model-paths: ["models"]
        """,
        "dbt/models/_sources.yml": """
            version: 2
            sources:
              - name: app
                tables:
                  - name: customers
        """,
        "dbt/models/customers_history.sql": """
            {{ config(materialized='incremental', unique_key='id') }}
            select * from {{ source('app', 'customers') }}
            {% if is_incremental() %}
            where updated_at > (select max(updated_at) from {{ this }})
            {% endif %}
        """,
    })
    findings = findings_of(downstream_propagation, context_for(tmp_path, "app.customers.loyalty_tier", type="text"))
    assert at(findings) == [("dbt/models/customers_history.sql", 2)]
    assert "gains it only with on_schema_change 'append_new_columns' or 'sync_all_columns'" in findings[0].message


def test_the_sample_warehouse_reports_the_staging_model_and_leaves_the_view_to_view_star_frozen():
    ctx = context_for(WAREHOUSE, "customers.loyalty_tier", type="text")
    findings = findings_of(downstream_propagation, ctx)
    assert at(findings) == [("dbt/models/staging/stg_customers.sql", 3)]
    assert at(findings_of(view_star_frozen, ctx)) == [("airflow/sql/reporting_views.sql", 6)]
    assert [r.note for r in findings[0].related] == [
        "depth 2: staging.stg_customers → marts.dim_customers (dbt model, select *)"
    ]


def test_nothing_flows_from_a_table_read_by_name_only():
    assert findings_of(downstream_propagation, context_for(WAREHOUSE, "orders.coupon_code", type="text")) == []


# -- contract-break ------------------------------------------------------------------------------


def test_contract_break_names_the_model_the_route_and_the_yaml():
    findings = findings_of(contract_break, context_for(CONTRACT, "customers.loyalty_tier", type="text"))
    assert at(findings) == [("dbt/models/marts/dim_customers.sql", 2), ("dbt/models/marts/finance/customer_ledger.sql", 4)]
    dim = findings[0]
    assert dim.severity == "breaking"
    assert dim.message == (
        "dbt model dim_customers (marts.dim_customers) enforces a contract and selects every column of customers "
        "through staging.stg_customers → int_customers_enriched: once loyalty_tier exists it returns a column its "
        "contract does not list, and `dbt build` fails with \"This model has an enforced contract that failed\"."
    )
    assert dim.fix == (
        "Add the column to the contract in dbt/models/marts/_marts.yml:4 in the same change, under `columns:`: "
        "`- name: loyalty_tier` with `data_type: text`. Or, if dim_customers should not carry it, select its "
        "columns explicitly at dbt/models/marts/dim_customers.sql:2 instead of `*`."
    )
    assert [(r.location.path, r.location.line, r.note) for r in dim.related] == [
        ("dbt/models/marts/_marts.yml", 4, "the contract of dim_customers: it does not list loyalty_tier"),
        ("dbt/models/staging/stg_customers.sql", 2, "depth 1: customers → staging.stg_customers (select *)"),
        ("dbt/models/intermediate/int_customers_enriched.sql", 2,
         "depth 2: staging.stg_customers → int_customers_enriched (select *)"),
    ]


def test_contract_break_on_the_sample_warehouse():
    findings = findings_of(contract_break, context_for(WAREHOUSE, "customers.loyalty_tier", type="text"))
    assert at(findings) == [("dbt/models/marts/dim_customers.sql", 3)]
    assert findings[0].related[0].location == Location("dbt/models/marts/_marts.yml", 21, 21)


def test_a_type_less_proposal_leaves_the_data_type_to_fill_in():
    findings = findings_of(contract_break, context_for(WAREHOUSE, "customers.loyalty_tier"))
    assert "`data_type: <its type>`" in findings[0].fix


# -- view-star-frozen ----------------------------------------------------------------------------


def test_view_star_frozen_message_and_fix_per_shape():
    findings = findings_of(view_star_frozen, context_for(VIEWS, "customers.loyalty_tier", type="text"))
    by_line = {f.location.line: f for f in findings if f.location.path == "migrations/0002_reporting_views.sql"}
    revenue = by_line[7]
    assert revenue.message == (
        "The view reporting.customer_revenue selects every column of customers, but postgres expanded that `*` "
        "when the view was created: it keeps its old column list, and its readers will not see loyalty_tier until "
        "it is recreated."
    )
    assert revenue.fix == (
        "If readers of reporting.customer_revenue should see loyalty_tier, recreate the view in the migration that "
        "adds the column: BEGIN; ALTER TABLE customers ADD COLUMN loyalty_tier TEXT; DROP VIEW "
        "reporting.customer_revenue; CREATE VIEW reporting.customer_revenue AS <the SELECT at "
        "migrations/0002_reporting_views.sql:7>; COMMIT; (CREATE OR REPLACE VIEW fails here: other columns follow "
        "the `*`, and PostgreSQL only lets a replaced view add columns at the end) If they should not, list the "
        "columns of customers explicitly in the view instead of `*`, so its shape does not depend on when it was "
        "last created."
    )
    assert "CREATE OR REPLACE VIEW customer_directory AS <the SELECT at migrations/0002_reporting_views.sql:4>" in by_line[4].fix
    assert by_line[17].message.startswith("The materialized view reporting.customer_search")
    assert "DROP MATERIALIZED VIEW reporting.customer_search; CREATE MATERIALIZED VIEW" in by_line[17].fix


def test_mysql_replaces_the_view_in_place():
    findings = findings_of(view_star_frozen, context_for(VIEWS, "customers.loyalty_tier", type="text", dialect="mysql"))
    revenue = next(f for f in findings if f.location.line == 7)
    assert "mysql expanded that `*`" in revenue.message
    assert "ALTER TABLE customers ADD COLUMN loyalty_tier TEXT; CREATE OR REPLACE VIEW reporting.customer_revenue" in revenue.fix


def test_a_view_recreated_before_the_add_column_of_the_same_migration_is_still_frozen(tmp_path):
    write_files(tmp_path, {
        "migrations/0001_init.sql": """
            CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL);
            CREATE VIEW customer_directory AS SELECT * FROM customers;
        """,
        "migrations/0002_loyalty.sql": """
            CREATE OR REPLACE VIEW customer_directory AS SELECT * FROM customers;
            ALTER TABLE customers ADD COLUMN loyalty_tier text;
        """,
    })
    ctx = context_for(tmp_path, "customers.loyalty_tier", type="text", changed_paths=("migrations/0002_loyalty.sql",),
                      origin=Location("migrations/0002_loyalty.sql", 2, 2), framework="sql")
    assert at(findings_of(view_star_frozen, ctx)) == [("migrations/0002_loyalty.sql", 1)]


def test_sample_warehouse_frozen_view_only_outside_dbt():
    findings = findings_of(view_star_frozen, context_for(WAREHOUSE, "customers.loyalty_tier", type="text"))
    assert at(findings) == [("airflow/sql/reporting_views.sql", 6)]
    assert findings_of(view_star_frozen, context_for(WAREHOUSE, "customers.loyalty_tier", dialect="sqlite")) == []
