"""Commands that query the index: `scan`, `tables`, `history`, `who-reads`, `who-writes`, `downstream`, `graph`.

Like every command module, they only parse arguments, call the library and print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from depmap.model import SCHEMA_VERSION
from depmap.cli.group import UserError, check_column, check_outputs, cli, dialect_option, format_option, load_index, mentions_or_whole, project_path, resolve_target, run_options, terminal_output


def limit_option(function: Callable) -> Callable:
    return click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
                         help="List at most N rows on the terminal and say how many were left out (--format json lists every one).")(function)


@cli.command()
@project_path()
@dialect_option
@format_option("text", "json")
@run_options
@click.pass_obj
def scan(obj: dict, path: str, dialect: str | None, output_format: str) -> None:
    """Scan PATH and print a summary of what was found."""
    from depmap.render.json import dumps
    from depmap.render.text import console, print_skipped

    index = load_index(path, dialect, obj["debug"], partial=True)
    accesses = index.access_counts()
    summary = {
        "schema_version": SCHEMA_VERSION,
        "root": str(index.root),
        "dialect": index.dialect,
        "files_scanned": index.files_scanned,
        "files_from_cache": index.files_scanned - index.files_parsed,
        "tables": len(index.catalog.tables),
        "tables_used": len(index.graph.tables()),
        "reads": accesses.get("read", 0),
        "writes": accesses.get("write", 0),
        "unparsed_statements": len(index.unparsed()),
        "skipped": [s.to_json() for s in index.skipped],
        "seconds": {k: round(v, 3) for k, v in index.timings.items()},
    }
    if output_format == "json":
        click.echo(dumps(summary), nl=False)
        return
    out = console()
    out.print(
        f"Scanned {summary['files_scanned']} files ({summary['files_from_cache']} unchanged, from the cache) "
        f"in {sum(index.timings.values()):.2f} s ({index.dialect}): "
        f"{summary['tables']} tables defined, {summary['tables_used']} tables used, "
        f"{summary['reads']} reads, {summary['writes']} writes, "
        f"{summary['unparsed_statements']} unparsed statements, {len(index.skipped)} files skipped."
    )
    print_skipped(out, index.skipped_with_unparsed())


@cli.command()
@project_path()
@dialect_option
@format_option("text", "json")
@run_options
@click.pass_obj
def tables(obj: dict, path: str, dialect: str | None, output_format: str) -> None:
    """Known tables and columns, and where each is defined."""
    from depmap.render.json import streamed_dumps
    from depmap.render.text import print_tables

    catalog = load_index(path, dialect, obj["debug"], partial=True).whole_catalog()
    if output_format == "json":  # written a table at a time, as `dumps(catalog.to_json())` would write it
        for piece in streamed_dumps({"schema_version": SCHEMA_VERSION}, "tables", catalog.tables_json()):
            click.echo(piece, nl=False)
    else:
        with terminal_output() as out:
            print_tables(out, catalog)


@cli.command()
@click.argument("target")
@project_path()
@dialect_option
@format_option("text", "json")
@run_options
@limit_option
@click.pass_obj
def history(obj: dict, target: str, path: str, dialect: str | None, output_format: str, limit: int | None) -> None:
    """Every schema operation on TABLE (or touching TABLE.COLUMN), in the order migrations run."""
    from depmap.render.history import history_document, print_history
    from depmap.schema_history import touches_column
    from depmap.render.json import dumps

    index = load_index(path, dialect, obj["debug"], partial=True)
    catalog = index.catalog
    tables_found, column = resolve_target(index, target, also_known=catalog.op_tables())
    index = index.focused(tables_found)
    histories = [catalog.history(table, column) for table in tables_found]
    if column is not None and not any(touches_column(f, column) for h in histories for f in [*h.upgrades, *h.downgrades]):
        check_column(index, tables_found, column, "readers")  # a column no operation names: most likely a typo
    label = _label(tables_found, column)
    if output_format == "json":
        click.echo(dumps(history_document(_query(tables_found, column), histories)), nl=False)
    else:
        with terminal_output() as out:
            print_history(out, label, histories, limit)


def _query(tables_found: list[str], column: str | None) -> dict:
    """The `query` of a JSON document: one table as a name, a name found in several schemas as a list."""
    return {"table": tables_found[0] if len(tables_found) == 1 else tables_found, "column": column}


def _label(tables_found: list[str], column: str | None) -> str:
    return ", ".join(tables_found) + (f".{column}" if column else "")


def _usage_command(name: str, verb: str, noun: str) -> Callable:
    @cli.command(name, help=f"Code that {noun} TABLE or TABLE.COLUMN, grouped by file, with lines.")
    @click.argument("target")
    @project_path()
    @dialect_option
    @format_option("text", "json")
    @run_options
    @click.option(
        "--min-confidence",
        type=click.Choice(["low", "medium", "high"]),
        default="low",
        show_default=True,
        help="Hide usages below this confidence.",
    )
    @click.option(
        "--mentions",
        "list_mentions",
        is_flag=True,
        help="List every other line that names the table (its model, accessors, dbt names, views) with why it is not a usage.",
    )
    @click.option(
        "--direct",
        is_flag=True,
        help="Only code that names the table as it is called now: leave out calls of project code that reaches it "
        "(a helper, a model method), readers of the views over it and usages under a name it had before a rename.",
    )
    @click.option("--tests", "show_tests", is_flag=True, help="List the sites in test code in full (by default, one count per test file after the production sites).")
    @limit_option
    @click.pass_obj
    def command(
        obj: dict, target: str, path: str, dialect: str | None, output_format: str, min_confidence: str, list_mentions: bool, direct: bool,
        show_tests: bool, limit: int | None,
    ) -> None:
        from depmap.model import CONFIDENCE_ORDER, in_own_statement
        from depmap.render.json import dumps, usages_document
        from depmap.render.mentions import mentions_json, print_mentions
        from depmap.render.text import print_usages

        index = load_index(path, dialect, obj["debug"], partial=True)
        tables_found, column = resolve_target(index, target)
        index = index.focused(tables_found)
        if column is not None:
            check_column(index, tables_found, column, verb)
        query = getattr(index.graph, verb)
        found = [f for t in tables_found for f in query(t, column)]
        if not direct:
            if verb == "readers":
                found += [f for t in tables_found for f in index.graph.readers_through_views(t, column)]
            found += _under_former_names(index, tables_found, column, query)
        else:
            found = [f for f in found if in_own_statement(f)]
        facts = sorted({id(f): f for f in found}.values(), key=lambda f: f.sort_key())
        facts = [f for f in facts if CONFIDENCE_ORDER[f.confidence] <= CONFIDENCE_ORDER[min_confidence]]
        skipped = index.skipped_with_unparsed()
        label = _label(tables_found, column)
        _, mentions = mentions_or_whole(index, tables_found)  # of the table, whichever column is asked
        if output_format == "json":
            click.echo(dumps({**usages_document(_query(tables_found, column), facts, skipped), **mentions_json(mentions)}), nl=False)
        else:
            title = {"readers": "Code that reads", "writers": "Code that writes"}[verb]
            with terminal_output() as out:
                print_usages(out, f"{title} {label}", facts, skipped, show_columns=column is None, show_tests=show_tests, limit=limit)
                print_mentions(out, mentions, ", ".join(tables_found), list_mentions, limit=limit)

    return command


def _under_former_names(index: Any, tables_found: list[str], column: str | None, query: Callable) -> list:
    """Usages of a name the table had before a rename (`ALTER TABLE records RENAME TO objects`):
    old migrations, fixtures of old schemas, and code that still says the old name. Marked with
    `former_name`; a name that another table holds now is left out."""
    from dataclasses import replace

    found = []
    for table in tables_found:
        for old in index.catalog.history(table).names:
            if old in tables_found or old in index.catalog.tables:
                continue
            found += [replace(f, extra={**f.extra, "former_name": old}) for f in query(old, column)]
    return found


who_reads = _usage_command("who-reads", "readers", "reads")
who_writes = _usage_command("who-writes", "writers", "writes")


@cli.command()
@click.argument("target")
@project_path()
@dialect_option
@format_option("text", "json")
@run_options
@limit_option
@click.pass_obj
def downstream(obj: dict, target: str, path: str, dialect: str | None, output_format: str, limit: int | None) -> None:
    """Views, tables, models and tasks fed by TABLE or TABLE.COLUMN, with the path of each hop."""
    from depmap.render.json import downstream_document, dumps
    from depmap.render.text import print_downstream

    index = load_index(path, dialect, obj["debug"], partial=True)
    tables_found, column = resolve_target(index, target)
    index = index.focused(tables_found)
    if column is not None:
        check_column(index, tables_found, column, "readers")
    hops = [hop for table in tables_found for hop in index.graph.downstream(table, column)]
    if output_format == "json":
        click.echo(dumps(downstream_document(_query(tables_found, column), hops, index.skipped_with_unparsed())), nl=False)
    else:
        label = _label(tables_found, column)
        with terminal_output() as out:
            print_downstream(out, label, hops, limit)


def _target_or_path(function: Callable) -> Callable:
    """`depmap graph DIR` keeps its meaning (the whole graph of the project in DIR): a lone argument
    that names an existing folder is the project, anything else is a TABLE[.COLUMN]."""
    import functools

    @functools.wraps(function)
    def command(*args: Any, target: str | None = None, path_argument: str | None = None, **kwargs: Any) -> Any:
        if target is not None and path_argument is None and Path(target).is_dir():
            target, path_argument = None, target
        return function(*args, target=target, path_argument=path_argument, **kwargs)

    return command


@cli.command()
@click.argument("target", required=False, metavar="[TABLE[.COLUMN]]")
@click.argument("path_argument", required=False, default=None, type=click.Path(), metavar="[PATH]")
@_target_or_path
@project_path(positional=False)
@dialect_option
@format_option("json", "graphml", "dot")
@click.option("--depth", type=click.IntRange(min=1), default=None, metavar="N",
              help="With TABLE: how many hops from it to include (default 1: its readers, writers, definitions and the tables data flows to or from).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), callback=check_outputs, help="Write to FILE instead of stdout.")
@run_options
@click.pass_obj
def graph(obj: dict, target: str | None, path: str, dialect: str | None, output_format: str, depth: int | None, output: str | None) -> None:
    """The dependency graph: tables, columns, code, and reads/writes/defines/flows_to edges; with
    TABLE[.COLUMN], only what lies within --depth hops of it."""
    from depmap.index.stored_index import graph_to_export
    from depmap.render.graph_export import graph_text

    if target is None and depth is not None:
        raise UserError("--depth needs a table: depmap graph TABLE[.COLUMN] --depth N")
    index = load_index(path, dialect, obj["debug"], partial=True)  # the stored rows: a table's neighbourhood, or each fact in turn
    only = None
    focus = None
    if target is not None:
        tables_found, column = resolve_target(index, target)
        index, only = index.around(tables_found, column, depth or 1)  # it holds the tables' own facts: all the check reads
        if column is not None:
            check_column(index, tables_found, column, "readers")
        focus = {**_query(tables_found, column), "depth": depth or 1}
    pieces = graph_text(index.graph if target is not None else graph_to_export(index), output_format, only, focus)
    if not output:
        for piece in pieces:
            click.echo(piece, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as out:
            out.writelines(pieces)
    except OSError as error:
        raise UserError(f"cannot write '{output}': {error.strerror or error}") from None
