"""Readable assertions for migration analyses: exact facts, lines found by the text they are on.

A fact is compared as `(kind, line, table, columns, detail)`: a missing, extra or misplaced fact
fails and prints expected vs actual. Each expected row also names the `extra` keys it checks
(a subset: the facts carry more, e.g. `revision` on every Alembic fact, checked once apart).
`assert_facts` checks definitions and accesses; the schema operations of the tables' history
(SCHEMA_OP) are checked apart, with `assert_ops`, which compares their whole `extra` but the
keys every operation carries (`operation`, `revision`, `migration_rank`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import pytest

from depmap.model import SCHEMA_OP, Fact, ScanResult
from depmap.scan_context import ScanContext
from depmap.python.analysis import PythonAnalysis
from depmap.python.scanner import scan_python

Row = tuple[str, int, str, tuple[str, ...], "str | None"]
Expected = tuple[str, int, str, tuple[str, ...], "str | None", dict[str, Any]]


def fixture_readers(fixtures: Path) -> tuple[Callable[[str], str], Callable[[str, str], int], Callable[..., ScanResult]]:
    """`source(path)`, `at(path, needle)` and `scan(path, analyses, dialect)` over one family's
    fixture folder: a path is both the file under `fixtures` and where it sits in the scanned root."""

    def source(path: str) -> str:
        return (fixtures / path).read_text()

    def scan(path: str, analyses: Sequence[PythonAnalysis], dialect: str = "postgres") -> ScanResult:
        """Scan a fixture file as if it were at `path` under the scanned root."""
        result = scan_python(path, source(path), ScanContext(dialect=dialect), analyses=analyses)
        assert result.skipped == []
        return result

    def at(path: str, needle: str) -> int:
        """The line of the fixture holding `needle` (which must be on exactly one line)."""
        lines = [n for n, text in enumerate(source(path).splitlines(), 1) if needle in text]
        assert len(lines) == 1, f"{needle!r} is on lines {lines} of {path}"
        return lines[0]

    return source, at, scan


def row(fact: Fact) -> Row:
    return (fact.kind, fact.location.line, fact.table, fact.columns, fact.detail)


def assert_facts(facts: list[Fact], expected: list[Expected]) -> None:
    """Exactly these facts (by kind, line, table, columns, detail), each with these extra values;
    schema operations are left to `assert_ops`."""
    facts = [f for f in facts if f.kind != SCHEMA_OP]
    actual = sorted(row(f) for f in facts)
    want = sorted(e[:5] for e in expected)
    if actual != want:
        missing = [w for w in want if w not in actual]
        unexpected = [a for a in actual if a not in want]
        pytest.fail(
            "facts differ\n  expected:\n"
            + "".join(f"    {w}\n" for w in want)
            + "  actual:\n"
            + "".join(f"    {a}\n" for a in actual)
            + f"  missing: {missing}\n  unexpected: {unexpected}"
        )
    for *key, extra in expected:
        matches = [f for f in facts if row(f) == tuple(key)]
        for fact in matches:
            differing = {k: (v, fact.extra.get(k, "<absent>")) for k, v in extra.items() if fact.extra.get(k, "<absent>") != v}
            assert not differing, f"{tuple(key)}: extra differs (expected, actual): {differing}"


OpRow = tuple[int, int, str, str, tuple[str, ...], dict[str, Any]]
_COMMON = ("operation", "revision", "migration_rank", "migration")


def op_row(fact: Fact) -> OpRow:
    """(line, end_line, table, op, columns, extra without the keys every operation carries)."""
    extra = {k: v for k, v in fact.extra.items() if k not in _COMMON}
    return (fact.location.line, fact.location.end_line or fact.location.line, fact.table, fact.detail or "", fact.columns, extra)


def assert_ops(facts: list[Fact], expected: list[OpRow]) -> None:
    """Exactly these schema operations, in file order, each with exactly this `extra`."""
    actual = sorted((op_row(f) for f in facts if f.kind == SCHEMA_OP), key=lambda r: (r[0], r[2], r[3], r[4]))
    want = sorted(expected, key=lambda r: (r[0], r[2], r[3], r[4]))
    if actual != want:
        pytest.fail(
            "schema operations differ\n  expected:\n"
            + "".join(f"    {w}\n" for w in want)
            + "  actual:\n"
            + "".join(f"    {a}\n" for a in actual)
            + f"  missing: {[w for w in want if w not in actual]}\n  unexpected: {[a for a in actual if a not in want]}"
        )
