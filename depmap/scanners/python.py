"""The Python scanner: parse each file once and run every Python analysis that wants it.

A libcst parse costs 7 s per 100k lines (PERFORMANCE.md), so the analyses (SQL strings, Django,
SQLAlchemy, migrations) share one: each declares a cheap text prefilter, a file no analysis wants
is never parsed, and positions are computed at most once per file, only if a fact needs a line.
Each analysis is a pure function of the parsed file, like every scanner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from depmap.model import Fact, ScanResult, Skipped, sorted_facts
from depmap.scanners.context import ScanContext
from depmap.scanners.python_source import LazyPositions, ParsedModule, Positions, parse_python


@dataclass(frozen=True)
class PythonAnalysis:
    name: str
    wants: Callable[[str], bool]  # cheap test on the text: could this file matter?
    analyse: Callable[[ParsedModule, Positions, ScanContext], list[Fact]]


def scan_python(path: str, text: str, ctx: ScanContext, analyses: Sequence[PythonAnalysis] | None = None) -> ScanResult:
    if analyses is None:
        from depmap.scanners.registry import PYTHON_ANALYSES

        analyses = PYTHON_ANALYSES
    active = [analysis for analysis in analyses if analysis.wants(text)]
    if not active:
        return ScanResult()
    parsed = parse_python(path, text, metadata=True)
    if isinstance(parsed, Skipped):
        return ScanResult(skipped=[parsed])
    assert parsed.wrapper is not None
    positions = LazyPositions(parsed.wrapper)
    facts: list[Fact] = []
    skipped: list[Skipped] = []
    for analysis in active:
        try:
            facts.extend(analysis.analyse(parsed, positions, ctx))
        except RecursionError:  # libcst visits recursively: thousands of chained `+` exhaust the stack
            skipped.append(Skipped(path, f"Python expression nested too deeply to analyse ({analysis.name})"))
    unique: list[Fact] = []
    for fact in sorted_facts(facts):
        if not unique or unique[-1] != fact:
            unique.append(fact)
    return ScanResult(facts=unique, skipped=skipped)
