"""The SQL of a view the catalog knows, to recreate it on the throwaway database.

The catalog keeps a view's columns, not its text. Its CREATE VIEW operation keeps where it was
written and a one-line snippet: the statement is read back from a `.sql` file under the project
root (read, never run), else the snippet serves when it is whole (not cut short with "…", no `--`
comment that would swallow the joined lines). Anything else is unknown: None.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from depmap.catalog import Catalog
from depmap.model import Fact
from depmap.schema_history import is_down
from depmap.sql.split import split_statements

_CREATE_VIEW = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:MATERIALIZED\s+)?VIEW\b", re.I)


def view_sql(catalog: Catalog, name: str, root: Path | None = None, dialect: str = "postgres") -> str | None:
    fact = _last_definition(catalog, name)
    if fact is None:
        return None
    if root is not None and fact.location.path.endswith(".sql"):
        text = _statement_in_file(root / fact.location.path, fact, dialect)
        if text is not None:
            return text
    snippet = fact.snippet or ""
    if _CREATE_VIEW.match(snippet) and not snippet.endswith("…") and "--" not in snippet:
        return snippet
    return None


def _last_definition(catalog: Catalog, name: str) -> Fact | None:
    found = [f for f in catalog.ops if f.detail == "create_view" and f.table == name and not is_down(f)]
    return found[-1] if found else None


def _statement_in_file(path: Path, fact: Fact, dialect: str) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    first = fact.location.line
    last = fact.location.end_line or first
    for chunk in split_statements(text, SqlglotDialect.get_or_raise(dialect)):
        if chunk.line <= last and chunk.end_line >= first and _CREATE_VIEW.match(_without_comments(chunk.text)):
            return _without_comments(chunk.text)
    return None


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip()
