"""`depmap verify --format sarif`: valid against the OASIS SARIF 2.1.0 schema the check tests use,
one result per static finding with its verification in `properties`, one per finding only the
database showed, located at the statement's lines; one run for every change of a migration."""

from __future__ import annotations

import json

from depmap.impact.registry import RULES
from depmap.render.verify_outputs import render_verify
from depmap.render.verify_sarif import verify_sarif
from tests.render.test_sarif import schema_errors
from tests.render.verify_reports import MIGRATION, migration_output, single_output

RULE_INDEX = {rule.id: number for number, rule in enumerate(RULES)}


def where(result: dict) -> tuple | None:
    if "locations" not in result:
        return None
    physical = result["locations"][0]["physicalLocation"]
    region = physical["region"]
    return (physical["artifactLocation"]["uri"], physical["artifactLocation"]["uriBaseId"], region["startLine"],
            region.get("endLine"))


def summary(document: dict) -> list[tuple]:
    return [(r["ruleId"], r["ruleIndex"], r["level"], where(r), r["properties"].get("verification"), r["properties"]["severity"])
            for r in document["runs"][0]["results"]]


def test_a_proposal_gives_one_result_a_finding_with_what_the_database_said():
    document = verify_sarif(single_output())
    assert schema_errors(document) == []
    # the table-rewrite, lock-timeout and verify-lock findings are about the migration the proposal has
    # not written: no file to annotate, left out as impact's SARIF does (GitHub refuses such an upload)
    assert summary(document) == [
        ("select-star", RULE_INDEX["select-star"], "error", ("shop/repositories/orders.py", "%SRCROOT%", 81, None), "confirmed", "breaking"),
        # the database ran it unchanged: no longer an alert that fails the run, a note
        ("select-star", RULE_INDEX["select-star"], "note", ("shop/reports/sales.py", "%SRCROOT%", 98, None), "not reproduced", "warning"),
        ("view-star-frozen", RULE_INDEX["view-star-frozen"], "note",
         ("migrations/0005_inventory_cleanup.sql", "%SRCROOT%", 8, 15), "not testable here", "info"),
        ("verify-statement-fails", RULE_INDEX["verify-statement-fails"], "error", ("shop/jobs/export.py", "%SRCROOT%", 14, 16),
         "measured", "breaking"),
    ]
    results = document["runs"][0]["results"]
    assert results[0]["properties"] == {
        "severity": "breaking", "confidence": "high", "column": "orders.touched_at", "verification": "confirmed",
        "observed": "after the change: cached plan must not change result type", "engine": "PostgreSQL 16.4"}
    assert results[0]["message"]["text"] == (
        "`SELECT *` from orders returns touched_at as an extra column.\n\nFix: Name the columns.\n\n"
        "On PostgreSQL 16.4, confirmed: after the change: cached plan must not change result type")
    assert results[0]["locations"][0]["physicalLocation"]["region"]["snippet"] == {"text": "SELECT * FROM orders WHERE id = %s"}
    assert results[3]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] == (
        "INSERT INTO orders_export\nSELECT * FROM orders\nWHERE placed_at < $1")
    assert results[3]["properties"] == {"severity": "breaking", "confidence": "high", "column": "orders.touched_at",
                                        "verification": "measured", "engine": "PostgreSQL 16.4"}


def test_the_run_lists_every_rule_and_says_what_was_verified():
    run = verify_sarif(single_output())["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [rule.id for rule in RULES]
    assert run["tool"]["driver"]["version"] == "0.1.0"
    assert run["invocations"] == [{
        "executionSuccessful": True,
        "commandLine": "depmap verify orders.touched_at --type timestamptz --default 'clock_timestamp()' --format html",
        "toolExecutionNotifications": [{"level": "warning", "message": {
            "text": 'orders.touched_at: the engine rejected a schema statement: extension "postgis" is not available: '
                    "CREATE EXTENSION postgis"}}],
    }]
    assert run["properties"] == {"project": "shop_sql", "changes": [{
        "target": "orders.touched_at", "engine": "PostgreSQL 16.4", "rows": 20000,
        "verifications": {"confirmed": 3, "not reproduced": 1, "not testable here": 1, "measured": 2}}]}


def test_every_change_of_a_migration_is_in_one_run_located_at_the_migration():
    document = verify_sarif(migration_output())
    assert schema_errors(document) == []
    [run] = document["runs"]
    located = [(r["ruleId"], r["level"], where(r), r["properties"]["column"]) for r in run["results"]]
    assert located == [
        ("table-rewrite", "error", (MIGRATION, "%SRCROOT%", 1, None), "orders.touched_at"),
        ("lock-timeout", "warning", (MIGRATION, "%SRCROOT%", 1, None), "orders.touched_at"),
        ("select-star", "error", ("shop/repositories/orders.py", "%SRCROOT%", 81, None), "orders.touched_at"),
        ("select-star", "note", ("shop/reports/sales.py", "%SRCROOT%", 98, None), "orders.touched_at"),
        ("view-star-frozen", "note", ("migrations/0005_inventory_cleanup.sql", "%SRCROOT%", 8, 15), "orders.touched_at"),
        ("verify-lock", "error", (MIGRATION, "%SRCROOT%", 1, None), "orders.touched_at"),
        ("verify-statement-fails", "error", ("shop/jobs/export.py", "%SRCROOT%", 14, 16), "orders.touched_at"),
        ("not-null-without-default", "error", (MIGRATION, "%SRCROOT%", 2, None), "customers.tier"),
    ]
    # with several changes each message says which one it is about
    assert run["results"][-1]["message"]["text"].startswith("customers.tier: Adding tier NOT NULL without a default fails")
    assert run["properties"]["migrations"] == [MIGRATION]
    assert [c["target"] for c in run["properties"]["changes"]] == ["orders.touched_at", "customers.tier"]
    assert run["invocations"][0]["toolExecutionNotifications"][0] == {
        "level": "warning", "message": {"text": "migrations/0007_broken.py: not a migration depmap reads"}}
    fingerprints = [r["partialFingerprints"]["depmapFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_the_cli_text_of_the_log_is_the_document():
    output = migration_output()
    text = render_verify("sarif", output)
    assert text.endswith("}\n") and json.loads(text) == verify_sarif(output)
