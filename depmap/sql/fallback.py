"""A conservative reading of SQL that sqlglot could not parse: which tables does it name, and how?

Only names right after FROM/JOIN (read), INTO/UPDATE (write) or TABLE (schema) count, outside
string literals and comments. It is a hint for a human reviewer, always at low confidence.
"""

from __future__ import annotations

import re

from depmap.model import READ, SCHEMA, WRITE
from depmap.sql.placeholders import is_hole

_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)
_NAME = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_TABLE_AFTER_KEYWORD = re.compile(
    rf"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+|ONLY\s+)?({_NAME}(?:\.{_NAME}){{0,2}})",
    re.I,
)
_ACCESS_BY_KEYWORD = {"from": READ, "join": READ, "into": WRITE, "update": WRITE, "table": SCHEMA}
_NOT_TABLES = frozenset(
    "select with where set values as on using lateral unnest only exists not if".split()
)


def _clean(name: str, keep_quoted_case: bool) -> str:
    parts = []
    for part in name.split("."):
        if part[:1] in "\"`[":
            parts.append(part[1:-1] if keep_quoted_case else part[1:-1].lower())
        else:
            parts.append(part.lower())
    if len(parts) > 1 and parts[0] in ("public", "dbo", "main"):
        parts = parts[1:]
    return ".".join(parts)


def tables_named(sql: str, keep_quoted_case: bool = True) -> list[tuple[str, str]]:
    """(table, access) pairs in order of first appearance; a DELETE FROM target is a write.

    `keep_quoted_case` is False where quoting does not make a name case-sensitive (MySQL).
    """
    return [(table, access) for table, access, _ in tables_named_at(sql, keep_quoted_case)]


def tables_named_at(sql: str, keep_quoted_case: bool = True) -> list[tuple[str, str, int]]:
    """(table, access, 1-based line of the first naming) triples, as `tables_named` finds them."""
    text = _STRINGS_AND_COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), sql)  # keep lines
    seen: dict[tuple[str, str], int] = {}
    for match in _TABLE_AFTER_KEYWORD.finditer(text):
        keyword, name = match.group(1).lower(), match.group(2)
        if name.lower() in _NOT_TABLES or is_hole(name):
            continue
        access = _ACCESS_BY_KEYWORD[keyword]
        if keyword == "from" and re.search(r"\bDELETE\s+$", text[: match.start()], re.I):
            access = WRITE
        seen.setdefault((_clean(name, keep_quoted_case), access), text.count("\n", 0, match.start(2)) + 1)
    return [(table, access, line) for (table, access), line in seen.items()]


# Statements that change permissions, sessions, comments or server objects, never table rows or
# columns. Parse failures of these are noise, not hidden accesses.
_NO_DATA_STATEMENT = re.compile(
    r"""^\s*(?:
        COMMENT\s+ON | GRANT | REVOKE | SET | RESET | SHOW | BEGIN | START\s+TRANSACTION | COMMIT
      | ROLLBACK | SAVEPOINT | RELEASE | VACUUM | ANALYZE | CHECKPOINT | DISCARD | LISTEN | NOTIFY
      | SECURITY\s+LABEL | REASSIGN\s+OWNED | DROP\s+OWNED
      | (?:CREATE|ALTER|DROP)\s+(?:OR\s+REPLACE\s+)?(?:DATABASE | ROLE | USER | GROUP | EXTENSION
            | SCHEMA | TYPE | DOMAIN | SEQUENCE | TABLESPACE | COLLATION | SERVER | LANGUAGE | CAST
            | OPERATOR | CONVERSION | POLICY | PUBLICATION | SUBSCRIPTION | STATISTICS
            | TEXT\s+SEARCH | FOREIGN\s+DATA\s+WRAPPER | USER\s+MAPPING | EVENT\s+TRIGGER
            | DEFAULT\s+PRIVILEGES)
    )\b""",
    re.I | re.X,
)


def touches_no_data(sql: str) -> bool:
    """Does the statement (comments aside) start with a keyword that never reads or writes rows?"""
    return bool(_NO_DATA_STATEMENT.match(_STRINGS_AND_COMMENTS.sub(" ", sql)))
