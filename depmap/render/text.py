"""Human output for the terminal (rich): grouped by file, one line a usage, plain when piped.

Every scanned string reaches the console as a `Text` (never parsed as rich markup) through
`printable` (no control character reaches the terminal raw)."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.text import Text

from depmap.catalog import Catalog
from depmap.render.printable import printable
from depmap.render.terminal_layout import aligned, print_line
from depmap.render.usage_listing import print_skipped, print_usages  # noqa: F401  (the commands print through this module)


def console(stderr: bool = False) -> Console:
    """Colour on a terminal, plain text in pipes and with NO_COLOR; never wrap mid-line in pipes."""
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not tty,
        highlight=False,
        width=None if tty else 160,
        soft_wrap=not tty,
    )


def print_tables(out: Console, catalog: Catalog) -> None:
    if not catalog.tables:
        out.print("No table definitions found (CREATE TABLE in .sql files or SQL strings).")
        return
    for name in sorted(catalog.tables):
        table = catalog.tables[name]
        where = ", ".join(f"{d.path}:{d.line}" for d in table.defined_at[:3])
        kind = "view" if table.view else "table"
        print_line(out, Text(printable(name), style="bold cyan") + Text(printable(f"  ({kind}, {len(table.columns)} columns; {where})"), style="dim"))
        if counts := _object_counts(catalog, name):
            print_line(out, Text(printable(f"  {counts}"), style="dim"))
        rows = []
        for column in table.columns.values():
            nullable = "" if column.nullable is None else ("null" if column.nullable else "not null")
            default = f"default {column.default}" if column.default else ""
            last = column.defined_at[-1] if column.defined_at else None
            rows.append([
                Text(printable("  " + column.name)),
                Text(printable(column.type or "")),
                Text(printable(" ".join(p for p in (nullable, default) if p))),
                Text(printable(f"{last.path}:{last.line}" if last else ""), style="dim"),
            ])
        for line in aligned(rows, right=()):
            print_line(out, line)
        drift = table.drift()
        for label, names in (("declared by a model but created by no migration", drift and drift["only_in_models"]),
                             ("created by migrations but declared by no model", drift and drift["only_in_migrations"])):
            if names:
                print_line(out, Text(f"  ! {label}: {printable(', '.join(names))}", style="yellow"))


def _object_counts(catalog: Catalog, name: str) -> str:
    """`2 indexes, 3 constraints, 1 trigger; 9 schema operations (`depmap history orders`)`, or ""."""
    table = catalog.tables[name]
    history = catalog.history(name)
    parts = [
        _plural(len(table.indexes()), "index", "indexes"),
        _plural(len(table.constraints()), "constraint", "constraints"),
        _plural(len(table.triggers()), "trigger", "triggers"),
    ]
    found = ", ".join(p for p in parts if p)
    operations = len(history.upgrades) + len(history.downgrades)
    if operations:
        found += ("; " if found else "") + f"{_plural(operations, 'schema operation', 'schema operations')} (`depmap history {name}`)"
    return found


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}" if count else ""


def print_downstream(out: Console, label: str, hops: list, limit: int | None = None) -> None:
    """One line per relation reached, indented by depth, with the statement that carries it."""
    count = len(hops)
    print_line(out, Text(f"Downstream of {printable(label)}: {count} relation{'s' * (count != 1)} reached", style="bold"))
    if not hops:
        return
    out.print()
    rows = []
    for hop in hops:
        target = hop.target + (f".{hop.target_column}" if hop.target_column else "")
        source = hop.source + (f".{hop.source_column}" if hop.source_column else "")
        how = {"star": "via *", "column": "by column"}.get(hop.fact.detail or "", "")
        where = f"{hop.fact.location.path}:{hop.fact.location.line}"
        rows.append([Text("  " * (hop.depth - 1) + printable(target)), Text(printable(f"<- {source} {how}".rstrip()), style="dim"),
                     Text(printable(where), style="dim")])
    shown = rows if limit is None else rows[:limit]
    for line in aligned(shown, right=()):
        print_line(out, line)
    if len(shown) < len(rows):
        out.print()
        print_line(out, Text(f"… {len(rows) - len(shown)} more not shown (--limit {limit})", style="dim"))
