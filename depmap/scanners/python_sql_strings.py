"""SQL written inside Python: string literals that reach a database call, or that look like SQL.

`scan_python_sql(path, text, ctx)` finds SQL text in one Python file and hands it to the SQL
engine (`depmap.sql.analyze_sql`); it never parses SQL itself. What it adds is *where* the text
comes from and *where it goes*:

- the text: plain, raw, triple-quoted and implicitly concatenated literals, f-strings (each hole
  becomes a `{}` placeholder and the fact says `dynamic`), `+` concatenation, `"..." % args`,
  `"...".format(...)`, names assigned a SQL string (module constants, locals, class attributes
  read as `self.X`/`cls.X`/`Class.X`) and queries built with `+=`;
- the destination: a database call (`SQL_SINKS`, `sql=`/`query=`/`statement=` arguments) makes
  the SQL certain (high confidence). A literal that merely starts with a SQL keyword and parses
  as a statement is reported at medium confidence with `extra={"sink": None}`: it is probably
  executed by another module. In lower case it must also look like a statement (a `,`, `=`,
  `*`, `(`, or a word such as WHERE, JOIN, SET, VALUES): "select a customer from the list" is
  prose. Docstrings, bare string statements, and arguments of logging, `print`, translation and
  exception calls are never SQL.

Facts sit on the line where the SQL text is written, with the symbol that writes it
(`pkg.module.function`, or `pkg.module.CONSTANT` for a module-level constant); a constant run by
other functions lists them in `extra["executed_in"]`.

The work is split by stage: `python_sql_recognize` knows the database calls and SQL keywords (and
the prefilter that skips most files unparsed), `python_sql_gather` walks the tree once and
collects, and `python_sql_resolve` turns what was collected into facts. This module ties them
together and is the scanner's public face.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from depmap.model import Fact, ScanResult, Skipped, sorted_facts
from depmap.scanners.context import ScanContext
from depmap.scanners.python_source import parse_python
from depmap.scanners.python_sql_gather import GatherSqlVisitor
from depmap.scanners.python_sql_recognize import SQL_SINKS, TABLE_SINKS, looks_like_sql, might_contain_sql
from depmap.scanners.python_sql_resolve import resolve_facts


def scan_python_sql(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """Facts for every SQL statement written in one Python file (pure: text in, facts out)."""
    if not might_contain_sql(text):
        return ScanResult()
    parsed = parse_python(path, text, metadata=True)
    if isinstance(parsed, Skipped):
        return ScanResult(skipped=[parsed])
    assert parsed.wrapper is not None
    positions = _LazyPositions(parsed.wrapper)
    gatherer = GatherSqlVisitor(parsed.module_name)
    try:
        parsed.module.visit(gatherer)
        facts = resolve_facts(path, parsed.module, positions, gatherer, ctx.dialect)
    except RecursionError:  # libcst visits recursively: thousands of chained `+` exhaust the stack
        return ScanResult(skipped=[Skipped(path, "Python expression nested too deeply to analyse")])
    unique: list[Fact] = []
    for fact in sorted_facts(facts):
        if not unique or unique[-1] != fact:
            unique.append(fact)
    return ScanResult(facts=unique)


class _LazyPositions(Mapping[cst.CSTNode, CodeRange]):
    """Positions cost twice the parse (PERFORMANCE.md) and most files that pass the prefilter
    hold no SQL after all: compute them the first time a string's lines are needed."""

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self._wrapper = wrapper
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None

    def _resolved(self) -> Mapping[cst.CSTNode, CodeRange]:
        if self._positions is None:
            self._positions = self._wrapper.resolve(PositionProvider)
        return self._positions

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        return self._resolved()[node]

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._resolved())

    def __len__(self) -> int:
        return len(self._resolved())


__all__ = ["SQL_SINKS", "TABLE_SINKS", "looks_like_sql", "might_contain_sql", "scan_python_sql"]
