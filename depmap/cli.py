"""Command line: parse arguments, call the library, print. No analysis happens here.

Exit codes: 0 ok; 1 a --fail-on threshold was reached; 2 usage error or bad input (unknown
table, malformed spec, missing path), with one line saying what to do; 3 an internal error
(a bug in depmap: the traceback is shown with --debug).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import click

from depmap import __version__
from depmap.config import known_dialects

EXIT_USAGE = 2
EXIT_INTERNAL = 3


class UserError(click.ClickException):
    """Bad input from the user: one line, exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"depmap: {self.message}", err=True)


def _dialect_option(function: Callable) -> Callable:
    return click.option(
        "--dialect",
        default=None,
        help="SQL dialect of the project (default: [tool.depmap] dialect, else what the code says, else postgres).",
    )(function)


def _format_option(*choices: str) -> Callable[[Callable], Callable]:
    return click.option("--format", "output_format", type=click.Choice(choices), default=choices[0], show_default=True)


def _check_dialect(dialect: str | None) -> str | None:
    if dialect is None:
        return None
    names = known_dialects()
    if dialect.lower() not in names:
        raise UserError(f"unknown dialect '{dialect}'; use one of: {', '.join(names)}")
    return dialect.lower()


def _root(path: str) -> Path:
    root = Path(path)
    if not root.exists():
        raise UserError(f"path '{path}' does not exist; pass the folder of the project to scan")
    if not root.is_dir():
        raise UserError(f"path '{path}' is not a folder; pass the folder of the project to scan")
    return root


def verbosity() -> int:
    """-1 with --quiet, 1 with --verbose, else 0 (whichever of the group and the command said it)."""
    return run_option("verbosity", 0)


def _set_option(key: str, flag_value: Any = None) -> Callable[[click.Context, click.Parameter, Any], None]:
    """Store an option given to the group or to the command in the root context; a flag stores
    `flag_value` when given."""

    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value not in (None, False):  # not given here: the group's value (or the default) stands
            root = ctx.find_root()
            root.obj = {**(root.obj or {}), key: value if flag_value is None else flag_value}

    return callback


def run_option(key: str, default: Any = None) -> Any:
    """An option given to the group or to the command (`depmap --jobs 2 scan` or `depmap scan --jobs 2`)."""
    context = click.get_current_context(silent=True)
    obj = context.find_root().obj if context is not None else None
    return (obj or {}).get(key, default)


def run_options(function: Callable) -> Callable:
    """-q/--quiet (errors only: no progress, warnings or notices), -v/--verbose (timings, skipped
    files), -j/--jobs (scan processes) and --no-cache, on the group and on every scanning command."""
    function = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, expose_value=False, callback=_set_option("jobs"),
                            help="Processes that scan files (default: every core).")(function)
    function = click.option("--no-cache", is_flag=True, default=None, expose_value=False, callback=_set_option("no_cache"),
                            help="Scan every file again, ignoring and not updating .depmap/cache.sqlite.")(function)
    function = click.option("-v", "--verbose", is_flag=True, expose_value=False, is_eager=False, callback=_set_option("verbosity", 1),
                            help="Also print each phase's time and every skipped file on stderr.")(function)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_option("verbosity", -1),
                        help="Print errors only: no progress bar, warnings or notices.")(function)


def _index(path: str, dialect: str | None, debug: bool):
    from depmap.project import build_index
    from depmap.render.text import console

    root = _root(path)
    err = console(stderr=True)
    level = verbosity()
    options = {"jobs": run_option("jobs"), "use_cache": not run_option("no_cache", False)}
    scan = lambda progress: build_index(root, dialect=_check_dialect(dialect), debug=debug, progress=progress, **options)  # noqa: E731
    index = scan(None) if level < 0 else _with_progress(err, scan)
    if level >= 0:
        for warning in index.warnings:
            err.print(f"depmap: warning: {warning}", markup=False, highlight=False)
    if level > 0:
        _print_scan_details(err, index)
    return index


def _print_scan_details(err: Any, index: Any) -> None:
    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in index.timings.items())
    cached = index.files_scanned - index.files_parsed
    err.print(f"depmap: scanned {index.files_scanned} files of {index.root}, {cached} from the cache ({phases})", markup=False, highlight=False)
    err.print(f"depmap: dialect {index.dialect} (from {index.dialect_source})", markup=False, highlight=False)
    for item in index.skipped_with_unparsed():
        err.print(f"depmap: skipped {item.path}: {item.reason}", markup=False, highlight=False)


def _with_progress(err: Any, run: Callable[[Any], Any]) -> Any:
    """A progress bar on an interactive terminal for scans of more than a few hundred files."""
    if not err.is_terminal:
        return run(None)
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("scanning", total=None)

        def progress(done: int, total: int) -> None:
            if total >= 300:
                bar.update(task, completed=done, total=total)

        return run(progress)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="depmap")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@run_options
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """depmap: find what reads and writes each table column before you change the schema."""
    ctx.obj = {**(ctx.obj or {}), "debug": debug}


@cli.command()
@click.argument("path", default=".", type=click.Path(file_okay=True, dir_okay=True))
@_dialect_option
@_format_option("text", "json")
@run_options
@click.pass_obj
def scan(obj: dict, path: str, dialect: str | None, output_format: str) -> None:
    """Scan PATH and print a summary of what was found."""
    from depmap.model import ACCESS
    from depmap.render.json import dumps
    from depmap.render.text import console, print_skipped

    index = _index(path, dialect, obj["debug"])
    accesses = Counter(f.access for f in index.facts if f.kind == ACCESS)
    summary = {
        "schema_version": 1,
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
@click.argument("path", default=".", type=click.Path())
@_dialect_option
@_format_option("text", "json")
@run_options
@click.pass_obj
def tables(obj: dict, path: str, dialect: str | None, output_format: str) -> None:
    """Known tables and columns, and where each is defined."""
    from depmap.render.json import dumps
    from depmap.render.text import console, print_tables

    index = _index(path, dialect, obj["debug"])
    if output_format == "json":
        click.echo(dumps(index.catalog.to_json()), nl=False)
    else:
        print_tables(console(), index.catalog)


def _target_parts(target: str) -> list[str]:
    text = target.strip()
    parts = text.split(".")
    if not text or any(not p.strip() or " " in p.strip() for p in parts) or len(parts) > 4:
        raise UserError(f"malformed target '{target}'; write TABLE or TABLE.COLUMN, e.g. orders.status")
    return parts


def _resolve_target(index: Any, target: str) -> tuple[list[str], str | None]:
    """TABLE, TABLE.COLUMN or SCHEMA.TABLE[.COLUMN]: the longest prefix naming a known table wins."""
    parts = _target_parts(target)
    known = list(index.catalog.tables)
    for cut in range(len(parts), 0, -1):
        table, column = ".".join(parts[:cut]), ".".join(parts[cut:]) or None
        if column is not None and "." in column:
            continue
        found = index.graph.resolve_table(table, known)
        if found:
            return found, column.lower() if column else None
    name = parts[0] if len(parts) <= 2 else ".".join(parts[:-1])
    matches = index.graph.close_matches(name, known)
    hint = f"; did you mean {', '.join(matches)}?" if matches else ""
    count = len(set(index.graph.tables()) | set(known))
    raise UserError(f"unknown table '{name}'{hint} ({count} tables known; `depmap tables` lists them)")


def _usage_command(name: str, verb: str, noun: str) -> Callable:
    @cli.command(name, help=f"Code that {noun} TABLE or TABLE.COLUMN, grouped by file, with lines.")
    @click.argument("target")
    @click.option("--path", default=".", type=click.Path(), help="Project folder to scan.", show_default=True)
    @_dialect_option
    @_format_option("text", "json")
    @run_options
    @click.option(
        "--min-confidence",
        type=click.Choice(["low", "medium", "high"]),
        default="low",
        show_default=True,
        help="Hide usages below this confidence.",
    )
    @click.pass_obj
    def command(obj: dict, target: str, path: str, dialect: str | None, output_format: str, min_confidence: str) -> None:
        from depmap.model import CONFIDENCE_ORDER
        from depmap.render.json import dumps, usages_document
        from depmap.render.text import console, print_usages

        index = _index(path, dialect, obj["debug"])
        tables_found, column = _resolve_target(index, target)
        if column is not None:
            _check_column(index, tables_found, column, verb)
        query = getattr(index.graph, verb)
        facts = sorted(
            {id(f): f for t in tables_found for f in query(t, column)}.values(), key=lambda f: f.sort_key()
        )
        facts = [f for f in facts if CONFIDENCE_ORDER[f.confidence] <= CONFIDENCE_ORDER[min_confidence]]
        skipped = index.skipped_with_unparsed()
        label = ", ".join(tables_found) + (f".{column}" if column else "")
        if output_format == "json":
            query_doc = {"table": tables_found[0] if len(tables_found) == 1 else tables_found, "column": column}
            click.echo(dumps(usages_document(query_doc, facts, skipped)), nl=False)
        else:
            title = {"readers": "Code that reads", "writers": "Code that writes"}[verb]
            print_usages(console(), f"{title} {label}", facts, skipped, show_columns=column is None)

    return command


def _check_column(index: Any, tables_found: list[str], column: str, verb: str) -> None:
    """A column neither defined nor used anywhere is most likely a typo: say so, exit 2."""
    defined: set[str] = set()
    for name in tables_found:
        table = index.catalog.get(name)
        if table is None or not table.columns:
            return  # no definition known: the code is the only evidence, so just search it
        defined.update(table.columns)
    if column in defined:
        return
    used = any(column in f.columns for t in tables_found for f in index.graph.readers(t) + index.graph.writers(t))
    if used:
        return
    import difflib

    matches = difflib.get_close_matches(column, sorted(defined), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(matches)}?" if matches else f"; its columns are {', '.join(sorted(defined))}"
    raise UserError(f"table '{tables_found[0]}' has no column '{column}'{hint}")


who_reads = _usage_command("who-reads", "readers", "reads")
who_writes = _usage_command("who-writes", "writers", "writes")


@cli.command()
@click.argument("target")
@click.option("--path", default=".", type=click.Path(), help="Project folder to scan.", show_default=True)
@_dialect_option
@_format_option("text", "json")
@run_options
@click.pass_obj
def downstream(obj: dict, target: str, path: str, dialect: str | None, output_format: str) -> None:
    """Views, tables, models and tasks fed by TABLE or TABLE.COLUMN, with the path of each hop."""
    from depmap.render.json import downstream_document, dumps
    from depmap.render.text import console, print_downstream

    index = _index(path, dialect, obj["debug"])
    tables_found, column = _resolve_target(index, target)
    if column is not None:
        _check_column(index, tables_found, column, "readers")
    hops = [hop for table in tables_found for hop in index.graph.downstream(table, column)]
    if output_format == "json":
        query = {"table": tables_found[0] if len(tables_found) == 1 else tables_found, "column": column}
        click.echo(dumps(downstream_document(query, hops, index.skipped_with_unparsed())), nl=False)
    else:
        label = ", ".join(tables_found) + (f".{column}" if column else "")
        print_downstream(console(), label, hops)


@cli.command()
@click.option("--path", default=".", type=click.Path(), help="Project folder to scan.", show_default=True)
@_dialect_option
@_format_option("json", "graphml", "dot")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE instead of stdout.")
@run_options
@click.pass_obj
def graph(obj: dict, path: str, dialect: str | None, output_format: str, output: str | None) -> None:
    """The dependency graph: tables, columns, code, and reads/writes/defines/flows_to edges."""
    from depmap.render.json import dumps
    from depmap.render.templates import render

    index = _index(path, dialect, obj["debug"])
    if output_format == "json":
        text = dumps(index.graph.node_link())
    elif output_format == "graphml":
        text = index.graph.graphml() + "\n"
    else:
        text = render("graph.dot.j2", **index.graph.node_link())
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("depmap: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code if isinstance(error, UserError) else EXIT_USAGE)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:  # a bug in depmap, not the user's fault
        if debug:
            raise
        click.echo(f"depmap: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(0)


from depmap import cli_impact  # noqa: E402,F401  registers impact, check and explain
