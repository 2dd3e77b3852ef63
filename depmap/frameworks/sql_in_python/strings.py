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

A `SELECT *` (or `RETURNING *`) whose columns reach the caller also says how the function running
it consumes the rows (`rows`): `extra["row_use"]` lists positional uses (`unpack`,
`index`, `zip`, `star_args`, `frame_columns`, `set_columns`, `iloc`, `export`) with their lines,
`run_at`/`run_by` the calls that run it, and `driver` (with `driver_evidence`, `in_transaction`)
a PostgreSQL driver that caches server-side prepared statements, as the file's imports show it.

The work is split by stage: `recognize` knows the database calls and SQL keywords (and
the prefilter that skips most files unparsed), `gather` walks the tree once and
collects, and `resolve` turns what was collected into facts. This module ties them
together and is the scanner's public face.
"""

from __future__ import annotations

from depmap.model import Fact, ScanResult
from depmap.scan_context import ScanContext
from depmap.python.analysis import PythonAnalysis
from depmap.python.scanner import scan_python
from depmap.frameworks.sql_in_python.gather import GatherSqlVisitor
from depmap.frameworks.sql_in_python.recognize import SQL_SINKS, TABLE_SINKS, looks_like_sql, might_contain_sql
from depmap.frameworks.sql_in_python.resolve import resolve_facts
from depmap.python.tree import ParsedTree


def analyse_sql_strings(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """Facts for every SQL statement written in one parsed Python file."""
    gatherer = GatherSqlVisitor(parsed.module_name, parsed.source)
    gatherer.walk(parsed.tree)
    try:
        return resolve_facts(parsed, gatherer, ctx.dialect)
    finally:
        gatherer.release()


SQL_STRINGS = PythonAnalysis("sql strings", might_contain_sql, analyse_sql_strings)


def scan_python_sql(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """This analysis alone on one file (pure: text in, facts out); the project scan runs it
    through `scan_python` with the other Python analyses on the same parse."""
    return scan_python(path, text, ctx, analyses=(SQL_STRINGS,))


__all__ = ["SQL_SINKS", "SQL_STRINGS", "TABLE_SINKS", "analyse_sql_strings", "looks_like_sql", "might_contain_sql", "scan_python_sql"]
