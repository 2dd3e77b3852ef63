"""SQL in YAML and JSON configuration: every statement at the line of its value, named by key path."""

from __future__ import annotations

import textwrap
from pathlib import Path

from depmap.model import ScanResult, Skipped
from depmap.frameworks.sql_in_configs.scanner import scan_config_sql
from depmap.scan_context import ScanContext

from tests.frameworks.fact_rows import assert_rows

FIXTURES = Path(__file__).parent / "fixtures" / "configs"
A, E = "access", "parse_error"


def scan_file(name: str) -> ScanResult:
    return scan_config_sql(f"config/{name}", (FIXTURES / name).read_text(), ScanContext())


def scan(text: str, path: str = "config/jobs.yml") -> ScanResult:
    return scan_config_sql(path, textwrap.dedent(text), ScanContext())


def test_yaml_nested_keys_and_block_scalars() -> None:
    result = scan_file("exports.yml")
    assert result.skipped == []
    assert_rows(
        result.facts,
        [
            # `sql: |` keeps its lines: each statement on its own line after the comment
            (A, 12, "orders", ("id", "status", "total"), "read", "select", "sql", "jobs.daily_export.sql", "medium"),
            (A, 15, "export_queue", ("sent_at",), "read", "delete", "sql", "jobs.daily_export.sql", "medium"),
            (A, 15, "export_queue", (), "write", "delete", "sql", "jobs.daily_export.sql", "medium"),
            # `query: find active customers` is prose: nothing; `query: 42` is not text: nothing
            (A, 21, "customers", ("lifetime_value",), "read", "update", "sql", "jobs.refresh.steps[0].statement", "medium"),
            (A, 21, "customers", ("tier",), "write", "update", "sql", "jobs.refresh.steps[0].statement", "medium"),
            # a folded block (`>`) loses its line breaks: placed on its first line; a list item with
            # a name is named by it
            (A, 24, "invoices", ("customer_id", "amount"), "read", "select", "sql", "jobs.refresh.steps[invoices].sql_query", "medium"),
            # under `sql`, SQL that does not parse still reaches the report
            (E, 29, "", (), None, "unparsed", "sql", "jobs.broken.sql", "low"),
            (A, 29, "orders", (), "write", "unparsed", "sql", "jobs.broken.sql", "low"),
        ],
    )  # fmt: skip
    block = next(fact for fact in result.facts if fact.table == "orders")
    assert (block.location.statement_line, block.location.line, block.location.end_line) == (11, 12, 13)
    assert block.snippet == "SELECT id, status, total FROM orders WHERE status = 'paid';"


def test_json_values_placed_by_token_order() -> None:
    result = scan_file("reports.json")
    assert result.skipped == []
    assert_rows(
        result.facts,
        [
            (A, 4, "users", ("id", "email", "active"), "read", "select", "sql", "reports[0].query", "medium"),
            (A, 8, "audit_log", ("event",), "write", "insert", "sql", "reports[1].sql[0]", "medium"),
            (A, 9, "payments", (), "read", "select", "sql", "reports[1].sql[1]", "medium"),
            (A, 9, "payments", (), "read", "select_star", "sql", "reports[1].sql[1]", "medium"),
            # numeric ids are not names (`reports[1]` would read as an index);
            # search.query "status:open ..." is not SQL (and the `"sql":` inside it is not a key)
        ],
    )  # fmt: skip


def test_non_sql_query_value_gives_nothing() -> None:
    result = scan(
        """\
        search:
          query: "select a customer from the list"
          statement: Quarterly statement for customers
        """
    )
    assert result == ScanResult()


def test_dbt_property_files_are_left_to_the_dbt_scanner() -> None:
    result = scan(
        """\
        version: 2
        models:
          - name: orders
            meta:
              sql: SELECT id FROM raw_orders
        """,
        path="models/schema.yml",
    )
    assert result == ScanResult()


def test_alias_reported_once_where_it_is_written() -> None:
    result = scan(
        """\
        base: &q
          sql: DELETE FROM sessions
        copy: *q
        """
    )
    assert_rows(
        result.facts,
        [(A, 2, "sessions", (), "write", "delete", "sql", "base.sql", "medium")],
    )


def test_invalid_yaml_is_skipped_with_a_reason() -> None:
    result = scan(
        """\
        jobs:
          daily:
            sql: [SELECT 1
          other: x
        """
    )
    assert result.facts == []
    # the wording is the YAML parser's (libyaml or PyYAML's own); the line is the mistake's
    [skipped] = result.skipped
    assert skipped.path == "config/jobs.yml"
    assert skipped.reason.startswith("invalid YAML: ") and skipped.reason.endswith(" at line 4")


def test_invalid_json_is_skipped_with_a_reason() -> None:
    result = scan('{"sql": "SELECT 1",}', path="config/bad.json")
    assert result.skipped == [Skipped("config/bad.json", "invalid JSON: Expecting property name enclosed in double quotes at line 1")]


def test_files_without_sql_keys_are_not_parsed() -> None:
    assert scan("this: [is not: valid yaml\n") == ScanResult()  # no SQL key: not our file to judge


def test_facts_round_trip_through_json() -> None:
    from depmap.model import Fact

    for fact in scan_file("exports.yml").facts + scan_file("reports.json").facts:
        assert Fact.from_json(fact.to_json()) == fact


def test_depmap_reports_left_in_the_project_are_not_scanned() -> None:
    """A report quotes the plan's ALTER TABLE; read back, it would say the column exists."""
    plan = '"plan": [{"step": 1, "sql": ["ALTER TABLE orders ADD COLUMN discount_code TEXT"]}]'
    report = '{\n  "schema_version": 1,\n  "query": {"table": "orders", "column": "discount_code"},\n  ' + plan + "\n}\n"
    sarif = '{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "sql": "ALTER TABLE orders ADD COLUMN x TEXT"\n}\n'
    assert scan(report, "depmap.json") == ScanResult()
    assert scan(sarif, "depmap.sarif.json") == ScanResult()
    # The same keys in a config of the application's own are still read.
    config = '{\n  "query": "ALTER TABLE orders ADD COLUMN discount_code TEXT",\n  "schema_version": 1\n}\n'
    assert [(f.table, f.kind) for f in scan(config, "jobs.json").facts] == [("orders", "column_def"), ("orders", "schema_op")]
