"""Findings and verdicts: what a rule reports, in the shape every renderer shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from depmap.discover import is_test_path
from depmap.model import HIGH, Location

ERROR, BREAKING, WARNING, INFO = "error", "breaking", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, BREAKING: 1, WARNING: 2, INFO: 3}

SAFE, NEEDS_CARE, BREAKS = "safe", "needs care", "breaking"


@dataclass(frozen=True)
class Related:
    """A further site behind a finding (a hop downstream, a writer that also fails)."""

    location: Location
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.location.path, "line": self.location.line, "symbol": self.location.symbol, "note": self.note}


# Where a proposal's DDL findings point: the migration the user has not written yet (no file). The
# table's definition goes along as context (`related`), never as the broken site.
NEW_MIGRATION = Location(path="", line=0, symbol="the new migration")


def proposal_context(anchor: Location) -> tuple[Related, ...]:
    """The table's definition, as context for a finding about a migration not written yet."""
    return (Related(anchor, "the table is defined here"),) if anchor.path else ()


@dataclass(frozen=True)
class Finding:
    """One problem at one site. `message` says what breaks there; `fix` the safe alternative,
    with the user's own table, column and SQL filled in."""

    rule: str
    severity: str
    location: Location
    message: str
    fix: str
    snippet: str = ""
    confidence: str = HIGH
    related: tuple[Related, ...] = field(default=())

    def sort_key(self) -> tuple:
        loc = self.location
        return (SEVERITY_ORDER[self.severity], self.rule, loc.path, loc.line, loc.end_line or 0, self.message)

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        placed = bool(loc.path)  # no file: the project as a whole, or a proposal's migration not written yet
        data: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "path": loc.path if placed else None,
            "line": loc.line if placed else None,
            "end_line": (loc.end_line if loc.end_line is not None else loc.line) if placed else None,
            "statement": {"line": loc.statement_start, "end_line": loc.end_line if loc.end_line is not None else loc.line} if placed else None,
            "symbol": loc.symbol,
            "message": self.message,
            "fix": self.fix,
            "confidence": self.confidence,
            "snippet": self.snippet,
        }
        if self.related:
            data["related"] = [r.to_json() for r in self.related]
        return data


def in_production(findings: list[Finding]) -> list[Finding]:
    """The findings outside test code: what verdicts, counts and `--fail-on` judge unless the
    project asks for test code too (`judge-test-code`). A test that breaks fails the suite, not
    production; reports list it apart ("+3 in tests")."""
    return [f for f in findings if not is_test_path(f.location.path)]


def verdict(findings: list[Finding]) -> str:
    """breaking when anything breaks (or the spec is an error), needs care on warnings, else safe.
    Reports pass the findings they judge (`ImpactReport.judged`: production code by default)."""
    severities = {f.severity for f in findings}
    if severities & {ERROR, BREAKING}:
        return BREAKS
    if WARNING in severities:
        return NEEDS_CARE
    return SAFE


def reaches(findings: list[Finding], threshold: str) -> bool:
    """Whether `--fail-on threshold` (breaking, warning or never) is reached."""
    if threshold == "never":
        return False
    limit = SEVERITY_ORDER[threshold]
    return any(SEVERITY_ORDER[f.severity] <= limit for f in findings)
