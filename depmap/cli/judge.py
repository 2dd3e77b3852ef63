"""Commands that judge a column: `impact` (a proposal), `check` (what migrations add), `explain`.

Registered on the `cli` group of depmap.cli.group; like every command module, they only parse arguments, call the
library and print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from depmap.cli.group import (UserError, check_outputs, cli, dialect_option, load_index, mentions_or_whole, model_target, project_path, project_root, resolve_target,
                              run_option, run_options, terminal_output, write_outputs)

FAIL_ON = click.Choice(["breaking", "warning", "never"])


def _report_options(fail_on: str, default_output: str | None = None, positional_path: bool = True) -> Callable[[Callable], Callable]:
    """The scan, dialect, output and --fail-on options shared by impact, report and check."""
    from depmap.render.outputs import FORMATS

    output_help = "Write the report to FILE; repeat for several formats, each chosen by its suffix (.html, .md, .sarif, .json, .txt)."
    options = [
        project_path(positional_path),
        dialect_option,
        click.option("--server-version", callback=_check_server_version, help="Database server version, e.g. 16 or 8.0.35 (default: [tool.depmap], else what the code says)."),
        click.option("--format", "output_format", type=click.Choice(FORMATS), default=None, help="Output format (default: text, or the suffix of each -o FILE)."),
        click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False), callback=check_outputs,
                     default=(default_output,) if default_output else (), show_default=bool(default_output), help=output_help),
        click.option("--link-base", callback=_check_link_base, help="URL that source paths are appended to in reports, e.g. https://github.com/ORG/REPO/blob/SHA (default: [tool.depmap] link_base)."),
        click.option("--fail-on", type=FAIL_ON, default=fail_on, show_default=True, help="Exit 1 when a finding reaches this severity."),
        run_options,
    ]

    def decorate(function: Callable) -> Callable:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def _check_server_version(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A version number such as 16, 8.0.35 or 16beta1: `-1` or `latest` would be read as some other version."""
    from depmap.config import is_server_version

    if value is not None and not is_server_version(value):
        raise UserError(f"malformed --server-version '{value}'; write a version such as 16 or 8.0.35")
    return value


def _check_link_base(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Reports make clickable links of it: only an http(s) address, refused before the scan."""
    from depmap.config import LINK_BASE_ACCEPTED, is_link_base

    if value is not None and not is_link_base(value):
        raise UserError(f"--link-base '{value}' is not accepted; pass {LINK_BASE_ACCEPTED}")
    return value


def _dialect(index: Any, option: str | None, server_version: str | None, judge_as: str | None = None) -> Any:
    from depmap.dialects.capabilities import Dialect, parse_version

    if judge_as is not None and judge_as != Dialect(index.dialect).family:
        return Dialect(judge_as, parse_version(server_version) if server_version else None, "the verify engine")
    version_text = server_version or getattr(index, "server_version", None) or index.config.server_version
    if server_version is not None and parse_version(server_version) is None:
        raise UserError(f"malformed --server-version '{server_version}'; write a version such as 16 or 8.0.35")
    source = "--dialect" if option else getattr(index, "dialect_source", None) or ("config" if index.config.dialect else "default")
    return Dialect(index.dialect, parse_version(version_text), source)


def _one_table(index: Any, target: str) -> tuple[str, str]:
    """The table and the new column of TABLE.COLUMN (or of a model's attribute, `Customer.nickname`)."""
    from depmap.impact.spec import SpecError, parse_target

    try:
        table_text, column = parse_target(target)
    except SpecError as error:
        raise UserError(str(error)) from None
    model = model_target(index, target)
    if model is not None:
        if model.column is None:
            raise UserError(f"'{target.strip()}' names the model {model.model.class_name}, not a column; write {model.model.class_name}.COLUMN")
        return resolve_target(index, model.table, models=False)[0][0], model.column
    tables, _ = resolve_target(index, table_text, models=False)
    if len(tables) > 1:
        raise UserError(f"table name '{table_text}' matches {', '.join(tables)}; write SCHEMA.TABLE.COLUMN")
    return tables[0], column


def _exit_for(findings: list, fail_on: str) -> None:
    from depmap.impact.finding import reaches

    if reaches(findings, fail_on):
        raise SystemExit(1)


def _run_info(index: Any, link_base: str | None, migrations: tuple[str, ...] = (), problems: tuple[str, ...] = ()) -> Any:
    from depmap.render.run_info import RunInfo, command_line, now_utc

    return RunInfo(
        command=command_line(root=index.root),
        project=index.root.resolve().name,
        started_at=now_utc(),
        link_base=link_base or index.config.link_base,
        migrations=migrations,
        problems=problems,
        skipped=tuple(index.skipped_with_unparsed()),
        files_scanned=index.files_scanned,
    )


def _publish(kind: str, reports: list, index: Any, run: Any, output_format: str | None, outputs: tuple[str, ...]) -> None:
    """Print the report, or write one file per -o in the format its suffix names."""
    from depmap.render.outputs import ReportSet, UnknownSuffix, format_for, print_text, render

    mentions = None
    if kind == "impact":
        index, mentions = mentions_or_whole(index, [reports[0].spec.table])
    bundle = ReportSet(kind, reports, run, index.graph, index.root, mentions)
    if not outputs:
        chosen = output_format or "text"
        if chosen == "text":
            with terminal_output() as out:
                print_text(out, bundle)
            if output_format is None and in_github_actions():
                click.echo(render("github", bundle), nl=False)
        else:
            click.echo(render(chosen, bundle), nl=False)
        return
    try:
        targets = [(path, format_for(path, output_format, len(outputs) == 1)) for path in outputs]
    except UnknownSuffix as error:
        raise UserError(str(error)) from None
    write_outputs(targets, lambda chosen: render(chosen, bundle))


def in_github_actions() -> bool:
    """A GitHub Actions job: its runner turns `::error file=...` lines on stdout into annotations on the diff."""
    import os

    return os.environ.get("GITHUB_ACTIONS") == "true"


def _change(column_type: str | None, not_null: bool, default: str | None, drop: bool, new_name: str | None,
            set_type: str | None, command: str) -> str:
    """Which change the options ask about; --drop, --rename and --set-type exclude each other and
    the options of a new column. `command` is the one that was run, named in the message."""
    from depmap.impact.spec import ADD, DROP, RENAME, SET_TYPE

    chosen = [(flag, change) for flag, change, given in (("--drop", DROP, drop), ("--rename", RENAME, new_name is not None),
                                                         ("--set-type", SET_TYPE, set_type is not None)) if given]
    if len(chosen) > 1:
        raise UserError(f"{chosen[0][0]} and {chosen[1][0]} ask about different changes; run {command} once for each")
    if chosen:
        extra = [name for name, given in (("--type", column_type is not None), ("--not-null", not_null), ("--default", default is not None)) if given]
        if extra:
            raise UserError(f"{extra[0]} describes a new column; {chosen[0][0]} judges an existing one (drop {extra[0]})")
        return chosen[0][1]
    return ADD


def _existing_spec(index: Any, table: str, column: str, change: str, new_name: str | None, set_type: str | None,
                   dialect: Any) -> Any:
    """The spec of a drop, rename or type change of an existing column (exit 2 when it is unknown)."""
    from depmap.impact.spec import RENAME, SET_TYPE, ColumnSpec, SpecError, parse_new_name, parse_type

    known = index.catalog.get(table)
    if known is None or column not in known.columns:
        names = ", ".join(sorted(known.columns)) if known is not None else ""
        raise UserError(f"table '{table}' has no column '{column}'" + (f"; its columns are {names}" if names else ""))
    existing = known.columns[column]
    try:
        if change == RENAME:
            new = parse_new_name(new_name or "")
            if new in known.columns:
                raise UserError(f"{table}.{new} already exists; pick another name for --rename")
            return ColumnSpec(table, column, existing.type, existing.nullable is not False, change=change, new_name=new)
        if change == SET_TYPE:
            from depmap.impact.plan_change import current_sql_type
            from depmap.impact.engine import impact_context

            probe = impact_context(index, ColumnSpec(table, column), dialect)
            old = current_sql_type(probe, existing.type, existing.extra.get("size"))
            new_type = parse_type(set_type, dialect.name)
            return ColumnSpec(table, column, new_type, existing.nullable is not False, change=change, old_type=old)
    except SpecError as error:
        raise UserError(str(error).replace("--type", "--set-type")) from None
    return ColumnSpec(table, column, existing.type, existing.nullable is not False, change=change)


def _impact_reports(obj: dict, target: str, column_type: str | None, not_null: bool, default: str | None, path: str,
                    dialect: str | None, server_version: str | None, change: str = "add", new_name: str | None = None,
                    set_type: str | None = None, judge_as: str | None = None, focused: bool = False) -> tuple[Any, list]:
    """The impact report of one column change. `judge_as` names the engine the findings speak of
    when it is not the project's own (verify on SQLite of a PostgreSQL project): the code is still
    read in the project's dialect. `focused`: an unchanged project answers from the stored rows
    of the table (`Index.for_impact`); a damaged row met on the way means the whole index again."""
    from depmap.impact.spec import SpecError, parse_target
    from depmap.index.linked_store import StoreDamaged

    try:
        parse_target(target)  # a malformed target is reported before the scan
    except SpecError as error:
        raise UserError(str(error)) from None
    index = load_index(path, dialect, obj["debug"], partial=focused)
    chosen = _dialect(index, dialect, server_version, judge_as)
    table, column = _one_table(index, target)
    index = index.for_impact(table) if focused else index
    try:
        judged = _judged(obj, index, table, column, column_type, not_null, default, chosen, change, new_name, set_type)
    except StoreDamaged:
        judged = []
    if getattr(index.store, "damaged", False):  # a rule (or the spec) met a damaged row: judge again on the whole index
        index = index.whole()
        judged = _judged(obj, index, table, column, column_type, not_null, default, chosen, change, new_name, set_type)
    return index, judged


def _judged(obj: dict, index: Any, table: str, column: str, column_type: str | None, not_null: bool, default: str | None,
            chosen: Any, change: str, new_name: str | None, set_type: str | None) -> list:
    """The report of one change of `table`.`column`, suppressions applied."""
    from depmap.impact.engine import impact_context, run_impact
    from depmap.impact.spec import ADD, ColumnSpec, SpecError, parse_default, parse_type

    if change != ADD:
        spec = _existing_spec(index, table, column, change, new_name, set_type, chosen)
        report = run_impact(impact_context(index, spec, chosen), debug=obj["debug"])
        _suppress([report], index)
        return [report]
    try:
        spec = ColumnSpec(table, column, parse_type(column_type, chosen.name), not not_null, parse_default(default, chosen.name))
    except SpecError as error:
        raise UserError(str(error)) from None
    report = run_impact(impact_context(index, spec, chosen), debug=obj["debug"])
    existing = [f for f in report.findings if f.rule == "column-exists"]
    if existing:
        where = existing[0].location
        raise UserError(f"{table}.{column} already exists (defined at {where.path}:{where.line}); pick another name")
    _suppress([report], index)
    return [report]


def _suppress(reports: list, index: Any) -> None:
    """Inline suppressions and the rules configuration, applied to every report (exit 2 on a
    suppression that names no rule, an unknown rule, or no reason)."""
    import difflib

    from depmap.impact.registry import RULES_BY_ID
    from depmap.impact.suppressions import SuppressionError, apply_suppressions

    config = index.config
    for report in reports:
        report.judge_tests = config.judge_test_code
    for rule in [r for r, _ in config.rules] + [r for _, rules in config.per_file_ignores for r in rules]:
        if rule not in RULES_BY_ID:
            close = difflib.get_close_matches(rule, list(RULES_BY_ID), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UserError(f"unknown rule '{rule}' in the [tool.depmap] rules settings{hint}")
    try:
        apply_suppressions(reports, Path(index.root), RULES_BY_ID, dict(config.rules), dict(config.per_file_ignores))
    except SuppressionError as error:
        raise UserError(str(error)) from None
    from depmap.impact.baseline import apply_baseline, load_baseline

    try:
        keys = load_baseline(Path(index.root))
    except ValueError as error:
        raise UserError(str(error)) from None
    if keys is not None:
        apply_baseline(reports, keys)


@cli.command()
@project_path()
@dialect_option
@run_options
@click.pass_obj
def baseline(obj: dict, path: str, dialect: str | None) -> None:
    """Accept today's findings: write .depmap-baseline.json, after which `check` and `impact` report only new ones.

    It records, for every table, the findings any new column would raise about the code that reads
    and writes it (`SELECT *`, positional INSERTs, exposed serializers...), keyed by rule, file and
    statement text (not line). Commit the file; run it again to accept the findings of today.
    """
    from depmap import __version__
    from depmap.impact.baseline import BASELINE_FILE, write_baseline
    from depmap.impact.baseline_run import standing_findings

    root = project_root(path).resolve()
    index = load_index(str(root), dialect, obj["debug"], partial=True)
    if index.store is None and not run_option("no_cache", False):  # just linked whole: judged from the rows it stored
        from depmap.index.build import build_index

        option = index.dialect if index.dialect_source == "option" else None
        del index
        index = build_index(root, dialect=option, debug=obj["debug"], use_cache=True, partial=True)
    chosen = _dialect(index, dialect, None)
    tables = len(index.catalog.tables)
    findings = list(standing_findings(index, chosen, obj["debug"]))
    count = write_baseline(root, findings, __version__)
    click.echo(f"depmap: wrote {BASELINE_FILE}: {count} finding(s) of {tables} table(s) accepted", err=True)


def _column_options(function: Callable) -> Callable:
    function = click.option("--set-type", "set_type", metavar="TYPE", help="Judge changing the existing column's type to TYPE instead, e.g. varchar(64).")(function)
    function = click.option("--rename", "new_name", metavar="NEW_NAME", help="Judge renaming the existing column to NEW_NAME instead.")(function)
    function = click.option("--drop", is_flag=True, help="Judge dropping the existing column instead: who still uses it, and the plan.")(function)
    function = click.option("--default", "default", help="Default expression, e.g. 0, \"'new'\", now().")(function)
    function = click.option("--not-null", is_flag=True, help="The column is NOT NULL.")(function)
    function = click.option("--type", "column_type", help="SQL type of the new column, e.g. text, integer, varchar(20).")(function)
    return click.argument("target")(function)


@cli.command()
@_column_options
@_report_options(fail_on="never")
@click.pass_obj
def impact(obj: dict, target: str, column_type: str | None, not_null: bool, default: str | None, drop: bool,
           new_name: str | None, set_type: str | None, path: str, dialect: str | None, server_version: str | None,
           output_format: str | None, outputs: tuple[str, ...], link_base: str | None, fail_on: str) -> None:
    """What adding TABLE.COLUMN breaks (or dropping, renaming or retyping it), and how to roll it out."""
    change = _change(column_type, not_null, default, drop, new_name, set_type, "impact")
    index, reports = _impact_reports(obj, target, column_type, not_null, default, path, dialect, server_version, change,
                                     new_name, set_type, focused=True)
    _publish("impact", reports, index, _run_info(index, link_base), output_format, outputs)
    _exit_for(reports[0].judged, fail_on)


@cli.command()
@_column_options
@_report_options(fail_on="never", default_output="impact.html")
@click.pass_obj
def report(obj: dict, target: str, column_type: str | None, not_null: bool, default: str | None, drop: bool,
           new_name: str | None, set_type: str | None, path: str, dialect: str | None, server_version: str | None,
           output_format: str | None, outputs: tuple[str, ...], link_base: str | None, fail_on: str) -> None:
    """`impact` as a self-contained HTML page to attach to a pull request (-o impact.html)."""
    change = _change(column_type, not_null, default, drop, new_name, set_type, "report")
    index, reports = _impact_reports(obj, target, column_type, not_null, default, path, dialect, server_version, change,
                                     new_name, set_type, focused=True)
    _publish("impact", reports, index, _run_info(index, link_base), output_format or "html", outputs)
    _exit_for(reports[0].judged, fail_on)


@cli.command()
@click.argument("migrations", nargs=-1, type=click.Path())
@click.option("--diff", "base_ref", help="Check the migrations added or changed since this git ref (e.g. origin/main).")
@_report_options(fail_on="breaking", positional_path=False)
@click.pass_obj
def check(obj: dict, migrations: tuple[str, ...], base_ref: str | None, path: str, dialect: str | None, server_version: str | None,
          output_format: str | None, outputs: tuple[str, ...], link_base: str | None, fail_on: str) -> None:
    """Impact of every column the MIGRATIONS add (SQL, Alembic, Django), or those changed since --diff REF."""
    if not migrations and not base_ref:
        raise UserError("name migration files to check, or pass --diff BASE_REF (e.g. --diff origin/main)")
    root = project_root(path).resolve()
    checked, changed_lines = migration_inputs(root, migrations, base_ref)
    index = load_index(str(root), dialect, obj["debug"], partial=True)
    chosen = _dialect(index, dialect, server_version)
    index, reports, problems = _checked(obj, index, checked, changed_lines, chosen)
    run = _run_info(index, link_base, tuple(checked), tuple(problems))
    _publish("check", reports, index, run, output_format, outputs)
    _exit_for([f for report in reports for f in report.judged], fail_on)


def _checked(obj: dict, index: Any, checked: list[str], changed_lines: dict, chosen: Any) -> tuple[Any, list, list[str]]:
    """(the index judged on, the reports of the migrations, the problems). An unchanged project
    reads only the rows the migrations' tables need (`depmap.index.check_index`); a damaged row
    met on the way means the whole index again."""
    from depmap.index.linked_store import StoreDamaged

    if index.store is None:
        return (index, *_check_reports(obj, index, checked, changed_lines, chosen))

    judged = None
    try:
        focused = migrations_focused(index, checked, changed_lines, chosen)
        judged = (focused, *_check_reports(obj, focused, checked, changed_lines, chosen))
    except StoreDamaged:
        judged = None
    if judged is None or index.store.damaged:
        index = index.whole()
        return (index, *_check_reports(obj, index, checked, changed_lines, chosen))
    return judged


def migrations_focused(index: Any, checked: list[str], changed_lines: dict, chosen: Any) -> Any:
    """`index` (a partial index) with what judging the migrations reads: the catalog before them
    and what `impact` reads of each table they touch (`depmap.index.check_index`). StoreDamaged
    when a row is damaged."""
    from depmap.index.check_index import migrations_index, named_tables, with_tables

    first = migrations_index(index, checked)
    tables = named_tables(first, checked)
    if tables is None:  # an index dropped by name: its table is found in the catalog before the change
        specs, _ = _column_specs(first, checked, changed_lines, chosen)
        tables = {spec.table for spec in specs} | {ctx.table for ctx in _operations(first, checked, changed_lines, chosen)}
    return with_tables(first, tables)


def _column_specs(index: Any, checked: list[str], changed_lines: dict, chosen: Any) -> tuple[list, list[str]]:
    """The columns the migrations add, drop, rename or retype, and the problems of the files."""
    from depmap.impact.migration_specs import specs_from_migrations

    specs, problems = specs_from_migrations(index, checked, changed_lines)
    return _with_column_changes(index, checked, changed_lines, chosen, specs, problems)


def _check_reports(obj: dict, index: Any, checked: list[str], changed_lines: dict, chosen: Any) -> tuple[list, list[str]]:
    """The reports of every column and schema operation of the migrations, suppressions applied."""
    from depmap.impact.engine import impact_context, run_impact

    specs, problems = _column_specs(index, checked, changed_lines, chosen)
    changed = {spec.origin.path for spec in specs if spec.origin is not None}
    reports = [run_impact(impact_context(index, spec, chosen, changed), debug=obj["debug"]) for spec in specs]
    operations, problems = _operation_reports(index, checked, changed_lines, chosen, problems, obj["debug"])
    reports += operations
    _suppress(reports, index)
    return reports, problems


def _operations(index: Any, checked: list[str], changed_lines: dict, chosen: Any) -> list:
    """The judged schema operations of the migrations (`operation_context.operations_in`)."""
    from depmap.impact.engine import catalog_before
    from depmap.impact.operation_context import operations_in

    return operations_in(index, checked, changed_lines, chosen, catalog_before(index, checked))


def _with_column_changes(index: Any, checked: list[str], changed_lines: dict, chosen: Any, specs: list,
                         problems: list[str]) -> tuple[list, list[str]]:
    """The columns the migrations drop, rename or retype, judged like the columns they add; a file
    that only does that no longer reports "adds no column"."""
    from depmap.impact.change_specs import change_specs
    from depmap.impact.engine import catalog_before

    changes = change_specs(index, checked, changed_lines, chosen, catalog_before(index, checked))
    paths = {spec.origin.path for spec in changes if spec.origin is not None}
    kept = [problem for problem in problems if problem.split(": ", 1)[0] not in paths]
    ordered = sorted(specs + changes, key=lambda s: (checked.index(s.origin.path) if s.origin is not None and s.origin.path in checked else 0,
                                                     s.origin.line if s.origin is not None else 0))
    return ordered, kept


def _operation_reports(index: Any, checked: list[str], changed_lines: dict, chosen: Any, problems: list[str],
                       debug: bool) -> tuple[list, list[str]]:
    """The other schema operations of the migrations (indexes, constraints, SET NOT NULL): a
    report for each one with findings; a file that adds no column but has such operations says
    so instead of "adds no column"."""
    from depmap.impact.engine import run_operation

    contexts = _operations(index, checked, changed_lines, chosen)
    judged = [run_operation(ctx, debug=debug) for ctx in contexts]
    reports = [report for report in judged if report.findings or report.errors]
    paths = {ctx.path for ctx in contexts}
    kept = []
    for problem in problems:
        path = problem.split(": ", 1)[0]
        if path not in paths:
            kept.append(problem)
        elif not any(r.operation.location.path == path for r in reports):
            count = sum(1 for ctx in contexts if ctx.path == path)
            kept.append(f"{path}: adds no column; depmap found no lock hazard in its {count} other schema operation(s)")
    return reports, kept


def migration_inputs(root: Path, migrations: tuple[str, ...], base_ref: str | None) -> tuple[list[str], dict[str, frozenset[int] | None]]:
    """The migrations to judge (named files, and those changed since `base_ref`), relative to
    `root`, and the lines the branch changed in each file git found (named files count whole)."""
    paths = [_relative_to_root(root, item) for item in migrations]
    changed_lines: dict[str, frozenset[int] | None] = {}
    if base_ref:
        from depmap.impact.git_changes import GitError, changed_lines as lines_changed, changed_migrations

        try:
            from_git = changed_migrations(root, base_ref)
            changed_lines = {p: lines for p, lines in lines_changed(root, base_ref, from_git).items() if p not in paths}
        except GitError as error:
            raise UserError(str(error)) from None
        paths += from_git
    return sorted(set(paths)), changed_lines


def _relative_to_root(root: Path, item: str) -> str:
    candidate = Path(item)
    if not candidate.exists():
        raise UserError(f"migration '{item}' does not exist")
    if not candidate.is_file():
        raise UserError(f"'{item}' is not a file; name migration files (or use --diff BASE_REF)")
    try:
        return candidate.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UserError(f"migration '{item}' is outside the project folder {root}; pass --path") from None


@cli.command()
@click.argument("rule_id", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="text: rendered on a terminal, the Markdown as written in a pipe; markdown: the Markdown document.")
def explain(rule_id: str | None, output_format: str) -> None:
    """The documentation of an impact rule (all rules when RULE_ID is omitted)."""
    from depmap.impact.registry import RULES, RULES_BY_ID
    from depmap.render.rule_docs import print_rule, rule_markdown, rule_plain, rules_markdown, rules_plain
    from depmap.render.text import console

    if rule_id is None:
        click.echo(rules_markdown(RULES) if output_format == "markdown" else rules_plain(RULES), nl=False)
        return
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(rule_id, list(RULES_BY_ID), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `depmap explain` lists them"
        raise UserError(f"unknown rule '{rule_id}'{hint}")
    out = console()
    if output_format == "markdown":
        click.echo(rule_markdown(rule), nl=False)
    elif out.is_terminal:
        print_rule(out, rule)
    else:
        click.echo(rule_plain(rule), nl=False)
