"""The SQL engine shared by every family that finds SQL (sqlglot underneath): statements split and
parsed with placeholders neutralised, tables and columns resolved through aliases, CTEs and
subqueries (`resolve`, `frames`), DDL (`ddl`), lineage (`lineage`), and observations turned into
facts (`facts`).

May import `depmap.model` and `depmap.nesting` only; every scanner that finds SQL imports it.
`analyze_sql` (and sqlglot with it) loads on first use: a command that only shows stored facts
imports `depmap.sql.facts` and `depmap.sql.types`, which need no parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from depmap.sql.facts import to_facts
from depmap.sql.types import Observation, Schema, StatementResult

if TYPE_CHECKING:
    from depmap.sql.extract import analyze_sql

__all__ = ["Observation", "Schema", "StatementResult", "analyze_sql", "to_facts"]


def __getattr__(name: str) -> Any:
    if name == "analyze_sql":
        from depmap.sql.extract import analyze_sql

        return analyze_sql
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
