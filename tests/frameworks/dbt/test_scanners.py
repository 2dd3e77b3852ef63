"""Per-file dbt scanners: what they make of one file, and that they never crash."""

from __future__ import annotations

from depmap.model import PARSE_ERROR
from depmap.frameworks.dbt.link import link_dbt
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.jinja import render_model
from depmap.frameworks.dbt.models import first_query_line, is_dbt_model, scan_dbt_model
from depmap.frameworks.dbt.yaml_files import scan_dbt_project, scan_dbt_yaml

CTX = ScanContext()


def test_render_stand_ins() -> None:
    text = (
        "{{ config(materialized='table', alias='x', contract={'enforced': true}) }}\n"
        "{% set cols = ['a', 'b'] %}\n"
        "select {% for c in cols %}{{ c }}, {% endfor %}{{ dbt_utils.generate_surrogate_key(['a', 'b']) }} as k,\n"
        "  {{ my_macro('a') }} as m, {{ var('limit', 10) }} as l, {{ var('nope') }} as n\n"
        "from {{ ref('pkg', 'm1') }} join {{ source('s', 't') }} on true"
    )
    rendering = render_model(text, incremental=False)
    assert rendering.sql.splitlines()[2:] == [
        "select a, b, md5(concat(a, b)) as k,",
        "  NULL as m, 10 as l, NULL as n",
        "from __dbt_ref__m1 join __dbt_source__s__t on true",
    ]
    assert rendering.config == {"materialized": "table", "alias": "x", "contract": {"enforced": True}}
    assert rendering.refs == {"__dbt_ref__m1": "m1"}
    assert rendering.sources == {"__dbt_source__s__t": ["s", "t"]}
    assert rendering.unknown == {"my_macro"}
    assert rendering.vars == {"limit", "nope"}


def test_star_with_alias_and_except() -> None:
    text = "select {{ dbt_utils.star(from=ref('a'), except=['z'], relation_alias='o') }} from {{ ref('a') }} o"
    rendering = render_model(text, incremental=False)
    assert rendering.sql == "select o.* from __dbt_ref__a o"
    assert rendering.star_except == {"__dbt_ref__a": ["z"]}


def test_template_syntax_error_is_a_parse_error() -> None:
    text = "select 1 as x\nfrom {{ ref('a') }}\n{% if %}\n"
    result = scan_dbt_model("models/bad.sql", text, CTX)
    assert [(f.kind, f.location.line, f.via) for f in result.facts] == [(PARSE_ERROR, 3, "dbt")]
    assert result.facts[0].extra["error"].startswith("dbt Jinja not rendered: ")


def test_runtime_template_error_is_a_parse_error() -> None:
    result = scan_dbt_model("models/bad.sql", "select {{ ref('a') + 1 }}", CTX)
    assert [f.kind for f in result.facts] == [PARSE_ERROR]


def test_sandbox_refuses_unsafe_attributes() -> None:
    text = "select {{ ref('a').__class__.__mro__ }} from {{ ref('a') }}"
    model = next(f for f in scan_dbt_model("models/m.sql", text, CTX).facts if f.kind == "dbt_model")
    assert model.extra["unknown_macros"] == ["__class__"]  # the sandbox answered undefined, rendered NULL


def test_unknown_macros_are_recorded_on_the_model() -> None:
    text = "select {{ cents_to_dollars('amount') }} as amount, id\nfrom {{ ref('orders') }}"
    facts = scan_dbt_model("models/m.sql", text, CTX).facts
    model = next(f for f in facts if f.kind == "dbt_model")
    assert model.extra["unknown_macros"] == ["cents_to_dollars"]
    assert model.extra["columns"] == ["amount", "id"]
    linked = link_dbt(facts)
    table = next(f for f in linked if f.kind == "table_def")
    assert (table.table, table.columns, table.extra["unknown_macros"]) == ("m", ("amount", "id"), ["cents_to_dollars"])
    # a ref to a model the scan does not know is named as written
    assert [(f.table, f.columns) for f in linked if f.kind == "access" and f.access == "read"] == [("orders", ("id",))]


def test_plain_sql_is_not_a_model() -> None:
    assert not is_dbt_model("select * from orders")
    assert scan_dbt_model("models/m.sql", "select * from orders", CTX).facts == []
    assert is_dbt_model("{{\n  config(materialized='view')\n}}\nselect 1")


def test_first_query_line_skips_jinja_and_comments() -> None:
    text = "-- select nothing\n{{ config(materialized='view') }}\n{# select #}\n\nWITH a AS (select 1) select * from a"
    assert first_query_line(text) == 5


def test_tests_folder_sql_reads_but_defines_no_model() -> None:
    facts = scan_dbt_model("tests/assert_positive.sql", "select id from {{ ref('orders') }} where amount < 0", CTX).facts
    assert [f.kind for f in facts] == ["access"]


def test_snapshot_block() -> None:
    text = (
        "{% snapshot orders_snapshot %}\n"
        "{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at') }}\n"
        "select * from {{ source('shop', 'orders') }}\n"
        "{% endsnapshot %}\n"
    )
    facts = scan_dbt_model("snapshots/orders.sql", text, CTX).facts
    model = next(f for f in facts if f.kind == "dbt_model")
    assert (model.table, model.extra["materialized"], model.extra["schema"]) == ("__dbt_model__orders_snapshot", "snapshot", "snapshots")
    table = next(f for f in link_dbt(facts) if f.kind == "table_def")
    assert (table.table, table.extra["star_from"]) == ("snapshots.orders_snapshot", ["shop.orders"])


def test_yaml_that_is_not_dbt_is_ignored() -> None:
    assert scan_dbt_yaml("ci.yml", "jobs:\n  test:\n    runs-on: ubuntu\n", CTX).facts == []
    assert scan_dbt_yaml("k.yml", "models: 3\n", CTX).facts == []


def test_broken_dbt_yaml_is_a_parse_error() -> None:
    facts = scan_dbt_yaml("models/schema.yml", "models:\n  - name: a\n   bad: [\n", CTX).facts
    assert [(f.kind, f.via) for f in facts] == [(PARSE_ERROR, "dbt")]


def test_source_defaults_and_public_schema() -> None:
    text = "sources:\n  - name: app\n    schema: public\n    tables:\n      - name: users\n  - name: raw\n    tables:\n      - name: Events\n"
    facts = scan_dbt_yaml("models/src.yml", text, CTX).facts
    assert [(f.table, f.location.line, f.extra["placeholder"]) for f in facts] == [
        ("users", 5, "__dbt_source__app__users"),
        ("raw.events", 8, "__dbt_source__raw__events"),
    ]


def test_project_file() -> None:
    text = "name: wh\nsource-paths: [src]\nvars:\n  start: '2020'\n"
    [fact] = scan_dbt_project("warehouse/dbt_project.yml", text, CTX).facts
    assert fact.kind == "dbt_project" and fact.table == ""
    assert fact.extra["root"] == "warehouse"
    assert fact.extra["model-paths"] == ["src"]
    assert fact.extra["seed-paths"] == ["seeds"]
    assert fact.extra["vars"] == {"start": "2020"}


def test_facts_round_trip_through_json() -> None:
    from depmap.model import Fact

    facts = scan_dbt_model("models/m.sql", "{{ config(materialized='table') }}\nselect id from {{ ref('o') }}", CTX).facts
    assert [Fact.from_json(f.to_json()) for f in facts] == facts


MODEL_OF_42_LINES = """\
{{ config(materialized='table', tags=['finance']) }}

{% set payment_methods = ['card', 'bank_transfer', 'gift_card'] %}

-- One row per order with its payment totals per method.
with orders as (

    select
        order_id,
        customer_id,
        order_date,
        status
    from {{ ref('stg_orders') }}

),

payments as (

    select
        order_id,
        {% for method in payment_methods -%}
        sum(case when payment_method = '{{ method }}' then amount else 0 end) as {{ method }}_amount,
        {% endfor -%}
        sum(amount) as total_amount
    from {{ ref('stg_payments') }}
    group by order_id

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        payments.total_amount
    from orders
    left join {{ ref('stg_refunds') }} as refunds on refunds.order_id = orders.order_id
    left join payments on payments.order_id = orders.order_id

)

select * from final
"""


def test_each_ref_of_a_model_is_read_at_its_own_line() -> None:
    assert len(MODEL_OF_42_LINES.splitlines()) == 42
    facts = scan_dbt_model("models/marts/orders.sql", MODEL_OF_42_LINES, ScanContext()).facts
    reads = sorted({(f.table, f.location.line, f.location.statement_line, f.location.end_line) for f in facts if f.kind == "access"})
    assert reads == [
        ("__dbt_ref__stg_orders", 13, 6, 42),  # the statement opens at the first `with`, line 6
        ("__dbt_ref__stg_payments", 25, 6, 42),  # below a {% for %} block that rendering unrolls
        ("__dbt_ref__stg_refunds", 37, 6, 42),
    ]


def test_a_relation_referenced_twice_lists_both_lines() -> None:
    text = (
        "with latest as (\n"
        "    select candidacy_id, max(stage_at) as stage_at\n"
        "    from {{ ref('candidacy_stage') }}\n"
        "    group by 1\n"
        ")\n"
        "select s.*\n"
        "from latest\n"
        "inner join\n"
        "    {{ ref('candidacy_stage') }} as s\n"
        "    on s.candidacy_id = latest.candidacy_id and s.stage_at = latest.stage_at\n"
    )
    facts = scan_dbt_model("tests/assert_latest_stage.sql", text, ScanContext()).facts
    reads = {(f.location.line, tuple(f.extra.get("lines") or ())) for f in facts if f.kind == "access"}
    assert reads == {(3, (3, 9))}
