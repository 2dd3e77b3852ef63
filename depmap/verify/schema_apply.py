"""Run schema statements on a throwaway database, each on its own, keeping the engine's refusals.

A statement the engine rejects (a type it lacks, an extension not installed, a role that does not
exist) costs that statement only: the rest still builds, and the refusal is reported with the
engine's own message, which says more than any guess made before running it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rejected:
    statement: str
    error: str  # the engine's message, first line

    def to_json(self) -> dict[str, str]:
        return {"statement": self.statement, "error": self.error}


def apply_schema(db: Any, statements: list[str]) -> list[Rejected]:
    """Execute every statement in its own transaction (autocommit); never raises for SQL errors."""
    rejected: list[Rejected] = []
    errors = engine_errors()
    connection = db.connect(autocommit=True)
    try:
        for statement in statements:
            try:
                connection.execute(statement)
            except errors as error:
                rejected.append(Rejected(statement, error_message(error)))
    finally:
        connection.close()
    return rejected


def engine_errors() -> tuple[type[BaseException], ...]:
    """The database errors of the drivers installed: SQLite's always, psycopg's and PyMySQL's when present."""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    try:
        import psycopg

        errors += (psycopg.Error,)
    except ImportError:
        pass
    try:
        import pymysql

        errors += (pymysql.Error,)
    except ImportError:
        pass
    return errors


def error_message(error: BaseException) -> str:
    """The engine's message on one line (psycopg adds LINE/DETAIL lines and a caret; PyMySQL
    gives (code, message))."""
    arguments = getattr(error, "args", ())
    if type(error).__module__.startswith("pymysql") and len(arguments) >= 2 and isinstance(arguments[0], int):
        return (str(arguments[1]).strip().splitlines() or [type(error).__name__])[0]
    diag = getattr(error, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(error) or type(error).__name__
    return text.strip().splitlines()[0]
