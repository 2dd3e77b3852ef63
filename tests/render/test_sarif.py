"""SARIF output: valid against the OASIS SARIF 2.1.0 schema, byte-identical to golden files for the
bundled samples, and exact about what code-scanning tools read (rule ids and indexes, levels,
locations, fingerprints, notifications).

The schema in schemas/ is the OASIS errata01 schema as published (draft-04). `pytest
--update-golden` rewrites golden/sarif/; read the diff before committing.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for

from depmap.dialects.capabilities import Dialect
from depmap.impact.engine import ImpactReport, impact_context, run_impact
from depmap.impact.finding import Finding, Related
from depmap.impact.migration_specs import specs_from_migrations
from depmap.impact.registry import RULES
from depmap.impact.spec import ColumnSpec
from depmap.model import Location, Skipped
from depmap.render.json import dumps  # what the CLI writes
from depmap.render.run_info import RunInfo
from tests.render.sample_reports import TARGETS, dialect_of, index_of, report_of
from depmap.render.sarif import sarif_document

HERE = Path(__file__).parent
REPO = HERE.parents[1]
GOLDEN = HERE / "golden" / "sarif"
SCHEMA_PATH = HERE / "schemas" / "sarif-schema-2.1.0.json"
VERSION = "0.1.0"  # fixed, so that a version bump does not rewrite the golden files

FINGERPRINT = re.compile(r"^[0-9a-f]{64}:\d+$")


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_errors(document: dict[str, Any]) -> list[str]:
    validator = validator_for(schema())(schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]








def run_of(sample: str, command: str, **fields: Any) -> RunInfo:
    index = index_of(sample)
    return RunInfo(command=command, project=sample, version=VERSION, skipped=tuple(index.skipped_with_unparsed()),
                   files_scanned=index.files_scanned, **fields)


def impact_sarif(sample: str) -> dict[str, Any]:
    table, column, kind, not_null = TARGETS[sample]
    command = f"depmap impact {table}.{column} --type {kind}" + (" --not-null" if not_null else "") + " --format sarif"
    return sarif_document([report_of(sample)], run_of(sample, command))


def check_sarif(migrations: list[str]) -> dict[str, Any]:
    """`depmap check` on shop_sql: one report a column the migrations add."""
    index = index_of("shop_sql")
    specs, problems = specs_from_migrations(index, migrations)
    changed = {spec.origin.path for spec in specs if spec.origin is not None}
    reports = [run_impact(impact_context(index, spec, dialect_of(index), changed)) for spec in specs]
    run = run_of("shop_sql", "depmap check " + " ".join(migrations) + " --format sarif",
                 migrations=tuple(migrations), problems=tuple(problems))
    return sarif_document(reports, run)


def synthetic(findings: list[Finding], *, column: str = "discount_code", errors: list[str] | None = None) -> ImpactReport:
    return ImpactReport(ColumnSpec("orders", column, "TEXT"), Dialect("postgres", (16,), "option"), findings, [], [],
                        errors=errors or [])


def finding(path: str = "shop/repositories/orders.py", line: int = 81, message: str = "", **fields: Any) -> Finding:
    text = message or f"`SELECT *` from orders at {path}:{line} returns discount_code as an extra column."
    return Finding("select-star", "warning", Location(path, line, line, symbol="shop.repositories.orders.get"), text,
                   "Name the columns.", **fields)


# --- the schema and the golden files ------------------------------------------------------------


def test_schema_is_the_oasis_sarif_2_1_0_schema():
    document = schema()
    assert document["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert document["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert validator_for(document).__name__ == "Draft4Validator"
    validator_for(document).check_schema(document)


def test_schema_rejects_what_sarif_forbids():
    """The validation below is not vacuous: a wrong level, a missing version or a zero line fail."""
    document = impact_sarif("shop_sql")
    assert schema_errors(document) == []
    wrong_level = copy.deepcopy(document)
    wrong_level["runs"][0]["results"][0]["level"] = "breaking"
    no_version = copy.deepcopy(document)
    del no_version["version"]
    zero_line = copy.deepcopy(document)
    zero_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert schema_errors(wrong_level) == [
        "['runs', 0, 'results', 0, 'level']: 'breaking' is not one of ['none', 'note', 'warning', 'error']"
    ]
    assert schema_errors(no_version) == ["[]: 'version' is a required property"]
    assert schema_errors(zero_line) == [
        "['runs', 0, 'results', 0, 'locations', 0, 'physicalLocation', 'region', 'startLine']: "
        "0 is less than the minimum of 1"
    ]


@pytest.mark.parametrize("sample", sorted(TARGETS))
def test_sample_is_valid_sarif_and_matches_golden(sample: str, update_golden: bool):
    document = impact_sarif(sample)
    assert schema_errors(document) == []
    text = dumps(document)
    assert str(REPO) not in text  # no absolute machine path
    assert dumps(impact_sarif(sample)) == text
    golden = GOLDEN / f"{sample}.sarif"
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# --- shop_sql, exactly --------------------------------------------------------------------------


def test_shop_results_are_the_findings_mapped():
    run = impact_sarif("shop_sql")["runs"][0]
    got = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]]
    level = {"breaking": "error", "warning": "warning", "info": "note"}
    # the proposal's DDL finding is about a migration not written yet: no result on an old file
    assert got == [(f.rule, level[f.severity], f.location.path, f.location.line) for f in report_of("shop_sql").findings if f.location.path]
    assert got == [
        ("not-null-without-default", "error", "shop/repositories/orders.py", 52),
        ("select-star", "error", "shop/repositories/orders.py", 81),
        ("select-star", "warning", "shop/reports/sales.py", 98),
        ("unparsed-sql", "note", "shop/broken_sql.py", 12),
        ("view-star-frozen", "note", "migrations/0005_inventory_cleanup.sql", 8),
    ]
    assert [r["properties"]["severity"] for r in run["results"]] == ["breaking", "breaking", "warning", "info", "info"]
    assert all(r["properties"]["column"] == "orders.discount_code" for r in run["results"])


def test_shop_breaking_insert_is_an_error_with_range_snippet_and_fix():
    result = impact_sarif("shop_sql")["runs"][0]["results"][0]
    fingerprint = result.pop("partialFingerprints")
    assert result == {
        "ruleId": "not-null-without-default",
        "ruleIndex": 5,
        "level": "error",
        "message": {"text": (
            "INSERT into orders at shop/repositories/orders.py:52 lists no discount_code; once the column is NOT NULL "
            "without a default it fails with: null value in column \"discount_code\" of relation \"orders\" violates "
            "not-null constraint.\n\nFix: " + report_of("shop_sql").findings[1].fix)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "shop/repositories/orders.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 52, "endLine": 54, "snippet": {"text": report_of("shop_sql").findings[1].snippet}},
        }}],
        "properties": {"severity": "breaking", "confidence": "high", "column": "orders.discount_code"},
    }
    assert report_of("shop_sql").findings[1].snippet.startswith("INSERT INTO orders (customer_id, status")
    assert list(fingerprint) == ["depmapFinding/v1"]
    assert FINGERPRINT.match(fingerprint["depmapFinding/v1"])


def test_shop_unpacked_star_carries_its_related_site():
    result = impact_sarif("shop_sql")["runs"][0]["results"][1]
    assert result["ruleId"] == "select-star"
    assert "endLine" not in result["locations"][0]["physicalLocation"]["region"]  # one line: 81 to 81
    assert result["relatedLocations"] == [{
        "id": 1,
        "physicalLocation": {
            "artifactLocation": {"uri": "shop/repositories/orders.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 81},
        },
        "message": {"text": (
            "psycopg 3 (import psycopg) prepares a query server-side after `prepare_threshold` (5) runs on a "
            "connection, and every pooled connection that prepared it fails with FeatureNotSupported: cached plan "
            "must not change result type until it is closed")},
    }]
    others = impact_sarif("shop_sql")["runs"][0]["results"]
    assert [r["ruleId"] for r in others if "relatedLocations" in r] == ["select-star"]


def test_rules_cover_the_registry_and_rule_index_points_at_the_rule():
    run = impact_sarif("shop_sql")["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.id for rule in RULES]
    assert len(rules) == 33
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    unparsed = rules[[rule.id for rule in RULES].index("unparsed-sql")]
    doc = next(rule for rule in RULES if rule.id == "unparsed-sql").doc.strip()
    assert unparsed == {
        "id": "unparsed-sql",
        "name": "UnparsedSql",
        "shortDescription": {"text": "SQL that mentions the table but could not be parsed: review it by hand"},
        "fullDescription": {"text": "SQL that mentions the table but could not be parsed: review it by hand."},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": "note"},
        "properties": {"tags": ["schema-change"], "severity": "info"},
    }
    assert "*Use instead*" in doc
    assert [r["name"] for r in rules[:3]] == ["ColumnExists", "PositionalInsert", "InsertSelectStar"]
    assert [r["defaultConfiguration"]["level"] for r in rules[:3]] == ["error", "error", "error"]
    assert rules[1]["fullDescription"] == {"text": "An INSERT without a column list fills the table's columns by position."}


def test_shop_run_header_invocation_and_properties():
    run = impact_sarif("shop_sql")["runs"][0]
    assert run["tool"]["driver"]["name"] == "depmap"
    assert run["tool"]["driver"]["version"] == VERSION
    assert "informationUri" not in run["tool"]["driver"]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"description": {"text": "The scanned project folder, shop_sql."}}}
    assert run["properties"] == {
        "project": "shop_sql",
        "dialect": "postgres (version unknown)",
        "verdict": "breaking",
        "columns": [{"column": "orders.discount_code", "verdict": "breaking",
                     "counts": {"error": 0, "breaking": 3, "warning": 1, "info": 2}}],
    }
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["commandLine"] == "depmap impact orders.discount_code --type text --not-null --format sarif"


def test_skipped_files_and_unparsed_sql_are_notifications():
    notifications = impact_sarif("shop_sql")["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notifications == [
        {
            "level": "warning",
            "message": {"text": (
                "shop/broken_sql.py: line 12: SQL not parsed: Invalid expression / Unexpected token near 'orders'")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "shop/broken_sql.py", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 12}}}],
        },
        {
            "level": "warning",
            "message": {"text": (
                "shop/legacy/export_py2.py: Python syntax error at line 26, column 12: multiple exception types must "
                "be parenthesized (Python 2 syntax? depmap reads Python 3 only)")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "shop/legacy/export_py2.py", "uriBaseId": "%SRCROOT%"}}}],
        },
    ]


def test_sqlalchemy_findings_resolve_the_schema_qualified_table():
    run = impact_sarif("sqlalchemy_service")["runs"][0]
    assert run["properties"]["columns"][0]["column"] == "billing.invoices.po_number"
    # the proposal's only findings are about the migration it has not written (no file): no result
    assert run["results"] == []


def test_project_level_finding_has_no_location():
    """A table no file defines or uses anchors its DDL findings nowhere (path "", line 0)."""
    lock = Finding("lock-timeout", "warning", Location("", 0), "Adding orders.x takes an ACCESS EXCLUSIVE lock.",
                   "Set lock_timeout first.")
    document = sarif_document([synthetic([lock])], RunInfo(command="depmap", project="p", version=VERSION))
    assert schema_errors(document) == []
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "lock-timeout"
    assert result["level"] == "warning"
    assert "locations" not in result
    assert FINGERPRINT.match(result["partialFingerprints"]["depmapFinding/v1"])


def test_project_level_finding_of_a_migration_is_anchored_at_the_migration():
    """GitHub rejects an upload holding a result without a location: use the migration adding the column."""
    lock = Finding("lock-timeout", "warning", Location("", 0), "Adding orders.x takes an ACCESS EXCLUSIVE lock.",
                   "Set lock_timeout first.")
    report = synthetic([lock])
    report.spec = ColumnSpec("orders", "x", "TEXT", origin=Location("migrations/0006_x.sql", 3))
    document = sarif_document([report], RunInfo(command="depmap", project="p", version=VERSION))
    assert schema_errors(document) == []
    (result,) = document["runs"][0]["results"]
    assert result["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "migrations/0006_x.sql", "uriBaseId": "%SRCROOT%"},
                                                         "region": {"startLine": 3}}}]


# --- check: several reports, or none ------------------------------------------------------------


def test_check_with_two_columns_prefixes_each_message_with_its_column():
    document = check_sarif(["migrations/0004_customer_marketing.sql"])
    assert schema_errors(document) == []
    run = document["runs"][0]
    assert [(r["ruleId"], r["properties"]["column"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in run["results"]] == [
        ("lock-timeout", "customers.marketing_opt_in", 4),
        ("table-rewrite", "customers.marketing_opt_in", 4),
        ("lock-timeout", "customers.marketing_opt_in_at", 7),
    ]
    assert [r["message"]["text"].split(": ", 1)[0] for r in run["results"]] == [
        "customers.marketing_opt_in", "customers.marketing_opt_in", "customers.marketing_opt_in_at"]
    assert run["properties"] == {
        "project": "shop_sql",
        "dialect": "postgres (version unknown)",
        "verdict": "needs care",
        "migrations": ["migrations/0004_customer_marketing.sql"],
        "columns": [
            {"column": "customers.marketing_opt_in", "verdict": "needs care",
             "addedAt": "migrations/0004_customer_marketing.sql:4",
             "counts": {"error": 0, "breaking": 0, "warning": 2, "info": 0}},
            {"column": "customers.marketing_opt_in_at", "verdict": "needs care",
             "addedAt": "migrations/0004_customer_marketing.sql:7",
             "counts": {"error": 0, "breaking": 0, "warning": 1, "info": 0}},
        ],
    }
    fingerprints = [r["partialFingerprints"]["depmapFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == 3


def test_check_single_column_message_is_not_prefixed():
    run = check_sarif(["migrations/0002_add_payments.sql"])["runs"][0]
    assert run["properties"]["columns"][0]["column"] == "orders.paid_at"
    assert not any(r["message"]["text"].startswith("orders.paid_at: ") for r in run["results"])


def test_check_with_no_columns_is_valid_and_empty():
    run_info = RunInfo(command="depmap check --diff origin/main --format sarif", project="shop_sql", version=VERSION,
                       problems=("migrations/0003_order_status_index.sql: adds no column",))
    document = sarif_document([], run_info)
    assert schema_errors(document) == []
    run = document["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(RULES)
    assert run["properties"] == {"project": "shop_sql", "verdict": "safe", "columns": []}
    assert run["invocations"] == [{
        "executionSuccessful": True,
        "commandLine": "depmap check --diff origin/main --format sarif",
        "toolExecutionNotifications": [
            {"level": "warning", "message": {"text": "migrations/0003_order_status_index.sql: adds no column"}}],
    }]


# --- fingerprints, encoding, failures -----------------------------------------------------------


def fingerprints(*reports: ImpactReport) -> list[str]:
    document = sarif_document(list(reports), RunInfo(command="depmap", project="p", version=VERSION))
    return [r["partialFingerprints"]["depmapFinding/v1"] for r in document["runs"][0]["results"]]


def test_fingerprint_survives_lines_added_above_but_not_another_column_or_site():
    (before,) = fingerprints(synthetic([finding(line=81)]))
    (moved,) = fingerprints(synthetic([finding(line=95)]))
    (other_column,) = fingerprints(synthetic([finding(line=81)], column="gift_note"))
    (other_file,) = fingerprints(synthetic([finding(path="shop/reports/sales.py", line=81)]))
    assert moved == before
    assert before.endswith(":1")
    assert len({before, other_column, other_file}) == 3


def test_identical_findings_get_distinct_fingerprints():
    first, second = fingerprints(synthetic([finding(line=81), finding(line=90)]))
    assert first.split(":")[0] == second.split(":")[0]
    assert (first[-2:], second[-2:]) == (":1", ":2")


def test_uri_is_percent_encoded_and_related_without_path_has_no_physical_location():
    report = synthetic([finding(path="shop/café report#1.py", line=3,
                                related=(Related(Location("", 0), "the project as a whole"),))])
    document = sarif_document([report], RunInfo(command="depmap", project="p", version=VERSION))
    assert schema_errors(document) == []
    (result,) = document["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "shop/caf%C3%A9%20report%231.py", "uriBaseId": "%SRCROOT%"}
    assert result["relatedLocations"] == [{"id": 1, "message": {"text": "the project as a whole"}}]


def test_rule_failures_mark_the_invocation_unsuccessful():
    report = synthetic([], errors=["rule select-star failed: KeyError: 'x'"])
    run_info = RunInfo(command="depmap", project="p", version=VERSION, skipped=(Skipped("a.sql", "binary file"),))
    document = sarif_document([report], run_info)
    assert schema_errors(document) == []
    assert document["runs"][0]["invocations"] == [{
        "executionSuccessful": False,
        "commandLine": "depmap",
        "toolExecutionNotifications": [
            {"level": "warning", "message": {"text": "a.sql: binary file"},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.sql", "uriBaseId": "%SRCROOT%"}}}]},
            {"level": "error", "message": {"text": "rule select-star failed: KeyError: 'x'"}},
        ],
    }]
    assert document["runs"][0]["properties"]["dialect"] == "postgres (16)"
