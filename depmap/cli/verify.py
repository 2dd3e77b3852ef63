"""`depmap verify TABLE.COLUMN` (or `--migration FILE`, `--diff REF`): the change and its rollout plan on a
real, throwaway database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from depmap.cli.group import (UserError, check_outputs, cli, dialect_option, load_index, project_path, project_root, run_options,
                              verbosity, write_outputs)
from depmap.cli.judge import FAIL_ON, _dialect, _exit_for, _impact_reports


# The lock timeout of the queue measurement: short, so the run stays fast (the plan uses 5 s).
QUEUE_TIMEOUT_MS = 200


@cli.command()
@click.argument("target", required=False)
@click.option("--type", "column_type", help="SQL type of the new column, e.g. text, integer, varchar(20).")
@click.option("--not-null", is_flag=True, help="The column is NOT NULL.")
@click.option("--default", "default", help="Default expression, e.g. 0, \"'new'\", now().")
@click.option("--drop", is_flag=True, help="Verify dropping the existing column instead.")
@click.option("--rename", "new_name", metavar="NEW_NAME", help="Verify renaming the existing column to NEW_NAME instead.")
@click.option("--set-type", "set_type", metavar="TYPE", help="Verify changing the existing column's type to TYPE instead, e.g. bigint.")
@click.option("--migration", "migrations", multiple=True, type=click.Path(),
              help="Verify the columns this migration adds, drops, renames or retypes instead of a proposal (repeat for several).")
@click.option("--diff", "base_ref", help="Verify the column changes of the migrations changed since this git ref (e.g. origin/main).")
@click.option("--rows", type=click.IntRange(min=1), default=None,
              help="Rows loaded into the table (default: the statistics file's count, else 1,000,000).")
@click.option("--schema-sql", "schema_sql", type=click.Path(exists=True, dir_okay=False),
              help="Build the schema from this dump (e.g. pg_dump --schema-only) instead of depmap's catalog.")
@click.option("--statistics", type=click.Path(exists=True, dir_okay=False),
              help="Row counts and null fractions per table and column (CSV or JSON of pg_class/pg_stats; see the README).")
@click.option("--engine", type=click.Choice(["auto", "postgres", "sqlite", "mysql"]), default="auto", show_default=True,
              help="The engine to start (auto: the project's dialect).")
@click.option("--dsn", help="Use this database instead of starting one (a disposable copy: depmap creates tables in it).")
@click.option("--i-own-this-database", "i_own_it", is_flag=True, help="Accept a --dsn database that already has tables.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the generated values.")
@click.option("--max-lock-ms", type=click.IntRange(min=0), default=2000, show_default=True,
              help="An ACCESS EXCLUSIVE lock held longer than this by the proposal is a finding (verify-lock).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown", "html", "sarif"]), default=None,
              help="text for the terminal (the default), json (the contract), markdown for a pull-request comment, "
                   "html for a page with the timeline, sarif for code scanning; with -o FILE, the file's suffix.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False), callback=check_outputs,
              help="Write the report to FILE; repeat for several formats, each chosen by its suffix (.html, .md, .sarif, .json, .txt).")
@click.option("--fail-on", type=FAIL_ON, default="breaking", show_default=True, help="Exit 1 when a finding reaches this severity.")
@project_path()
@dialect_option
@run_options
@click.pass_obj
def verify(obj: dict, target: str | None, column_type: str | None, not_null: bool, default: str | None, drop: bool,
           new_name: str | None, set_type: str | None, migrations: tuple[str, ...], base_ref: str | None, rows: int | None, schema_sql: str | None,
           statistics: str | None, engine: str, dsn: str | None, i_own_it: bool, seed: int, max_lock_ms: int,
           output_format: str | None, outputs: tuple[str, ...], fail_on: str, path: str, dialect: str | None) -> None:
    """Prove a proposed column (TABLE.COLUMN, or its --drop, --rename, --set-type), or the column changes of
    migrations, on a real database with rows."""
    from depmap.cli.judge import _change
    from depmap.verify import engines

    if target and (migrations or base_ref):
        raise UserError("give TABLE.COLUMN, or --migration FILE / --diff BASE_REF, not both")
    change = _change(column_type, not_null, default, drop, new_name, set_type, "verify")
    if not target and change != "add":
        raise UserError("--drop, --rename and --set-type go with TABLE.COLUMN; a migration's own changes are verified as written")
    if not target and not migrations and not base_ref:
        raise UserError("name TABLE.COLUMN to verify a proposal, or --migration FILE / --diff BASE_REF (e.g. --diff origin/main)")
    targets = _output_targets(outputs, output_format)  # a suffix that names no format: said before the run
    chosen = _engine(engine, _dialect(load_index(path, dialect, obj["debug"], partial=True), dialect, None).family)  # the dialect alone
    stats = _statistics(statistics)
    try:
        if dsn:
            context = _user_database(dsn, i_own_it)
        else:
            context = engines.throwaway_postgres() if chosen == "postgres" else _throwaway_mysql() if chosen == "mysql" \
                else engines.throwaway_sqlite()
        with context as db:
            # the static findings judged for the server that runs the change, so both speak of one version
            version = ".".join(str(part) for part in db.version) if db.engine in ("postgres", "mysql") else None
            if target:
                index, reports = _impact_reports(obj, target, column_type, not_null, default, path, dialect, version, change,
                                                 new_name, set_type, judge_as=chosen, focused=True)
                results = [_run(index, index.whole_catalog(), reports[0], db, rows, seed, max_lock_ms, schema_sql, stats)]
                judged = [reports[0]]
                checked, problems = None, []
            else:
                results, judged, checked, problems = _run_migrations(obj, db, path, dialect, chosen, version, migrations, base_ref,
                                                                     rows, seed, max_lock_ms, schema_sql, stats)
    except engines.EngineMissing as error:
        raise UserError(str(error)) from None
    except engines.UnsafeDatabase as error:
        raise UserError(str(error)) from None
    _publish(results, judged, checked, problems, output_format, targets, project_root(path).resolve())
    from depmap.verify.run import NOT_REPRODUCED

    failing = []
    for result, report in zip(results, judged):
        failing += result.findings + [f for v, f in zip(result.verdicts, report.judged) if v.status != NOT_REPRODUCED]
    _exit_for(failing, fail_on)


def _output_targets(outputs: tuple[str, ...], output_format: str | None) -> list[tuple[str, str]]:
    """Each -o FILE with the format its suffix (or a single file's --format) names."""
    from depmap.render.outputs import UnknownSuffix, format_for

    try:
        return [(target, format_for(target, output_format, len(outputs) == 1)) for target in outputs]
    except UnknownSuffix as error:
        raise UserError(str(error)) from None


def _publish(results: list, judged: list, checked: list[str] | None, problems: list[str], output_format: str | None,
             targets: list[tuple[str, str]], root: Path) -> None:
    """Print the report, or write one file per -o in its format."""
    from depmap.render.run_info import command_line
    from depmap.render.verify_outputs import VerifyOutput, render_verify

    output = VerifyOutput(results, judged, checked, problems, command_line(root=root), root.name, root)
    if not targets:
        click.echo(render_verify(output_format or "text", output), nl=False)
        return
    write_outputs(targets, lambda chosen: render_verify(chosen, output))


def _run_migrations(obj: dict, db, path: str, dialect: str | None, chosen: str, version: str | None, migrations: tuple[str, ...],
                    base_ref: str | None, rows: int | None, seed: int, max_lock_ms: int, schema_sql: str | None, stats: dict):
    """Each column the migrations add, verified on a fresh schema as it stood before them."""
    from depmap.cli.group import project_root
    from depmap.cli.judge import _operation_reports, _suppress, migration_inputs
    from depmap.impact.engine import catalog_before, impact_context, run_impact
    from depmap.verify.before_models import without_model_only_additions

    root = project_root(path).resolve()
    checked, changed_lines = migration_inputs(root, migrations, base_ref)
    index = load_index(str(root), dialect, obj["debug"], partial=True)
    dialect_now = _dialect(index, dialect, version, chosen)
    index, specs, problems = _migration_specs(index, checked, changed_lines, dialect_now)
    changed = {spec.origin.path for spec in specs if spec.origin is not None} | set(checked)
    before = catalog_before(index, changed)
    without_added = without_model_only_additions(before, specs)  # where each added column is added
    results, judged = [], []
    for spec in specs:
        report = run_impact(impact_context(index, spec, dialect_now, changed), debug=obj["debug"])
        _suppress([report], index)
        results.append(_run(index, without_added, report, db, rows, seed, max_lock_ms, schema_sql, stats))
        judged.append(report)
        _drop_created(db, results[-1].tables)
    operations, problems = _operation_reports(index, checked, changed_lines, dialect_now, problems, obj["debug"])
    _suppress(operations, index)  # what check reports, suppressions applied as there
    if db.engine == "postgres":
        more, reports = _verify_operations(operations, index, before, db, rows, seed, schema_sql, stats)
        results += more
        judged += reports
    return results, judged, checked, list(problems)


def _migration_specs(index, checked: list[str], changed_lines: dict, dialect_now) -> tuple[Any, list, list[str]]:
    """(the index the migrations are verified on, the column changes they make, the problems of
    the files). An unchanged project reads the rows `check` reads (`judge.migrations_focused`): the
    catalog before the migrations and what `impact` reads of their tables; a damaged row met on the
    way means the whole index."""
    from depmap.cli.judge import _column_specs, migrations_focused
    from depmap.index.linked_store import StoreDamaged

    if index.store is not None:
        try:
            focused = migrations_focused(index, checked, changed_lines, dialect_now)
            specs, problems = _column_specs(focused, checked, changed_lines, dialect_now)
            if not index.store.damaged:
                return focused, specs, problems
        except StoreDamaged:
            pass
        index = index.whole()
    return (index, *_column_specs(index, checked, changed_lines, dialect_now))


def _drop_created(db, tables: list[str]) -> None:
    """The tables a run created, dropped, so the next column starts from the schema before the change."""
    from depmap.verify.names import table_sql

    with db.connect(autocommit=True) as conn:
        if db.engine == "mysql":  # no CASCADE there: the foreign keys between them are not checked instead
            conn.execute("SET SESSION foreign_key_checks = 0")
        for name in reversed(tables):
            quoted = f"`{name}`" if db.engine == "mysql" else table_sql(name)
            conn.execute(f"DROP TABLE IF EXISTS {quoted}" + (" CASCADE" if db.engine == "postgres" else ""))


def _statistics(path: str | None) -> dict:
    if path is None:
        return {}
    from depmap.verify.statistics import StatisticsError, load_statistics

    try:
        return load_statistics(path)
    except StatisticsError as error:
        raise UserError(str(error)) from None


def _engine(choice: str, family: str | None) -> str:
    if choice != "auto":
        return choice
    if family in ("postgres", "sqlite", "mysql"):
        return family
    raise UserError(f"depmap verify runs on PostgreSQL, SQLite and MariaDB/MySQL; the project's dialect is {family or 'unknown'}: "
                    "pass --engine postgres, sqlite or mysql to try it there")


def _user_database(dsn: str, i_own_it: bool):
    from depmap.verify import engines, mysql_engine

    if mysql_engine.is_mysql_dsn(dsn):
        return mysql_engine.user_mysql_database(dsn, i_own_it=i_own_it)
    return engines.user_database(dsn, i_own_it=i_own_it)


def _throwaway_mysql():
    from depmap.verify.mysql_engine import throwaway_mysql

    return throwaway_mysql()


@dataclass
class _Loaded:
    """What `_load` built and filled before the change runs."""

    tables: list[str]  # created, in order
    schema: Any  # schema_sql.SchemaPlan
    rejected: list  # the schema statements the engine refused
    fill: Any  # fill.FillResult: rows loaded per table
    seconds: float
    production: dict[str, int]  # row counts from the statistics file
    rows: int  # rows loaded into the changed table


def _require_table(db, table: str, rejected: list, schema_sql: str | None) -> None:
    """The changed table must exist on the engine: nothing after this can run without it."""
    from depmap.verify.names import schema_of
    from depmap.verify.shapes import shape_of

    with db.connect(autocommit=True) as conn:
        if shape_of(conn, db.engine, table) is not None:
            return
    refused = next((r for r in rejected if table in r.statement.split("(", 1)[0]), None)
    if db.engine == "sqlite" and not schema_sql and schema_of(table):
        raise UserError(f"cannot build {table} on SQLite, which has no schemas; verify it on PostgreSQL (--engine postgres)")
    if refused is not None:
        raise UserError(f"{db.label()} refused the table {table}: {refused.error}; give its DDL with --schema-sql FILE")
    where = f"{schema_sql} does not create it" if schema_sql else (
        "depmap read no definition of it (no CREATE TABLE, model or migration)")
    raise UserError(f"cannot build {table}: {where}; give its DDL with --schema-sql FILE (e.g. pg_dump --schema-only)")


def _progress(text: str) -> None:
    if verbosity() >= 0:
        click.echo(f"depmap: {text}", err=True)


def _run(index, catalog, report, db, rows: int | None, seed: int, max_lock_ms: int, schema_sql: str | None, statistics: dict):
    from depmap.impact.engine import impact_context
    from depmap.verify.operations import written_add_column
    from depmap.verify.orm_statements import orm_writers
    from depmap.verify.statements import collect

    statements = collect(index, report.spec.table, db.engine)
    loaded = _load(index, catalog, db, report.spec.table, statements, rows, seed, schema_sql, statistics)
    statements += orm_writers(db, index, report.spec.table, statements)
    ctx = impact_context(index, report.spec, report.dialect)
    if not report.spec.adds:  # the column as it stands before the change (a migration's: before the migrations)
        from dataclasses import replace

        return _measure_column_change(index, report, db, replace(ctx, catalog=catalog), statements, loaded, max_lock_ms)
    written = written_add_column(report.spec.origin, report.spec.column, Path(index.root), index.dialect, db.engine)
    return _measure_change(report, db, ctx, statements, loaded, max_lock_ms, written)


def _load(index, catalog, db, table: str, statements: list, rows: int | None, seed: int, schema_sql: str | None,
          statistics: dict) -> _Loaded:
    """The schema (the table, its foreign-key neighbours, the tables its statements join) and its rows."""
    from depmap.verify.fill import fill
    from depmap.verify.related_tables import related_tables
    from depmap.verify.schema_sql import apply_schema, schema_statements
    from depmap.verify.statements import tables_they_touch

    tables = list(dict.fromkeys(related_tables(catalog, table)
                                + [t for t in tables_they_touch(index, statements) if catalog.get(t) is not None]))
    if schema_sql:
        from depmap.verify.schema_file import statements_from_file
        from depmap.verify.schema_sql import SchemaPlan

        schema = SchemaPlan(statements_from_file(schema_sql, db.engine), [f"schema from {schema_sql}"])
    else:
        schema = schema_statements(catalog, tables, db.engine, root=Path(index.root), dialect=index.dialect)
    rejected = apply_schema(db, schema.statements)
    _require_table(db, table, rejected, schema_sql)
    if db.engine == "postgres" and not schema_sql:
        from depmap.verify.routines import routine_statements

        functions = routine_statements(index, statements)
        rejected += apply_schema(db, functions)
        schema.statements += functions
    known = {name: stats.rows for name, stats in statistics.items() if stats.rows}
    rows = rows or known.get(table) or 1_000_000
    _progress(f"loading {rows:,} rows into {table} on {db.label()}")
    started = time.perf_counter()
    neighbours = {t: known.get(t) or max(1, rows // 10) for t in tables if t != table}
    filled = fill(db, catalog, table, rows, seed=seed, neighbours=neighbours, statistics=statistics)
    return _Loaded(tables, schema, list(rejected), filled, time.perf_counter() - started, known, rows)


def _measure_change(report, db, ctx, statements, loaded: _Loaded, max_lock_ms: int, written: str | None):
    """The proposal as written (`written`: the migration's own ADD COLUMN, else depmap's from the
    spec), the code's statements before and after, the lock queue, the plan."""
    from depmap.impact.finding import NEW_MIGRATION
    from depmap.impact.plan_sql import Names, full_add_sql
    from depmap.verify.run import VerifyReport, measure, measured_findings, run_plan, statement_findings, verdicts
    from depmap.verify.statements import change_as_deployed, recheck

    table = report.spec.table
    names = Names.of(ctx)
    [proposal] = measure(db, [written or full_add_sql(names)], table, keep=False)
    _progress("re-running the code's statements on the table before and after the change")
    change, undo = change_as_deployed(names, proposal.error is not None, db.engine)
    if written and not proposal.error:
        change = [written]
    rechecks = recheck(db, statements, change, undo)
    queue = []
    if db.engine == "postgres" and not proposal.error:
        from depmap.verify.queue import lock_queues

        _progress("measuring the lock queue behind the ALTER, without and with a lock timeout")
        queue = lock_queues(db, names.table, proposal.statement, QUEUE_TIMEOUT_MS)
    elif db.engine == "mysql" and not proposal.error:
        from depmap.verify.mysql_queue import lock_queues as mysql_lock_queues

        _progress("measuring the lock queue behind the ALTER, without and with lock_wait_timeout")
        queue = mysql_lock_queues(db, names.table, proposal.statement, QUEUE_TIMEOUT_MS)
    steps = run_plan(db, report.plan, table, names.type or "", _progress)
    static = report.judged
    where = report.spec.origin or NEW_MIGRATION
    production = loaded.production.get(table)
    return VerifyReport(
        target=f"{table}.{report.spec.column}", table=table, engine=db.label(), rows=dict(loaded.fill.rows),
        load_seconds=loaded.seconds, schema_statements=len(loaded.schema.statements), rejected=loaded.rejected,
        schema_notes=list(loaded.schema.notes),
        proposal=proposal, steps=steps, verdicts=verdicts(static, proposal, db.engine, table, rechecks, queue),
        findings=measured_findings(proposal, static, table, max_lock_ms, where,
                                   (production or loaded.rows) / max(loaded.fill.rows.get(table, loaded.rows), 1))
        + statement_findings(rechecks, static),
        rechecks=rechecks, change=change, queue=queue, production_rows=production, tables=loaded.tables,
        statement_is_written=written is not None or report.spec.origin is None,
    )


def _measure_column_change(index, report, db, ctx, statements, loaded: _Loaded, max_lock_ms: int):
    """A drop, rename or type change: as written (with the code's views in place), the code's
    statements before and after it, the lock queue, the plan's SQL steps."""
    from depmap.dialects.column_changes import SqlType
    from depmap.impact.column_uses import existing_column
    from depmap.impact.finding import NEW_MIGRATION
    from depmap.impact.plan_change import current_sql_type
    from depmap.impact.plan_sql import Names, sql_type
    from depmap.verify import column_change
    from depmap.verify.run import VerifyReport, measured_findings, run_plan, statement_findings
    from depmap.verify.schema_apply import engine_errors, error_message
    from depmap.verify.statements import Recheck, recheck

    spec, table = report.spec, report.spec.table
    names = Names.of(ctx)
    column = existing_column(ctx)
    old_type = sql_type(ctx.dialect, spec.old_type if spec.old_type else current_sql_type(ctx, column.type if column else spec.type,
                                                                                          column.extra.get("size") if column else None))
    views = statements + column_change.dependent_views(index, ctx, db.engine, statements)
    mysql = column_change.on_mysql(db, names, ctx) if db.engine == "mysql" else None
    kept = None  # SQLite: the values a type change kept as they were
    if db.engine == "mysql" and mysql is None:
        raise UserError(f"{db.label()} built {table} without {spec.column}: give its DDL with --schema-sql FILE")
    written = mysql.written if mysql else column_change.written_sql(names, db.engine, ctx, index.dialect)
    try:
        proposal, broken_views = column_change.measure_written(db, written, table, views, mysql.restore if mysql else ())
        _progress("re-running the code's statements on the table before and after the change")
        if mysql:
            fit = column_change.make_fit(names, SqlType.of(old_type), SqlType.of(spec.type or "")) if proposal.error else None
            change, undo = mysql.as_deployed(fit), mysql.restore
        elif db.engine == "sqlite" and spec.change == "set_type":  # rebuilt with the new type, and back
            change, undo = [written], [column_change.rebuild_script(ctx, old_type, index.dialect)]
            if not proposal.error:
                kept = column_change.kept_as_they_were(db, table, spec.column, change, undo, names.type)
        else:
            change, undo = column_change.change_as_deployed(names, db.engine, old_type, bool(column and column.nullable is False),
                                                            proposal.error is not None, any(s.view is not None for s in statements),
                                                            column_change.sqlite_indexes(db, table, spec.column)
                                                            if db.engine == "sqlite" and spec.change == "drop" else [])
        try:
            rechecks = recheck(db, statements, change, undo, undo_by_name=mysql is None)
        except engine_errors() as error:  # the change cannot be deployed here at all: nothing the statements meet
            rechecks = []
            _progress(f"the change could not be made for the statements: {error_message(error)}")
        misfit = column_change.misfit_value(spec)
        if misfit is not None and db.engine in ("postgres", "mysql") and rechecks:
            failed = column_change.misfit_writers(db, statements, change, undo, misfit)
            rechecks = [Recheck(r.statement, r.before, failed[n], r.changed) if n in failed and r.status == "unaffected" else r
                        for n, r in enumerate(rechecks)]
        queue = []
        if db.engine == "postgres" and not proposal.error:
            from depmap.verify.queue import lock_queues

            _progress("measuring the lock queue behind the ALTER, without and with a lock timeout")
            queue = lock_queues(db, names.table, proposal.statement, QUEUE_TIMEOUT_MS)
        elif mysql and not proposal.error:
            from depmap.verify.mysql_queue import lock_queues as mysql_lock_queues

            _progress("measuring the lock queue behind the ALTER, without and with lock_wait_timeout")
            queue = mysql_lock_queues(db, table, proposal.statement, QUEUE_TIMEOUT_MS, restore=mysql.restore)
    finally:
        if mysql:
            mysql.clean_up(db)
    column_change.create_views(db, views)  # the plan drops and recreates them
    steps = run_plan(db, report.plan, table, old_type, _progress)
    static = report.judged
    where = spec.origin or NEW_MIGRATION
    production = loaded.production.get(table)
    return VerifyReport(
        target=f"{table}.{spec.column}", table=table, engine=db.label(), rows=dict(loaded.fill.rows),
        load_seconds=loaded.seconds, schema_statements=len(loaded.schema.statements), rejected=loaded.rejected,
        schema_notes=list(loaded.schema.notes), proposal=proposal, steps=steps,
        verdicts=column_change.change_verdicts(static, spec, proposal, db.engine, table, rechecks, queue, broken_views, kept),
        findings=measured_findings(proposal, static, table, max_lock_ms, where,
                                   (production or loaded.rows) / max(loaded.fill.rows.get(table, loaded.rows), 1))
        + statement_findings(rechecks, static, adds=False),
        rechecks=rechecks, change=[c for c in change if column_change.SAVED not in c], queue=queue,
        production_rows=production, tables=loaded.tables,
    )


def _verify_operations(operations: list, index, before, db, rows, seed, schema_sql, stats):
    """Each other operation of the migrations with findings, as `check` reports them (an index, a
    constraint, SET NOT NULL), run on the schema before the change with rows, rolled back (PostgreSQL)."""
    from depmap.verify.operations import in_a_transaction, operation_verdicts, run_operation as run_on_engine, statement_of
    from depmap.verify.queue import lock_queues
    from depmap.verify.run import VerifyReport
    from depmap.verify.statements import placeholder_value

    results, judged = [], []
    for report in operations:
        op = report.operation
        if not report.findings:
            continue
        table = op.table
        statement, written = statement_of(op, Path(index.root), index.dialect)
        if not statement or before.get(table) is None:
            continue
        loaded = _load(index, before, db, table, [], rows, seed, schema_sql, stats)
        columns = before.get(table).columns
        nulls = [(c, placeholder_value(columns[c].type or "")) for c in op.columns
                 if op.detail == "alter_column" and c in columns]
        measured = run_on_engine(db, table, statement, nulls)
        rules = {f.rule for f in report.findings}
        queue = []
        if "lock-timeout" in rules and not measured.error:
            writers = measured.strongest_lock(table) != "AccessExclusiveLock"  # SHARE waits for writers, blocks writes
            queue = lock_queues(db, table, statement, QUEUE_TIMEOUT_MS, writers=writers)
        in_block = in_a_transaction(db, statement) if "concurrent-index-in-transaction" in rules else None
        results.append(VerifyReport(
            target=report.title, table=table, engine=db.label(), rows=dict(loaded.fill.rows), load_seconds=loaded.seconds,
            schema_statements=len(loaded.schema.statements), rejected=loaded.rejected, schema_notes=list(loaded.schema.notes),
            proposal=measured, steps=[], verdicts=operation_verdicts(report.judged, measured, table, queue, in_block),
            findings=[], change=[statement], queue=queue, production_rows=loaded.production.get(table),
            tables=loaded.tables, statement_is_written=written,
        ))
        judged.append(report)
        _drop_created(db, loaded.tables)
    return results, judged
