"""`depmap verify TABLE.COLUMN`: the proposal and its rollout plan on a real, throwaway database."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from depmap.cli.group import UserError, cli, dialect_option, load_index, project_path, run_options, verbosity
from depmap.cli.judge import FAIL_ON, _column_options, _dialect, _exit_for, _impact_reports


# The lock timeout of the queue measurement: short, so the run stays fast (the plan uses 5 s).
QUEUE_TIMEOUT_MS = 200


@cli.command()
@_column_options
@click.option("--rows", type=click.IntRange(min=1), default=None,
              help="Rows loaded into the table (default: the statistics file's count, else 1,000,000).")
@click.option("--schema-sql", "schema_sql", type=click.Path(exists=True, dir_okay=False),
              help="Build the schema from this dump (e.g. pg_dump --schema-only) instead of depmap's catalog.")
@click.option("--statistics", type=click.Path(exists=True, dir_okay=False),
              help="Row counts and null fractions per table and column (CSV or JSON of pg_class/pg_stats; see the README).")
@click.option("--engine", type=click.Choice(["auto", "postgres", "sqlite"]), default="auto", show_default=True,
              help="The engine to start (auto: the project's dialect).")
@click.option("--dsn", help="Use this database instead of starting one (a disposable copy: depmap creates tables in it).")
@click.option("--i-own-this-database", "i_own_it", is_flag=True, help="Accept a --dsn database that already has tables.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the generated values.")
@click.option("--max-lock-ms", type=click.IntRange(min=0), default=2000, show_default=True,
              help="An ACCESS EXCLUSIVE lock held longer than this by the proposal is a finding (verify-lock).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=FAIL_ON, default="breaking", show_default=True, help="Exit 1 when a finding reaches this severity.")
@project_path()
@dialect_option
@run_options
@click.pass_obj
def verify(obj: dict, target: str, column_type: str | None, not_null: bool, default: str | None, rows: int | None,
           schema_sql: str | None, statistics: str | None, engine: str,
           dsn: str | None, i_own_it: bool, seed: int, max_lock_ms: int, output_format: str, fail_on: str,
           path: str, dialect: str | None) -> None:
    """Prove a proposed column on a real database with rows: locks, rewrites, the plan's steps."""
    from depmap.verify import engines

    chosen = _engine(engine, _dialect(load_index(path, dialect, obj["debug"]), dialect, None).family)
    try:
        if dsn:
            context = engines.user_database(dsn, i_own_it=i_own_it)
        else:
            context = engines.throwaway_postgres() if chosen == "postgres" else engines.throwaway_sqlite()
        with context as db:
            # the static findings judged for the server that runs the change, so both speak of one version
            version = ".".join(str(part) for part in db.version) if db.engine == "postgres" else None
            index, reports = _impact_reports(obj, target, column_type, not_null, default, path, chosen, version)
            report = reports[0]
            result = _run(index, report, db, rows, seed, max_lock_ms, schema_sql, _statistics(statistics))
    except engines.EngineMissing as error:
        raise UserError(str(error)) from None
    except engines.UnsafeDatabase as error:
        raise UserError(str(error)) from None
    if output_format == "json":
        from depmap.verify.report import document

        click.echo(json.dumps(document(result), indent=2, ensure_ascii=False))
    else:
        from depmap.verify.report import text_lines

        click.echo("\n".join(text_lines(result, report.spec.table)))
    from depmap.verify.run import NOT_REPRODUCED

    standing = [f for v, f in zip(result.verdicts, report.judged) if v.status != NOT_REPRODUCED]
    _exit_for(result.findings + standing, fail_on)


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
    if family in ("postgres", "sqlite"):
        return family
    raise UserError(f"depmap verify runs on PostgreSQL and SQLite; the project's dialect is {family or 'unknown'}: "
                    "pass --engine postgres or --engine sqlite to try it there")


def _run(index, report, db, rows: int | None, seed: int, max_lock_ms: int, schema_sql: str | None, statistics: dict):
    from depmap.impact.engine import impact_context
    from depmap.impact.finding import NEW_MIGRATION
    from depmap.impact.plan_sql import Names, full_add_sql
    from depmap.verify.fill import fill
    from depmap.verify.related_tables import related_tables
    from depmap.verify.run import VerifyReport, measure, measured_findings, run_plan, statement_findings, verdicts
    from depmap.verify.statements import change_as_deployed, collect, recheck
    from depmap.verify.schema_sql import apply_schema, schema_statements

    table = report.spec.table
    tables = related_tables(index.catalog, table)
    if schema_sql:
        from depmap.verify.schema_file import statements_from_file
        from depmap.verify.schema_sql import SchemaPlan

        schema = SchemaPlan(statements_from_file(schema_sql, db.engine), [f"schema from {schema_sql}"])
    else:
        schema = schema_statements(index.catalog, tables, db.engine, root=Path(index.root), dialect=index.dialect)
    rejected = apply_schema(db, schema.statements)
    known = {name: stats.rows for name, stats in statistics.items() if stats.rows}
    rows = rows or known.get(table) or 1_000_000
    progress = (lambda text: click.echo(f"depmap: {text}", err=True)) if verbosity() >= 0 else None
    if progress:
        progress(f"loading {rows:,} rows into {table} on {db.label()}")
    started = time.perf_counter()
    neighbours = {t: known.get(t) or max(1, rows // 10) for t in tables if t != table}
    loaded = fill(db, index.catalog, table, rows, seed=seed, neighbours=neighbours, statistics=statistics)
    load_seconds = time.perf_counter() - started
    ctx = impact_context(index, report.spec, report.dialect)
    names = Names.of(ctx)
    [proposal] = measure(db, [full_add_sql(names)], table, keep=False)
    if progress:
        progress("re-running the code's statements on the table before and after the change")
    change, undo = change_as_deployed(names, proposal.error is not None)
    rechecks = recheck(db, collect(index, table, db.engine), change, undo)
    queue = []
    if db.engine == "postgres" and not proposal.error:
        from depmap.verify.queue import lock_queue

        if progress:
            progress("measuring the lock queue behind the ALTER, without and with a lock timeout")
        queue = [lock_queue(db, names.table, full_add_sql(names)),
                 lock_queue(db, names.table, full_add_sql(names), lock_timeout_ms=QUEUE_TIMEOUT_MS)]
    steps = run_plan(db, report.plan, table, names.type or "", progress)
    static = report.judged
    where = report.spec.origin or NEW_MIGRATION
    return VerifyReport(
        target=f"{table}.{report.spec.column}", engine=db.label(), rows=dict(loaded.rows), load_seconds=load_seconds,
        schema_statements=len(schema.statements), rejected=list(rejected), schema_notes=list(schema.notes),
        proposal=proposal, steps=steps, verdicts=verdicts(static, proposal, db.engine, table, rechecks, queue),
        findings=measured_findings(proposal, static, table, max_lock_ms, where,
                                   (known.get(table) or rows) / max(loaded.rows.get(table, rows), 1))
        + statement_findings(rechecks, static),
        rechecks=rechecks, change=change, queue=queue, production_rows=known.get(table),
    )
