"""Helpers for the Django analysis tests: scan a fixture or a snippet, compare facts as readable rows.

Lines are found by a unique piece of text on them (`line_of(path, "order.save()")`), so the tests say
*which* code they mean and survive edits above it. A mismatch prints expected and actual rows.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from depmap.model import Fact, ScanResult
from depmap.orm import symbols
from depmap.scan_context import ScanContext
from depmap.frameworks.django.models import DJANGO_MODELS
from depmap.frameworks.django.queries import DJANGO_QUERIES
from depmap.python.scanner import scan_python
from depmap.python.source import module_name_for

FIXTURES = Path(__file__).parent / "fixtures"
ORDER = "shop.orders.models.Order"
ORDER_LINE = "shop.orders.models.OrderLine"
CUSTOMER = "shop.customers.models.Customer"


def source(path: str) -> str:
    return (FIXTURES / path).read_text()


def scan(path: str, text: str | None = None, *, models: bool = True, queries: bool = True) -> ScanResult:
    """Scan a fixture file (or `text`, dedented, as if it were at `path`) with the Django analyses."""
    body = textwrap.dedent(text) if text is not None else source(path)
    analyses = tuple(a for a, wanted in ((DJANGO_MODELS, models), (DJANGO_QUERIES, queries)) if wanted)
    result = scan_python(path, body, ScanContext(), analyses=analyses)
    assert result.skipped == []
    for fact in result.facts:
        assert Fact.from_json(fact.to_json()) == fact  # plain JSON, as the cache stores it
        assert fact.via == "orm" and fact.table == "" and fact.location.path == path
    return result


def line_of(path: str, needle: str, text: str | None = None) -> int:
    """The 1-based line holding `needle`, which must appear exactly once."""
    lines = (textwrap.dedent(text) if text is not None else source(path)).splitlines()
    found = [number for number, line in enumerate(lines, 1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found} of {path}"
    return found[0]


class Access(NamedTuple):
    """One ORM_ACCESS fact as a row; `symbol` is relative to the module ("" for module level)."""

    line: int
    symbol: str
    access: str
    detail: str
    model: str | None
    model_name: str
    fields: tuple[str, ...] = ()
    relation: tuple[str, ...] = ()
    all_fields: bool = False
    aliases: tuple[str, ...] = ()
    confidence: str = "high"


def accesses(result: ScanResult, path: str, attributes: bool = False) -> list[Access]:
    """The ORM_ACCESS facts as rows; attribute reads (`order.status`) only with `attributes`: the
    query tests list queries, `test_attribute_reads` lists those."""
    module = module_name_for(path)
    rows = []
    for fact in result.facts:
        if fact.kind != symbols.ORM_ACCESS or (fact.detail == symbols.ORM_ATTRIBUTE and not attributes):
            continue
        extra = fact.extra
        symbol = fact.location.symbol or ""
        relative = symbol[len(module) + 1 :] if symbol.startswith(module + ".") else ("" if symbol == module else symbol)
        rows.append(
            Access(
                fact.location.line,
                relative,
                fact.access or "",
                fact.detail or "",
                extra["model"],
                extra["model_name"],
                tuple(extra["fields"]),
                tuple(extra["relation"]),
                extra["all_fields"],
                tuple(extra["aliases"]),
                fact.confidence,
            )
        )
    return rows


def assert_rows(actual: list[Any], expected: list[Any]) -> None:
    """Same rows, in any order; otherwise print both lists and the differences."""
    if sorted(actual, key=repr) != sorted(expected, key=repr):
        missing = [row for row in expected if row not in actual]
        extra = [row for row in actual if row not in expected]
        pytest.fail(
            "facts differ\n  expected:\n"
            + "".join(f"    {row}\n" for row in sorted(expected, key=repr))
            + "  actual:\n"
            + "".join(f"    {row}\n" for row in sorted(actual, key=repr))
            + f"  missing: {missing}\n  extra: {extra}"
        )


def assert_accesses(path: str, expected: list[Access], text: str | None = None, attributes: bool = False) -> ScanResult:
    result = scan(path, text)
    assert_rows(accesses(result, path, attributes), expected)
    return result


def facts_of(result: ScanResult, kind: str) -> list[Fact]:
    return [fact for fact in result.facts if fact.kind == kind]
