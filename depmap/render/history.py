"""`depmap history`: a table's schema operations, one line each, in the order migrations run.

Text: `path:line  op  migration  name (columns) details`, one line each (never wrapped: a pipe or
grep gets whole lines), upgrades first, downgrades apart under their own heading (they never run
on the way up). JSON: the `schema_version` document with the
entries of `depmap.schema_history.entry_json`.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from depmap.model import SCHEMA_VERSION, Fact
from depmap.render.printable import printable
from depmap.schema_history import History, direction, entry_json



def history_document(query: dict[str, Any], histories: list[History]) -> dict[str, Any]:
    last = [h.last_migration for h in histories if h.last_migration is not None]
    latest = last[-1] if last else None
    return {
        "schema_version": SCHEMA_VERSION,
        "query": query,
        "names": sorted({name for h in histories for name in h.names}),
        "history": [entry_json(fact) for h in histories for fact in h.upgrades],
        "downgrades": [entry_json(fact) for h in histories for fact in h.downgrades],
        "last_migration": entry_json(latest) if latest is not None else None,
    }


def print_history(out: Console, label: str, histories: list[History], limit: int | None = None) -> None:
    """The operations in migration order, then the downgrades; at most `limit` rows of each."""
    upgrades = [fact for h in histories for fact in h.upgrades]
    downgrades = [fact for h in histories for fact in h.downgrades]
    tables = {name for h in histories for name in (h.table, *h.names)}
    count = len(upgrades)
    title = f"Schema history of {label}: {count} operation{'s' * (count != 1)}"
    last = next((fact for fact in reversed(upgrades) if direction(fact) == "upgrade"), None)
    if last is not None:
        title += f"; last migration {_migration(last) or '?'} ({last.location.path}:{last.location.line})"
    out.print(Text(printable(title), style="bold"))
    names = sorted({name for h in histories for name in h.names})
    if names:
        out.print(Text(printable(f"  formerly named {', '.join(names)}"), style="dim"))
    if not upgrades and not downgrades:
        out.print("No schema operation found: no migration, DDL or model declaration touches it.")
        return
    _print_rows(out, upgrades[:limit], tables)
    _left_out(out, len(upgrades), limit)
    if downgrades:
        out.print()
        out.print(Text(f"Downgrades ({len(downgrades)}, run only when migrating down; never replayed):", style="bold yellow"))
        _print_rows(out, downgrades[:limit], tables)
        _left_out(out, len(downgrades), limit)


def _left_out(out: Console, count: int, limit: int | None) -> None:
    if limit is not None and count > limit:
        out.print(Text(f"  … {count - limit} more not shown (--limit {limit})", style="dim"))


def _print_rows(out: Console, facts: list[Fact], tables: set[str]) -> None:
    """One line per operation, never wrapped: `path:line  op  migration  details`, aligned."""
    rows = [
        (printable(f"{fact.location.path}:{fact.location.line}"), printable(fact.detail or ""), printable(_migration(fact) or ""),
         printable(_details(fact, tables)), fact)
        for fact in facts
    ]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for where, op, migration, details, fact in rows:
        line = Text("  ")
        line.append(where.ljust(widths[0]), style="dim")
        line.append("  ")
        line.append(op.ljust(widths[1]), style="red" if op.startswith("drop") else "green")
        if widths[2]:
            line.append("  ")
            line.append(migration.ljust(widths[2]), style="magenta")
        line.append(f"  {details}".rstrip())
        out.print(line, no_wrap=True, overflow="ignore", crop=False)


def _migration(fact: Fact) -> str | None:
    return fact.extra.get("migration") or fact.extra.get("revision")


def _details(fact: Fact, tables: set[str]) -> str:
    """`name (a, b)`, then what matters about the operation, in words."""
    extra = fact.extra
    parts = []
    if extra.get("name"):
        parts.append(str(extra["name"]))
    if fact.columns:
        parts.append(f"({', '.join(fact.columns)})")
    if extra.get("new_name"):
        parts.append(f"-> {extra['new_name']}")
    if extra.get("constraint") and not extra.get("check"):
        parts.append(str(extra["constraint"]).replace("_", " "))
    if extra.get("unique"):
        parts.append("unique")
    if extra.get("where"):
        parts.append(f"where {extra['where']}")
    if extra.get("change"):
        parts.append(str(extra["change"]))
    references = extra.get("references")
    if isinstance(references, dict):
        parts.append(f"references {references.get('table') or references.get('model') or '?'}({', '.join(references.get('columns') or [])})")
    if extra.get("check"):
        parts.append(f"check {extra['check']}")
    if extra.get("together") is not None:
        parts.append("now " + (", ".join("(" + ", ".join(group) + ")" for group in extra["together"]) or "none"))
    trigger = extra.get("trigger")
    if isinstance(trigger, dict):
        parts.append(" ".join([trigger.get("timing") or "", " OR ".join(trigger.get("events") or [])]).strip())
    if extra.get("within"):
        parts.append(f"[{'in create_table' if extra['within'] == 'create_table' else 'model'}]")
    if fact.table not in tables:
        pointing = [f"{item['column']} -> {', '.join(item['references'].get('columns') or [])}".rstrip(" ->")
                    for item in extra.get("column_constraints") or []
                    if isinstance(item.get("references"), dict) and item["references"].get("table") in tables]
        parts.append(f"on {fact.table}" + (f": {'; '.join(pointing)}" if pointing else ""))
    return " ".join(part for part in parts if part)
