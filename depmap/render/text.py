"""Human output for the terminal (rich): grouped by file, one line a usage, plain when piped.

Every scanned string reaches the console as a `Text` (never parsed as rich markup) through
`printable` (no control character reaches the terminal raw)."""

from __future__ import annotations

from collections import Counter

import os
import sys
from itertools import groupby
from typing import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from depmap.catalog import Catalog
from depmap.model import HIGH, INDIRECT_READS, Fact, Skipped
from depmap.render.printable import printable

_CONFIDENCE_MARK = {"high": "", "medium": "~", "low": "?"}


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


def _columns_label(fact: Fact) -> str:
    if fact.columns:
        return ", ".join(fact.columns)
    return "*" if fact.detail in ("select_star", "insert_select_star", "positional_insert") else "—"


def _short_symbol(fact: Fact) -> str:
    """The symbol without its module (the file heading already names it)."""
    symbol = fact.location.symbol
    if not symbol:
        return "<module>"
    module = fact.location.path.rsplit(".", 1)[0].replace("/", ".")
    for prefix in (module, module.removesuffix(".__init__")):
        if symbol.startswith(prefix + "."):
            return symbol[len(prefix) + 1 :]
    return symbol


def print_usages(out: Console, title: str, facts: list[Fact], skipped: list[Skipped], show_columns: bool = True) -> None:
    files = sorted({f.location.path for f in facts})
    header = f"{printable(title)}: {len(facts)} usage{'s' * (len(facts) != 1)} in {len(files)} file{'s' * (len(files) != 1)}"
    kinds = Counter(_reach(f) for f in facts)
    if len(kinds) > 1 or set(kinds) - {"name it"}:  # whole-row loads, attribute reads, views, apart
        header += " (" + ", ".join(f"{kinds[kind]} {kind}" for kind in ("name it", *INDIRECT_READS.values(), _THROUGH, _FORMER) if kinds[kind]) + ")"
    out.print(Text(header, style="bold"))
    for path, group in groupby(facts, key=lambda f: f.location.path):
        out.print()
        out.print(Text(printable(path), style="bold cyan"))
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
        table.add_column(justify="right", style="dim", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        if show_columns:
            table.add_column(overflow="fold", max_width=40)
        table.add_column(overflow="ellipsis", no_wrap=True, max_width=72)
        for fact in group:
            label = f"{fact.access} {fact.detail}{_CONFIDENCE_MARK[fact.confidence]}"
            if through := fact.extra.get("through"):
                label += " via view " + " → ".join(through)
            if former := fact.extra.get("former_name"):
                label += f" as {former} (its former name)"
            if "cell" in fact.extra:  # a notebook: the line is the file's, Jupyter shows cells
                label += f" (cell {fact.extra['cell']}, line {fact.extra.get('cell_line', 1)})"
            row = [
                str(fact.location.line),
                Text(label, style="red" if fact.access == "write" else "green"),
                Text(printable(_short_symbol(fact)), style="magenta"),
            ]
            if show_columns:
                row.append(Text(printable(f"{fact.table}({_columns_label(fact)})")))
            row.append(Text(printable(fact.snippet), style="dim"))
            table.add_row(*row)
        out.print(table)
    if any(f.confidence != HIGH for f in facts):
        out.print()
        out.print(Text("~ medium confidence: inferred (SQL not seen reaching a database call, a macro or a task's code);  ? low: attribution uncertain or SQL unparsed", style="dim"))
    print_skipped(out, skipped)


_THROUGH = "read through a view"
_FORMER = "under a former name"


def _reach(fact: Fact) -> str:
    """How a usage reaches the table: naming it, indirectly (INDIRECT_READS), through a view, by a
    former name."""
    if fact.extra.get("through"):
        return _THROUGH
    if fact.extra.get("former_name"):
        return _FORMER
    return INDIRECT_READS.get(fact.detail or "", "name it")


def print_skipped(out: Console, skipped: Iterable[Skipped]) -> None:
    skipped = list(skipped)
    if not skipped:
        return
    out.print()
    out.print(Text(f"Not analysed ({len(skipped)}):", style="bold yellow"))
    for item in skipped:
        out.print(Text(f"  {printable(item.path)}: {printable(item.reason)}", style="yellow"))


def print_tables(out: Console, catalog: Catalog) -> None:
    if not catalog.tables:
        out.print("No table definitions found (CREATE TABLE in .sql files or SQL strings).")
        return
    for name in sorted(catalog.tables):
        table = catalog.tables[name]
        where = ", ".join(f"{d.path}:{d.line}" for d in table.defined_at[:3])
        kind = "view" if table.view else "table"
        out.print(Text(printable(name), style="bold cyan") + Text(printable(f"  ({kind}, {len(table.columns)} columns; {where})"), style="dim"))
        if counts := _object_counts(catalog, name):
            out.print(Text(printable(f"  {counts}"), style="dim"))
        grid = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
        for _ in range(4):
            grid.add_column()
        for column in table.columns.values():
            nullable = "" if column.nullable is None else ("null" if column.nullable else "not null")
            default = f"default {column.default}" if column.default else ""
            last = column.defined_at[-1] if column.defined_at else None
            grid.add_row(
                Text(printable("  " + column.name)),
                Text(printable(column.type or "")),
                Text(printable(" ".join(p for p in (nullable, default) if p))),
                Text(printable(f"{last.path}:{last.line}" if last else ""), style="dim"),
            )
        out.print(grid)
        drift = table.drift()
        for label, names in (("declared by a model but created by no migration", drift and drift["only_in_models"]),
                             ("created by migrations but declared by no model", drift and drift["only_in_migrations"])):
            if names:
                out.print(Text(f"  ! {label}: {printable(', '.join(names))}", style="yellow"))


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


def print_downstream(out: Console, label: str, hops: list) -> None:
    """One line per relation reached, indented by depth, with the statement that carries it."""
    count = len(hops)
    out.print(Text(f"Downstream of {printable(label)}: {count} relation{'s' * (count != 1)} reached", style="bold"))
    if not hops:
        return
    out.print()
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="dim")
    table.add_column(no_wrap=True, style="dim")
    for hop in hops:
        target = hop.target + (f".{hop.target_column}" if hop.target_column else "")
        source = hop.source + (f".{hop.source_column}" if hop.source_column else "")
        how = {"star": "via *", "column": "by column"}.get(hop.fact.detail or "", "")
        where = f"{hop.fact.location.path}:{hop.fact.location.line}"
        table.add_row(Text("  " * (hop.depth - 1) + printable(target)), Text(printable(f"<- {source} {how}".rstrip())), Text(printable(where)))
    out.print(table)
