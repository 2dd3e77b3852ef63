"""What every command shares: the `cli` group they register on, the options they take, loading
the index with progress and warnings, and reading a TABLE[.COLUMN] target.

Imports the library lazily (inside functions), so that `depmap --help` stays fast; imports no
other command module.
"""

from __future__ import annotations

import functools

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
        from depmap.render.printable import printable

        click.echo(f"depmap: {printable(self.message)}", err=True)


def dialect_option(function: Callable) -> Callable:
    return click.option(
        "--dialect",
        default=None,
        help="SQL dialect of the project (default: [tool.depmap] dialect, else what the code says, else postgres).",
    )(function)


def format_option(*choices: str) -> Callable[[Callable], Callable]:
    return click.option("--format", "output_format", type=click.Choice(choices), default=choices[0], show_default=True)


def check_dialect(dialect: str | None) -> str | None:
    if dialect is None:
        return None
    names = known_dialects()
    if dialect.lower() not in names:
        raise UserError(f"unknown dialect '{dialect}'; use one of: {', '.join(names)}")
    return dialect.lower()


ROOT_MARKERS = ("pyproject.toml", ".depmap.toml", ".git")


def project_path(positional: bool = True) -> Callable[[Callable], Callable]:
    """The project folder, taken the same way by every command: `--path DIR`, or (when the command
    has room for it) a last positional PATH. Neither given: the nearest folder above the current
    one that holds a pyproject.toml, .depmap.toml or .git (as ruff and pytest find theirs), else
    the current folder. Both given and different is a usage error."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def command(*args: Any, path_argument: str | None = None, path: str | None = None, **kwargs: Any) -> Any:
            if path_argument is not None and path is not None and Path(path_argument).resolve() != Path(path).resolve():
                raise UserError(f"two project folders given ('{path_argument}' and --path '{path}'); pass one")
            chosen = path_argument if path_argument is not None else path
            return function(*args, path=chosen if chosen is not None else str(_nearest_root(Path.cwd())), **kwargs)

        command = click.option("--path", "path", default=None, type=click.Path(),
                               help="Project folder to scan (default: the nearest folder above with a pyproject.toml, .depmap.toml or .git).")(command)
        if positional:
            command = click.argument("path_argument", required=False, default=None, type=click.Path(), metavar="[PATH]")(command)
        return command

    return decorate


def _nearest_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


def project_root(path: str) -> Path:
    if not path.strip():
        raise UserError("empty project path; pass the folder of the project to scan (. for the current folder)")
    root = Path(path)
    if not root.exists():
        raise UserError(f"path '{path}' does not exist; pass the folder of the project to scan")
    if not root.is_dir():
        raise UserError(f"path '{path}' is not a folder; pass the folder of the project to scan")
    return root


def check_outputs(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    """Each -o FILE must be writable where it is named: said before the scan, not after it."""
    for path in (value,) if isinstance(value, str) else value or ():
        if not path.strip():
            raise UserError("empty -o file name; name the file to write after -o")
        folder = Path(path).parent
        if not folder.exists():
            raise UserError(f"cannot write '{path}': folder '{folder}' does not exist; create it or name a file in an existing folder")
        if not folder.is_dir():
            raise UserError(f"cannot write '{path}': '{folder}' is not a folder; name a file in an existing folder")
    return value


def write_outputs(targets: list[tuple[str, str]], render: Callable[[str], str]) -> None:
    """Each (file, format) written with `render(format)`, and said on stderr unless --quiet."""
    from depmap.render.printable import printable

    for path, chosen in targets:
        try:
            Path(path).write_text(render(chosen), encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write '{path}': {error.strerror or error}") from None
        if verbosity() >= 0:
            click.echo(f"depmap: wrote {chosen} report to {printable(path)}", err=True)


def verbosity() -> int:
    """-1 with --quiet, 1 with --verbose, else 0 (whichever of the group and the command said it)."""
    return run_option("verbosity", 0)


def set_option(key: str, flag_value: Any = None) -> Callable[[click.Context, click.Parameter, Any], None]:
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
    files), -j/--jobs (scan processes), --no-cache and --no-pager, on the group and on every scanning command."""
    function = click.option("--no-pager", is_flag=True, default=None, expose_value=False, callback=set_option("no_pager"),
                            help="Print long output straight to the terminal instead of through $PAGER (less).")(function)
    function = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, expose_value=False, callback=set_option("jobs"),
                            help="Processes that scan files (default: every core).")(function)
    function = click.option("--no-cache", is_flag=True, default=None, expose_value=False, callback=set_option("no_cache"),
                            help="Scan every file again, ignoring and not updating .depmap/cache.sqlite.")(function)
    function = click.option("-v", "--verbose", is_flag=True, expose_value=False, is_eager=False, callback=set_option("verbosity", 1),
                            help="Also print each phase's time and every skipped file on stderr.")(function)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=set_option("verbosity", -1),
                        help="Print errors only: no progress bar, warnings or notices.")(function)


def terminal_output() -> Any:
    """The console a command prints its text output on: paged when taller than the terminal, unless --no-pager."""
    from depmap.render.pager import paged

    return paged(enabled=not run_option("no_pager", False))


def load_index(path: str, dialect: str | None, debug: bool, partial: bool = False):
    """The project's index; `partial` when the command asks about the tables it names only, and
    calls `index.focused(tables)` before asking (an unchanged project then reads only their rows)."""
    from depmap.index.build import build_index
    from depmap.render.printable import printable
    from depmap.render.text import console

    root = project_root(path)
    err = console(stderr=True)
    level = verbosity()
    options = {"jobs": run_option("jobs"), "use_cache": not run_option("no_cache", False), "partial": partial}
    scan = lambda progress: build_index(root, dialect=check_dialect(dialect), debug=debug, progress=progress, **options)  # noqa: E731
    index = scan(None) if level < 0 else _with_progress(err, scan)
    if level >= 0:
        from depmap.index.notices import dialect_notes_to_show

        notes = index.dialect_notes if level > 0 else dialect_notes_to_show(index.root, index.dialect, index.server_version, index.dialect_notes)
        for warning in [*index.warnings, *notes]:
            err.print(f"depmap: warning: {printable(warning)}", markup=False, highlight=False)
    if level > 0:
        _print_scan_details(err, index)
    return index


def _print_scan_details(err: Any, index: Any) -> None:
    from depmap.render.printable import printable

    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in index.timings.items())
    cached = index.files_scanned - index.files_parsed
    err.print(f"depmap: scanned {index.files_scanned} files of {printable(index.root)}, {cached} from the cache ({phases})", markup=False, highlight=False)
    if index.relinked:
        err.print(f"depmap: relinked {index.relinked}", markup=False, highlight=False)
    err.print(f"depmap: dialect {index.dialect} (from {index.dialect_source})", markup=False, highlight=False)
    for item in index.skipped_with_unparsed():
        err.print(f"depmap: skipped {printable(item.path)}: {printable(item.reason)}", markup=False, highlight=False)


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

def target_parts(target: str, most: int | None = 4) -> list[str]:
    """The dot-separated parts of a target; at most `most` (a model's qualified name may have more)."""
    text = target.strip()
    parts = text.split(".")
    if not text or any(not p.strip() or " " in p.strip() for p in parts) or (most is not None and len(parts) > most):
        raise UserError(f"malformed target '{target}'; write TABLE[.COLUMN] or Model[.field], e.g. orders.status")
    return parts

def resolve_target(index: Any, target: str, also_known: Any = (), models: bool = True) -> tuple[list[str], str | None]:
    """TABLE, TABLE.COLUMN or SCHEMA.TABLE[.COLUMN]: the longest prefix naming a known table wins
    (known: the catalog's tables, the graph's, and `also_known`, e.g. tables only a history names).
    A target written as an ORM model (`Customer.email`, `customers.Customer.email`,
    `shop.models.Customer.email`) is its table and column: every command that takes a
    TABLE[.COLUMN] reads it here, so models resolve the same way everywhere."""
    known = list(dict.fromkeys([*index.catalog.tables, *also_known]))
    model = model_target(index, target) if models else None
    if model is not None:
        return index.graph.resolve_table(model.table, known) or [model.table], model.column
    parts = target_parts(target)
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


def model_target(index: Any, target: str) -> Any:
    """The ModelTarget an ORM model target names (None for a table), from the registry the linker
    builds (never a second scan); what it resolved to is said on stderr, unless --quiet."""
    from depmap.orm.model_targets import ModelTargetError, resolve_model_target, split_model_target
    from depmap.orm.registry import Registry
    from depmap.render.printable import printable

    parts = [part.strip() for part in target_parts(target, most=None)]
    class_names = index.model_class_names()
    if split_model_target(parts, class_names) is None:
        return None  # no part is a model's class name: a table (the registry is built only for a model)
    try:
        found = resolve_model_target(index.registry() if hasattr(index, "registry") else Registry.build(index.facts), parts)
    except ModelTargetError as error:
        raise UserError(str(error)) from None
    if found is not None and verbosity() >= 0:
        click.echo(f"depmap: {printable(found.describe(target.strip()))}", err=True)
    return found


def check_column(index: Any, tables_found: list[str], column: str, verb: str) -> None:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="depmap")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@run_options
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """depmap: find what reads and writes each table column before you change the schema."""
    ctx.obj = {**(ctx.obj or {}), "debug": debug}


def mentions_or_whole(index: Any, tables: list[str]) -> tuple[Any, Any]:
    """The mention search of `tables` and the index that answered it: the whole index when a
    stored row only the search reads (a file's spans or facts) is damaged."""
    from depmap.index.linked_store import StoreDamaged
    from depmap.mentions import find_mentions

    try:
        return index, find_mentions(index, tables)
    except StoreDamaged:
        whole = index.whole()
        return whole, find_mentions(whole, tables)
