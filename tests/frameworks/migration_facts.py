"""Readable assertions for migration analyses: exact facts, lines found by the text they are on.

A fact is compared as `(kind, line, table, columns, detail)`: a missing, extra or misplaced fact
fails and prints expected vs actual. Each expected row also names the `extra` keys it checks
(a subset: the facts carry more, e.g. `revision` on every Alembic fact, checked once apart).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import pytest

from depmap.model import Fact, ScanResult
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
    """Exactly these facts (by kind, line, table, columns, detail), each with these extra values."""
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
