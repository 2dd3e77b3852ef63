"""The project's own SQL functions that the code's statements call, created on the engine.

A statement that calls `as_epoch(last_modified)` fails on a schema without that function, which
says nothing about the change. The function's definition is where depmap found it (a `.sql` file,
a migration's SQL string), taken whole from there: its latest definition in migration order,
never one from test code or a downgrade. Trigger functions are left out, as their triggers are.
PostgreSQL only: SQLite has no CREATE FUNCTION.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from depmap.discover import is_test_path
from depmap.model import ROUTINE, migration_order


def routine_statements(index: Any, statements: list[Any]) -> list[str]:
    """CREATE FUNCTION statements for the functions `statements` call, in migration order."""
    from depmap.verify.statements import statement_texts

    latest: dict[str, Any] = {}
    for fact in sorted((f for f in index.facts_of_kinds([ROUTINE]) if f.detail == "create_routine"), key=migration_order):
        if is_test_path(fact.location.path) or fact.extra.get("direction") == "down" or fact.extra.get("trigger"):
            continue
        name = str(fact.extra.get("name") or "")
        if name:
            latest[name.lower()] = fact
    called = {name for name in latest if any(_calls(s.text, name) for s in statements)}
    found: list[str] = []
    texts: dict[str, list[tuple[int, int, str, bool]]] = {}
    root = Path(index.root)
    for name in sorted(called, key=lambda n: migration_order(latest[n])):
        fact = latest[name]
        path = fact.location.path
        if path not in texts:
            texts[path] = statement_texts(root / path, path, index.dialect)
        text = next((t for first, last, t, dynamic in texts[path] if first <= fact.location.line <= last and not dynamic), None)
        if text:
            found.append(text.strip().rstrip(";"))
    return found


def _calls(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\s*\(", text, re.I) is not None
