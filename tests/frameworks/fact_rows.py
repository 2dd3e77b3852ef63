"""Assertion helpers: facts as readable rows, compared exactly (a missing or extra fact fails)."""

from __future__ import annotations

import pytest

from depmap.model import Fact, ScanResult

# (kind, line, table, columns, access, detail, via, symbol, confidence)
Row = tuple[str, int, str, tuple[str, ...], str | None, str | None, str, str | None, str]


def row(fact: Fact) -> Row:
    return (
        fact.kind,
        fact.location.line,
        fact.table,
        fact.columns,
        fact.access,
        fact.detail,
        fact.via,
        fact.location.symbol,
        fact.confidence,
    )


def assert_rows(facts: list[Fact], expected: list[Row]) -> None:
    actual = [row(fact) for fact in facts]
    if sorted(actual) != sorted(expected):
        missing = [item for item in expected if item not in actual]
        extra = [item for item in actual if item not in expected]
        pytest.fail(
            "facts differ\n  expected:\n"
            + "".join(f"    {item}\n" for item in sorted(expected))
            + "  actual:\n"
            + "".join(f"    {item}\n" for item in sorted(actual))
            + f"  missing: {missing}\n  extra: {extra}"
        )


def tasks(result: ScanResult) -> dict[str, Fact]:
    """The airflow_task facts by symbol (`dag_id.task_id`)."""
    found = [fact for fact in result.facts if fact.kind == "airflow_task"]
    by_symbol = {fact.location.symbol or "": fact for fact in found}
    assert len(by_symbol) == len(found), "two tasks share a symbol"
    return by_symbol
