"""(stub, being written) statement -> accesses."""
from __future__ import annotations

from depmap.sql.types import Schema, StatementResult


def analyze_sql(text: str, dialect: str = "postgres", schema: Schema | None = None) -> list[StatementResult]:
    return []
