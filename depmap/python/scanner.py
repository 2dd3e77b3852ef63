"""The Python scanner: parse each file once with `ast` and run every Python analysis that wants it.

Each analysis declares a cheap text prefilter, so a file no analysis wants is never parsed, and
all of them share one `ast` tree: `ast.parse` costs 0.55 s per 100k lines with every node's lines
included, where a libcst parse costs 7 s and its positions 18 s more (PERFORMANCE.md). Syntax the
running Python cannot read is blanked in place when it is only newer (PEP 695 type parameters,
PEP 750 t-strings); otherwise libcst, whose parser reads every Python 3 grammar, words the reason.
Each analysis is a pure function of the parsed file, like every scanner.
"""

from __future__ import annotations

import ast
import sys
import warnings
from typing import Sequence

from depmap.model import Fact, ScanResult, Skipped, sorted_facts
from depmap.python.analysis import PythonAnalysis
from depmap.scan_context import ScanContext
from depmap.python.module_names import module_name_for
from depmap.python.sections import PYTHON_SUFFIXES, python_sections
from depmap.python.source import parse_python, worded_syntax_error
from depmap.python.tree import ParsedTree, SourceText, without_newer_syntax


_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def scan_python(path: str, text: str, ctx: ScanContext, analyses: Sequence[PythonAnalysis]) -> ScanResult:
    """The facts of every analysis that wants this file (the registry passes every family's)."""
    if ctx.python_sections is not None and not path.endswith(PYTHON_SUFFIXES):
        text = python_sections(text, *ctx.python_sections)
    active = [analysis for analysis in analyses if analysis.wants(text)]
    if not active:
        return ScanResult()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `"\d"` in scanned code: compile's warning is not the user's business
        return _scan_tree(path, text, ctx, active)


def _scan_tree(path: str, text: str, ctx: ScanContext, active: list[PythonAnalysis]) -> ScanResult:
    tree = _parse_tree(path, text)
    if isinstance(tree, Skipped):
        return ScanResult(skipped=[tree])
    if isinstance(tree, SyntaxError):
        return ScanResult(skipped=[_unreadable(path, text, tree)])
    facts: list[Fact] = []
    skipped: list[Skipped] = []
    for analysis in active:
        try:
            facts.extend(analysis.analyse(tree, ctx))
        except RecursionError:  # visitors recurse: absurdly nested expressions exhaust the stack
            skipped.append(Skipped(path, f"Python expression nested too deeply to analyse ({analysis.name})"))
    unique: list[Fact] = []
    for fact in sorted_facts(facts):
        if not unique or unique[-1] != fact:
            unique.append(fact)
    return ScanResult(facts=unique, skipped=skipped)


def _parse_tree(path: str, text: str) -> ParsedTree | SyntaxError | Skipped:
    """The tree; or the SyntaxError, for `_unreadable` to word."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:  # ValueError: NUL bytes
        failed = error if isinstance(error, SyntaxError) else SyntaxError(str(error))
        readable = without_newer_syntax(text)  # PEP 695, 758 and 750 on an older Python
        if readable is None:
            return failed
        try:  # the same lines and columns: segments still come from the text as written (t"...")
            tree = ast.parse(readable)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return failed
    except (RecursionError, MemoryError):
        return Skipped(path, "Python source too deeply nested to parse")
    return ParsedTree(path, module_name_for(path), tree, SourceText(text))


def _unreadable(path: str, text: str, failed: SyntaxError) -> Skipped:
    """Why the running Python could not read the file. A NUL byte: where it is. Syntax newer than
    the running Python: only a construct a newer Python accepts (on 3.11, PEP 701 f-strings, which
    CPython reports as "f-string: ..."), and only if libcst's parser, which reads every Python 3
    grammar, reads the file. Anything else is a syntax error worded like every other, CPython's
    line and message first."""
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        return Skipped(path, f"NUL byte at line {line}: not Python source text")
    parsed = parse_python(path, text)
    if isinstance(parsed, Skipped):
        return parsed
    if _newer_syntax(failed):
        where = f" (line {failed.lineno})" if failed.lineno else ""
        return Skipped(path, f"Python syntax newer than the Python {_RUNNING} running depmap{where}: not analysed "
                             "(run depmap on the project's Python version)")  # fmt: skip
    return Skipped(path, worded_syntax_error(text, failed.lineno or 1, failed.offset, failed.msg))


def _newer_syntax(failed: SyntaxError) -> bool:
    """Whether a newer Python could accept what this one refused (PEP 695, 758 and 750 are already
    rewritten in place before this is asked)."""
    return sys.version_info < (3, 12) and (failed.msg or "").startswith("f-string")
