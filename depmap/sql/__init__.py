"""SQL analysis shared by every scanner that finds SQL (sqlglot underneath)."""

from depmap.sql.extract import analyze_sql
from depmap.sql.facts import to_facts
from depmap.sql.types import Observation, Schema, StatementResult

__all__ = ["Observation", "Schema", "StatementResult", "analyze_sql", "to_facts"]
