"""The Python scanner: parse each file once per tree kind and run every Python analysis that wants it.

Analyses declare a cheap text prefilter, so a file no analysis wants is never parsed. The analyses
that run on most files of an application (the Django ORM ones) read the standard library's `ast`
(0.55 s per 100k lines, lines included); the others read libcst (7 s per 100k lines to parse,
18 s more for positions, computed at most once per file and only if a fact needs a line), because
they need what only libcst keeps (PERFORMANCE.md). A file wanted by both kinds is parsed by both.
Each analysis is a pure function of the parsed file, like every scanner.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import Callable, Sequence, Union

from depmap.model import Fact, ScanResult, Skipped, sorted_facts
from depmap.scanners.context import ScanContext
from depmap.scanners.module_names import module_name_for
from depmap.scanners.python_source import LazyPositions, ParsedModule, Positions, parse_python
from depmap.scanners.python_tree import ParsedTree, SourceText, without_type_parameters
from depmap.scanners.python_tree_strings import template_strings_as_f_strings


@dataclass(frozen=True)
class PythonAnalysis:
    """An analysis of libcst trees."""

    name: str
    wants: Callable[[str], bool]  # cheap test on the text: could this file matter?
    analyse: Callable[[ParsedModule, Positions, ScanContext], list[Fact]]


@dataclass(frozen=True)
class TreeAnalysis:
    """An analysis of `ast` trees: lines come with the nodes."""

    name: str
    wants: Callable[[str], bool]
    analyse: Callable[[ParsedTree, ScanContext], list[Fact]]


Analysis = Union[PythonAnalysis, TreeAnalysis]
_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def scan_python(path: str, text: str, ctx: ScanContext, analyses: Sequence[Analysis] | None = None) -> ScanResult:
    if analyses is None:
        from depmap.scanners.registry import PYTHON_ANALYSES

        analyses = PYTHON_ANALYSES
    active = [analysis for analysis in analyses if analysis.wants(text)]
    if not active:
        return ScanResult()
    on_tree = [analysis for analysis in active if isinstance(analysis, TreeAnalysis)]
    on_cst = [analysis for analysis in active if isinstance(analysis, PythonAnalysis)]
    facts: list[Fact] = []
    skipped: list[Skipped] = []
    if on_tree:
        tree = _parse_tree(path, text)
        if isinstance(tree, Skipped):
            return ScanResult(skipped=[tree])
        if isinstance(tree, SyntaxError):
            return _without_tree(path, text, ctx, on_cst, tree)
        _run(on_tree, lambda analysis: analysis.analyse(tree, ctx), path, facts, skipped)
    if on_cst:
        parsed = parse_python(path, text, metadata=True)
        if isinstance(parsed, Skipped):  # libcst is stricter than this Python in a few corners
            return ScanResult(facts=_unique(facts), skipped=[parsed, *skipped])
        assert parsed.wrapper is not None
        positions = LazyPositions(parsed.wrapper)
        _run(on_cst, lambda analysis: analysis.analyse(parsed, positions, ctx), path, facts, skipped)
    return ScanResult(facts=_unique(facts), skipped=skipped)


def _parse_tree(path: str, text: str) -> ParsedTree | SyntaxError | Skipped:
    """The tree; or the SyntaxError, whose reason the libcst parse words (see _without_tree)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:  # ValueError: NUL bytes
        failed = error if isinstance(error, SyntaxError) else SyntaxError(str(error))
        readable = without_type_parameters(text)  # PEP 695 on a Python older than 3.12
        readable = template_strings_as_f_strings(readable or text) or readable  # PEP 750, older than 3.14
        if readable is None:
            return failed
        try:  # the same lines and columns: segments still come from the text as written (t"...")
            tree = ast.parse(readable)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return failed
    except (RecursionError, MemoryError):
        return Skipped(path, "Python source too deeply nested to parse")
    return ParsedTree(path, module_name_for(path), tree, SourceText(text))


def _without_tree(path: str, text: str, ctx: ScanContext, on_cst: list[PythonAnalysis], failed: SyntaxError) -> ScanResult:
    """The running Python could not read the file: the libcst parse says why (the same message as
    for every other syntax error), or reads syntax newer than this Python, which keeps the libcst
    analyses working and skips the others."""
    parsed = parse_python(path, text, metadata=True)
    if isinstance(parsed, Skipped):
        return ScanResult(skipped=[parsed])
    where = f" (line {failed.lineno})" if failed.lineno else ""
    newer = Skipped(path, f"Python syntax newer than the Python {_RUNNING} running depmap{where}: "
                          "only partly analysed (run depmap on the project's Python version)")  # fmt: skip
    if not on_cst:
        return ScanResult(skipped=[newer])
    assert parsed.wrapper is not None
    positions = LazyPositions(parsed.wrapper)
    facts: list[Fact] = []
    skipped = [newer]
    _run(on_cst, lambda analysis: analysis.analyse(parsed, positions, ctx), path, facts, skipped)
    return ScanResult(facts=_unique(facts), skipped=skipped)


def _run(analyses: Sequence[Analysis], call: Callable, path: str, facts: list[Fact], skipped: list[Skipped]) -> None:
    for analysis in analyses:
        try:
            facts.extend(call(analysis))
        except RecursionError:  # visitors recurse: thousands of chained `+` exhaust the stack
            skipped.append(Skipped(path, f"Python expression nested too deeply to analyse ({analysis.name})"))


def _unique(facts: list[Fact]) -> list[Fact]:
    unique: list[Fact] = []
    for fact in sorted_facts(facts):
        if not unique or unique[-1] != fact:
            unique.append(fact)
    return unique
