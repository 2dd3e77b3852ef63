"""Statements of a schema dump the user gives (`--schema-sql`), e.g. `pg_dump --schema-only`.

Split with depmap's own splitter (strings, dollar-quoted function bodies and comments keep their
semicolons). Left out: psql meta-commands (`\\connect`, `\\restrict`), `COPY ... FROM stdin` with
its data up to `\\.`, transaction control (each statement runs in its own transaction), and
ownership and privileges (`ALTER ... OWNER TO`, `GRANT`, `REVOKE`), which name roles the throwaway
server does not have and change nothing a verification measures. `SET` lines stay.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from depmap.sql.split import split_statements

_COPY_FROM_STDIN = re.compile(r"^\s*COPY\b.*\bFROM\s+stdin\b", re.I)
_LEFT_OUT = re.compile(
    r"^(?:BEGIN(?:\s+TRANSACTION)?|START\s+TRANSACTION|COMMIT|END|ROLLBACK|GRANT\b.*|REVOKE\b.*|ALTER\s+.*\bOWNER\s+TO\b.*)$",
    re.I | re.S,
)


def statements_from_file(path: Path | str, engine: str) -> list[str]:
    text = Path(path).read_text(encoding="utf-8")
    return statements_from_text(text, engine)


def statements_from_text(text: str, engine: str) -> list[str]:
    kept = "\n".join(_without_meta_commands(text.splitlines()))
    statements = []
    for chunk in split_statements(kept, SqlglotDialect.get_or_raise(engine)):
        statement = _code_only(chunk.text)
        if statement and not _LEFT_OUT.match(statement):
            statements.append(statement)
    return statements


def _without_meta_commands(lines: list[str]) -> list[str]:
    kept: list[str] = []
    copying = False
    for line in lines:
        if copying:
            copying = line.strip() != "\\."
            kept.append("")  # keep line numbers
        elif _COPY_FROM_STDIN.match(line):
            copying = True
            kept.append("")
        elif line.lstrip().startswith("\\"):
            kept.append("")
        else:
            kept.append(line)
    return kept


def _code_only(text: str) -> str:
    """The statement without the comment lines before it and the semicolon after it."""
    lines = text.strip().rstrip(";").strip().splitlines()
    while lines and (lines[0].lstrip().startswith("--") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip()
