"""The registry: every input family depmap reads, in the order their work runs.

Adding support for another ORM or pipeline tool is one package under `depmap/frameworks/` with
a `family.py`, and one line here (a new linker also one in `depmap.linking`, which a cold scan's
main process imports instead of every scanner); a test checks that every family package is
listed, and its linkers. From the
families come the three things a scan needs: the Python analyses (run on one parse of each
Python file), the scanner of each other file kind, and the linkers run once over every file's
facts. Order matters only for the linkers: the ORM linker, which ranks every migration, runs
before the routine linker (the last definition of a function wins) and the dbt and Airflow
linkers that build on table definitions.
"""

from __future__ import annotations

from dataclasses import replace

from depmap.discover import FileKind
from depmap.frameworks.airflow.family import AIRFLOW
from depmap.frameworks.alembic.family import ALEMBIC
from depmap.frameworks.dbt.family import DBT
from depmap.frameworks.django.family import DJANGO
from depmap.frameworks.family import Family, Linker, Scanner
from depmap.frameworks.sql_files.family import SQL_FILES
from depmap.frameworks.sql_in_configs.family import SQL_IN_CONFIGS
from depmap.frameworks.sql_in_python.family import SQL_IN_PYTHON
from depmap.frameworks.sql_routines.family import SQL_ROUTINES
from depmap.frameworks.sqlalchemy.family import SQLALCHEMY
from depmap.model import ScanResult, Skipped, sorted_facts
from depmap.linking import AIRFLOW_TASK, DBT_CONSUMED_KINDS, DBT_MODEL, DBT_MODEL_CONFIG, LINKERS, link_facts  # re-exported
from depmap.python.analysis import PythonAnalysis
from depmap.python.notebook import read_notebook, relocate
from depmap.python.scanner import scan_python
from depmap.scan_context import ScanContext
from depmap.sql import analyze_sql, to_facts

FAMILIES: tuple[Family, ...] = (
    SQL_IN_PYTHON,
    SQL_FILES,
    ALEMBIC,
    DJANGO,
    SQLALCHEMY,
    SQL_ROUTINES,
    DBT,
    AIRFLOW,
    SQL_IN_CONFIGS,
)

# Each analysis once (the ORM families share the one that records classes and objects).
PYTHON_ANALYSES: tuple[PythonAnalysis, ...] = tuple(dict.fromkeys(analysis for family in FAMILIES for analysis in family.python))


def scan_python_file(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """The Python scanner with every family's analyses."""
    return scan_python(path, text, ctx, PYTHON_ANALYSES)


def scan_notebook_file(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """A Jupyter notebook: its code cells through the Python scanner, its `%%sql` cells through the
    SQL engine, every fact on the notebook file's line with its cell (`depmap.python.notebook`)."""
    try:
        notebook = read_notebook(text)
    except ValueError as error:
        return ScanResult(skipped=[Skipped(path, str(error))])
    result = scan_python_file(path, notebook.python, ctx) if notebook.python.strip() else ScanResult()
    facts = [relocate(fact, notebook) for fact in result.facts]
    for piece in notebook.sql:
        lines, cell_lines = piece.lines, piece.cell_lines
        for fact in to_facts(analyze_sql(piece.text, ctx.dialect), path=path, line_of=lambda n, lines=lines: lines[min(n, len(lines)) - 1]):
            cell_line = cell_lines[lines.index(fact.location.line)] if fact.location.line in lines else cell_lines[0]
            facts.append(replace(fact, extra={**fact.extra, "cell": piece.cell, "cell_line": cell_line}))
    return ScanResult(facts=sorted_facts(facts), skipped=result.skipped)


def _scanners() -> dict[str, tuple[Scanner, ...]]:
    scanners: dict[str, tuple[Scanner, ...]] = {FileKind.PYTHON: (scan_python_file,), FileKind.NOTEBOOK: (scan_notebook_file,)}
    for family in FAMILIES:
        for kind, functions in family.files.items():
            scanners[kind] = scanners.get(kind, ()) + tuple(functions)
    return scanners


SCANNERS: dict[str, tuple[Scanner, ...]] = _scanners()

# Each linker once (several ORM families share one), in the order of the first family naming it:
# the families' list, which `depmap.linking.LINKERS` (what a scan runs, importable without the
# scanners) must equal (a test checks).
FAMILY_LINKERS: tuple[Linker, ...] = tuple(dict.fromkeys(linker for family in FAMILIES for linker in family.linkers))


__all__ = ["AIRFLOW_TASK", "DBT_CONSUMED_KINDS", "DBT_MODEL", "DBT_MODEL_CONFIG", "FAMILIES", "FAMILY_LINKERS", "LINKERS", "PYTHON_ANALYSES", "SCANNERS", "Scanner", "link_facts", "scan_notebook_file", "scan_python_file"]


def sql_texts_in_python(path: str, text: str, dialect: str) -> list:
    """The SQL texts one Python file runs, whole (facts keep a snippet): `depmap verify` re-runs
    them. The file is parsed, never imported; unreadable Python gives none."""
    import ast

    from depmap.frameworks.sql_in_python.gather import GatherSqlVisitor
    from depmap.frameworks.sql_in_python.resolve import sql_texts
    from depmap.python.scanner import module_name_for
    from depmap.python.tree import ParsedTree, SourceText

    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    parsed = ParsedTree(path, module_name_for(path), tree, SourceText(text))
    gatherer = GatherSqlVisitor(parsed.module_name, parsed.source)
    gatherer.walk(tree)
    return sql_texts(parsed, gatherer, dialect)
