"""Scan fixture modules with the SQLAlchemy analyses and compare facts as readable rows.

Fixture lines that a fact must sit on carry a `# [name]` marker; tests name markers, not numbers,
and the helper turns each marker into its line, so an expectation reads like the code it checks
and a fact on the wrong line still fails.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from depmap.model import Fact, ScanResult
from depmap.orm.symbols import MODEL, ORM_ACCESS, ORM_ATTRIBUTE
from depmap.scan_context import ScanContext
from depmap.python.scanner import scan_python
from depmap.frameworks.sqlalchemy.models import SQLALCHEMY_MODELS
from depmap.frameworks.sqlalchemy.queries import SQLALCHEMY_QUERIES

FIXTURES = Path(__file__).parent / "fixtures"
_MARKER = re.compile(r"#\s*\[([\w.]+)\]")


def scan_fixture(relative: str, dialect: str = "postgres") -> tuple[ScanResult, dict[str, int]]:
    """Scan `fixtures/<relative>` as the file `<relative>` of a project; also its markers."""
    text = (FIXTURES / relative).read_text(encoding="utf-8")
    result = scan_python(relative, text, ScanContext(dialect=dialect), analyses=(SQLALCHEMY_MODELS, SQLALCHEMY_QUERIES))
    assert result.skipped == []
    return result, markers(text)


def scan_source(source: str, path: str = "app/service.py") -> ScanResult:
    result = scan_python(path, textwrap.dedent(source), ScanContext(), analyses=(SQLALCHEMY_MODELS, SQLALCHEMY_QUERIES))
    assert result.skipped == []
    return result


def markers(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _MARKER.finditer(line):
            assert match.group(1) not in found, f"marker {match.group(1)} used twice"
            found[match.group(1)] = number
    return found


def of_kind(result: ScanResult, kind: str) -> list[Fact]:
    return [fact for fact in result.facts if fact.kind == kind]


def access_row(fact: Fact, module: str) -> tuple:
    """(line, symbol within the module, access, detail, confidence, who, fields, all_fields);
    who is the qualified model, `@binding` for a Core table variable, `table:name` for a table
    named literally, or `?written` when the model could not be resolved."""
    extra = fact.extra
    if extra["model"]:
        who = extra["model"]
    elif extra.get("table_binding"):
        who = "@" + extra["table_binding"]
    elif fact.table:
        who = "table:" + fact.table
    else:
        who = "?" + extra["model_name"]
    symbol = fact.location.symbol or ""
    symbol = symbol[len(module) + 1 :] if symbol.startswith(module + ".") else symbol
    return (fact.location.line, symbol, fact.access, fact.detail, fact.confidence, who, tuple(extra["fields"]), extra["all_fields"])


def assert_same(actual: list[Any], expected: list[Any]) -> None:
    if sorted(actual, key=repr) != sorted(expected, key=repr):
        missing = [row for row in expected if row not in actual]
        extra = [row for row in actual if row not in expected]
        pytest.fail(
            "facts differ\n  missing:\n"
            + "".join(f"    {row}\n" for row in missing)
            + "  unexpected:\n"
            + "".join(f"    {row}\n" for row in extra)
        )


def accesses(result: ScanResult, module: str, attributes: bool = False) -> list[tuple]:
    """ORM_ACCESS rows; attribute reads (`order.status`) only with `attributes`: the query tests
    list queries, `test_attribute_reads_and_whole_rows` lists those."""
    return [access_row(f, module) for f in of_kind(result, ORM_ACCESS) if attributes or f.detail != ORM_ATTRIBUTE]


def models(result: ScanResult) -> dict[str, Fact]:
    return {fact.extra["model"]: fact for fact in of_kind(result, MODEL)}


def field_rows(fact: Fact, *keys: str) -> list[tuple]:
    """(name, line, kind, and the given keys) for each field of a MODEL fact, in class order."""
    return [(f["name"], f["line"], f["kind"], *(f[key] for key in keys)) for f in fact.extra["fields"]]
