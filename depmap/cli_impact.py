"""Commands that judge a column: `impact` (a proposal), `check` (what migrations add), `explain`.

Registered on the `cli` group by depmap.cli; like it, they only parse arguments, call the
library and print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from depmap.cli import UserError, _dialect_option, _index, _resolve_target, _root, cli

FAIL_ON = click.Choice(["breaking", "warning", "never"])
IMPACT_FORMATS = ("text", "json")


def _report_options(fail_on: str) -> Callable[[Callable], Callable]:
    """--path, --dialect, --server-version, --format, -o and --fail-on, shared by impact and check."""
    options = [
        click.option("--path", default=".", type=click.Path(), help="Project folder to scan.", show_default=True),
        _dialect_option,
        click.option("--server-version", help="Database server version, e.g. 16 or 8.0.35 (default: [tool.depmap], else what the code says)."),
        click.option("--format", "output_format", type=click.Choice(IMPACT_FORMATS), default="text", show_default=True),
        click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE."),
        click.option("--fail-on", type=FAIL_ON, default=fail_on, show_default=True, help="Exit 1 when a finding reaches this severity."),
    ]

    def decorate(function: Callable) -> Callable:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def _dialect(index: Any, option: str | None, server_version: str | None) -> Any:
    from depmap.dialects import Dialect, parse_version

    version_text = server_version or getattr(index, "server_version", None) or index.config.server_version
    if server_version is not None and parse_version(server_version) is None:
        raise UserError(f"malformed --server-version '{server_version}'; write a version such as 16 or 8.0.35")
    source = "--dialect" if option else getattr(index, "dialect_source", None) or ("config" if index.config.dialect else "default")
    return Dialect(index.dialect, parse_version(version_text), source)


def _one_table(index: Any, target: str) -> tuple[str, str]:
    from depmap.impact.spec import SpecError, parse_target

    try:
        table_text, column = parse_target(target)
    except SpecError as error:
        raise UserError(str(error)) from None
    tables, _ = _resolve_target(index, table_text)
    if len(tables) > 1:
        raise UserError(f"table name '{table_text}' matches {', '.join(tables)}; write SCHEMA.TABLE.COLUMN")
    return tables[0], column


def _emit(report_text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(report_text, encoding="utf-8")
    else:
        click.echo(report_text, nl=False)


def _exit_for(findings: list, fail_on: str) -> None:
    from depmap.impact.finding import reaches

    if reaches(findings, fail_on):
        raise SystemExit(1)


@cli.command()
@click.argument("target")
@click.option("--type", "column_type", help="SQL type of the new column, e.g. text, integer, varchar(20).")
@click.option("--not-null", is_flag=True, help="The column is NOT NULL.")
@click.option("--default", "default", help="Default expression, e.g. 0, \"'new'\", now().")
@_report_options(fail_on="never")
@click.pass_obj
def impact(obj: dict, target: str, column_type: str | None, not_null: bool, default: str | None, path: str,
           dialect: str | None, server_version: str | None, output_format: str, output: str | None, fail_on: str) -> None:
    """What adding TABLE.COLUMN breaks, what changes behaviour, and how to roll it out."""
    from depmap.impact.engine import impact_context, run_impact
    from depmap.impact.spec import ColumnSpec, SpecError, parse_default, parse_target, parse_type

    try:
        parse_target(target)  # a malformed target is reported before the scan
    except SpecError as error:
        raise UserError(str(error)) from None
    index = _index(path, dialect, obj["debug"])
    chosen = _dialect(index, dialect, server_version)
    table, column = _one_table(index, target)
    try:
        spec = ColumnSpec(table, column, parse_type(column_type, chosen.name), not not_null, parse_default(default, chosen.name))
    except SpecError as error:
        raise UserError(str(error)) from None
    report = run_impact(impact_context(index, spec, chosen), debug=obj["debug"])
    existing = [f for f in report.findings if f.rule == "column-exists"]
    if existing:
        where = existing[0].location
        raise UserError(f"{table}.{column} already exists (defined at {where.path}:{where.line}); pick another name")
    _render(report, index, output_format, output)
    _exit_for(report.findings, fail_on)


def _render(report: Any, index: Any, output_format: str, output: str | None) -> None:
    from depmap.render.json import dumps, impact_document
    from depmap.render.text import console

    if output_format == "json":
        _emit(dumps(impact_document(report, index.skipped_with_unparsed())), output)
        return
    from depmap.render.impact_text import print_impact

    if output:
        with open(output, "w", encoding="utf-8") as handle:
            from rich.console import Console

            print_impact(Console(file=handle, no_color=True, width=160, soft_wrap=True), report)
    else:
        print_impact(console(), report)


@cli.command()
@click.argument("migrations", nargs=-1, type=click.Path())
@click.option("--diff", "base_ref", help="Check the migrations added or changed since this git ref (e.g. origin/main).")
@_report_options(fail_on="breaking")
@click.pass_obj
def check(obj: dict, migrations: tuple[str, ...], base_ref: str | None, path: str, dialect: str | None,
          server_version: str | None, output_format: str, output: str | None, fail_on: str) -> None:
    """Impact of every column the MIGRATIONS add (SQL, Alembic, Django), or those changed since --diff REF."""
    from depmap.impact.engine import impact_context, run_impact
    from depmap.impact.migration_specs import specs_from_migrations

    if not migrations and not base_ref:
        raise UserError("name migration files to check, or pass --diff BASE_REF (e.g. --diff origin/main)")
    root = _root(path).resolve()
    paths = [_relative_to_root(root, item) for item in migrations]
    if base_ref:
        from depmap.impact.git_changes import GitError, changed_migrations

        try:
            paths += changed_migrations(root, base_ref)
        except GitError as error:
            raise UserError(str(error)) from None
    index = _index(str(root), dialect, obj["debug"])
    chosen = _dialect(index, dialect, server_version)
    specs, problems = specs_from_migrations(index, sorted(set(paths)))
    changed = {spec.origin.path for spec in specs if spec.origin is not None}
    reports = [run_impact(impact_context(index, spec, chosen, changed), debug=obj["debug"]) for spec in specs]
    _render_check(reports, problems, sorted(set(paths)), index, output_format, output)
    _exit_for([f for report in reports for f in report.findings], fail_on)


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


def _render_check(reports: list, problems: list[str], paths: list[str], index: Any, output_format: str, output: str | None) -> None:
    from depmap.impact.finding import verdict
    from depmap.render.json import dumps, impact_document
    from depmap.render.text import console

    skipped = index.skipped_with_unparsed()
    findings = [f for report in reports for f in report.findings]
    if output_format == "json":
        document = {
            "schema_version": 1,
            "query": {"migrations": paths},
            "verdict": verdict(findings),
            "columns": [impact_document(report, []) for report in reports],
            "findings": [f.to_json() for f in findings],
            "problems": problems,
            "skipped": [s.to_json() for s in skipped],
        }
        _emit(dumps(document), output)
        return
    from rich.console import Console
    from rich.text import Text

    from depmap.render.impact_text import print_impact

    handle = open(output, "w", encoding="utf-8") if output else None
    try:
        out = Console(file=handle, no_color=True, width=160, soft_wrap=True) if handle else console()
        if not paths:
            out.print("No migrations changed; nothing to check.")
        for problem in problems:
            out.print(Text(f"depmap: {problem}", style="yellow"))
        out.print(Text(f"Checked {len(paths)} file(s): {len(reports)} column(s) added; overall verdict: {verdict(findings)}", style="bold"))
        for report in reports:
            out.print()
            out.rule()
            print_impact(out, report)
    finally:
        if handle:
            handle.close()


@cli.command()
@click.argument("rule_id", required=False)
def explain(rule_id: str | None) -> None:
    """The documentation of an impact rule (all rules when RULE_ID is omitted)."""
    from depmap.impact.registry import RULES, RULES_BY_ID

    if rule_id is None:
        for rule in RULES:
            click.echo(f"{rule.id:<26} {rule.severity:<9} {rule.summary}")
        return
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(rule_id, list(RULES_BY_ID), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `depmap explain` lists them"
        raise UserError(f"unknown rule '{rule_id}'{hint}")
    click.echo(f"{rule.id} ({rule.severity})\n")
    click.echo(rule.doc.strip() + "\n")
