"""The SQL engine shared by every family that finds SQL (sqlglot underneath): statements split and
parsed with placeholders neutralised, tables and columns resolved through aliases, CTEs and
subqueries (`resolve`, `frames`), DDL (`ddl`), lineage (`lineage`), and observations turned into
facts (`facts`).

May import `depmap.model` and `depmap.nesting` only; every scanner that finds SQL imports it.
"""

from depmap.sql.extract import analyze_sql
from depmap.sql.facts import to_facts
from depmap.sql.types import Observation, Schema, StatementResult

__all__ = ["Observation", "Schema", "StatementResult", "analyze_sql", "to_facts"]
