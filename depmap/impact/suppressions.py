"""Findings a team has decided to live with: inline suppressions and the rules configuration.

Inline, in the file that holds the site, with a reason after `--`:

    rows = cur.execute(SQL)  # depmap: ignore[select-star] -- the report is rebuilt after every migration
    -- depmap: ignore[insert-select-star, lock-timeout] -- staging is truncated first
    # depmap: ignore-file[select-star] -- fixtures: restarted after every migration

A suppression on a line of the statement that holds the site, or on the line just above that
statement, silences the rules it names there. For SQL inside a Python string, the statement is
the Python one (the constant's assignment, the `execute(...)` call): a comment cannot go inside
the string. `ignore-file[...]` anywhere in a file silences those rules in the whole file. A rule
name that no rule has is an error naming the closest one (a typo must never silence anything, nor
be silently ignored), and so is a suppression without a reason; reports list what was suppressed
and why.

The configuration (`[tool.depmap]`) changes a rule's severity or turns it off
(`rules.select-star.severity = "warning" | "off"`), everywhere or for the paths a
`per-file-ignores` glob names.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from depmap.discover import compile_globs
from depmap.impact.finding import Finding

_COMMENT = re.compile(r"(?:#|--)\s*depmap:\s*(?P<kind>ignore-file|ignore)\b(?P<rules>\[[^\]]*\])?(?:\s*--\s*(?P<reason>.*\S))?")
_SEVERITIES = ("breaking", "warning", "info")


class SuppressionError(ValueError):
    """A suppression that cannot be honoured: the message names the file, the line and the fix."""


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    rules: tuple[str, ...]
    reason: str
    whole_file: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "rules": list(self.rules), "reason": self.reason, "whole_file": self.whole_file}


@dataclass(frozen=True)
class Suppressed:
    """A finding left out of the verdict, and what left it out."""

    finding: Finding
    by: str  # "path:line" of the comment, or "config"
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"finding": self.finding.to_json(), "suppressed_by": self.by, "reason": self.reason}


def suppressions_in(root: Path, path: str, known_rules: Iterable[str]) -> list[Suppression]:
    """The suppressions of one file (path relative to `root`); raises SuppressionError."""
    text = _text(str(root), path)
    found: list[Suppression] = []
    known = sorted(known_rules)
    for number, line in enumerate(text.splitlines(), start=1):
        if "depmap:" not in line or not (match := _COMMENT.search(line)):
            continue
        where = f"{path}:{number}"
        if match.group("rules") is None:
            raise SuppressionError(f"{where}: name the rules a depmap suppression silences, e.g. `depmap: ignore[select-star] -- why`")
        rules = tuple(r.strip() for r in match.group("rules")[1:-1].split(",") if r.strip())
        if not rules:
            raise SuppressionError(f"{where}: an empty depmap suppression `[]`: name the rules it silences")
        for rule in rules:
            if rule not in known:
                close = difflib.get_close_matches(rule, known, n=1)
                hint = f"; did you mean {close[0]}?" if close else f"; `depmap explain` lists the rules"
                raise SuppressionError(f"{where}: unknown rule '{rule}' in a depmap suppression{hint}")
        if not match.group("reason"):
            raise SuppressionError(f"{where}: a depmap suppression needs a reason after ` -- ` (say why this site is safe)")
        found.append(Suppression(path, number, rules, match.group("reason"), match.group("kind") == "ignore-file"))
    return found


def apply_suppressions(
    reports: list[Any], root: Path, known_rules: Iterable[str], rules_config: dict[str, str], per_file: dict[str, tuple[str, ...]]
) -> None:
    """Move every suppressed finding of `reports` from `findings` to `suppressed` (in place)."""
    known = tuple(known_rules)
    cache: dict[str, list[Suppression]] = {}
    for report in reports:
        kept: list[Finding] = []
        for finding in report.findings:
            verdict = _judged(finding, root, known, cache, rules_config, per_file)
            if isinstance(verdict, Suppressed):
                report.suppressed.append(verdict)
            else:
                kept.append(verdict)
        report.findings = kept


def _judged(
    finding: Finding, root: Path, known: tuple[str, ...], cache: dict[str, list[Suppression]], rules_config: dict[str, str],
    per_file: dict[str, tuple[str, ...]],
) -> Finding | Suppressed:
    severity = rules_config.get(finding.rule)
    if severity == "off":
        return Suppressed(finding, "config", f"rules.{finding.rule}.severity = \"off\"")
    path = finding.location.path
    if path:
        for pattern, rules in per_file.items():
            if finding.rule in rules and (spec := _glob(pattern)) is not None and spec.match_file(path):
                return Suppressed(finding, "config", f"per-file-ignores: {pattern}")
        if path not in cache:
            cache[path] = suppressions_in(root, path, known) if (root / path).is_file() else []
        naming = [s for s in cache[path] if finding.rule in s.rules]
        lines = _statement_lines(str(root), path, finding) if naming else range(0)  # parsed only when needed
        for suppression in naming:
            if suppression.whole_file or suppression.line in lines:
                return Suppressed(finding, f"{suppression.path}:{suppression.line}", suppression.reason)
    if severity in _SEVERITIES and severity != finding.severity:
        return replace(finding, severity=severity)
    return finding


def _statement_lines(root: str, path: str, finding: Finding) -> range:
    """The lines whose comment covers the site: its statement's, and the one just above it. For a
    Python file, the Python statement that holds the site (SQL in a string included)."""
    location = finding.location
    start, end = location.statement_start, max(location.end_line or location.line, location.line)
    if path.endswith(".py"):
        span = _python_statement(root, path, location.line)
        if span is not None:
            start, end = min(start, span[0]), max(end, span[1])
    return range(start - 1, end + 1)


def _python_statement(root: str, path: str, line: int) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for node_start, node_end in _statements(root, path):
        if node_start <= line <= node_end and (best is None or node_end - node_start < best[1] - best[0]):
            best = (node_start, node_end)
    return best


@lru_cache(maxsize=256)
def _statements(root: str, path: str) -> tuple[tuple[int, int], ...]:
    """Every simple statement's line span (compound statements cover their bodies: not kept)."""
    try:
        tree = ast.parse(_text(root, path))
    except (SyntaxError, ValueError):
        return ()
    compound = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)
    return tuple(
        (node.lineno, node.end_lineno or node.lineno) for node in ast.walk(tree) if isinstance(node, ast.stmt) and not isinstance(node, compound)
    )


@lru_cache(maxsize=256)
def _text(root: str, path: str) -> str:
    try:
        return (Path(root) / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


@lru_cache(maxsize=64)
def _glob(pattern: str) -> Any:
    """A `per-file-ignores` key, read like the project's include/exclude globs."""
    return compile_globs([pattern])
