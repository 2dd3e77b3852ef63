"""`depmap verify`: the proposal and its rollout plan, run on a throwaway database with rows.

The order is the one production would see: the schema (tables the change touches and their
neighbours) and its rows first; then the proposed ADD COLUMN as written, measured and rolled
back; then each step of depmap's plan, measured and kept, the backfill batch by batch. What was
measured then confirms or contradicts the static findings (`verdicts`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from depmap.verify.measure import BLOCKS, Measurement, measure_postgres, measure_sqlite
from depmap.verify.schema_apply import engine_errors, error_message

# The plan's backfill statement updates one batch; it runs until a batch updates nothing, or for
# BACKFILL_SECONDS, after which the rest is filled in one statement (not measured as batches) so the
# later steps meet a filled column, and the remaining time is extrapolated from the last batches.
MAX_BATCHES = 100_000
BACKFILL_SECONDS = 15.0
CONFIRMED, NOT_REPRODUCED, NOT_TESTABLE = "confirmed", "not reproduced", "not testable here"


@dataclass
class Batch:
    rows: int
    seconds: float


@dataclass
class StepRun:
    number: int
    title: str
    measurements: list[Measurement] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    error: str | None = None  # a backfill batch the engine refused
    remaining_rows: int = 0  # rows filled in one statement once the batches ran out of time
    estimated_seconds: float | None = None  # the whole backfill at the last batches' rate

    def batches_line(self) -> str:
        rows = sum(b.rows for b in self.batches)
        seconds = sum(b.seconds for b in self.batches)
        slowest = max(b.seconds for b in self.batches) * 1000
        line = f"{len(self.batches):,} batch(es), {rows:,} rows in {seconds:.2f} s (slowest batch {slowest:,.1f} ms)"
        if self.remaining_rows:
            line += (f"; stopped after {BACKFILL_SECONDS:.0f} s, {self.remaining_rows:,} rows left: at the last batches' "
                     f"rate the whole backfill takes about {self.estimated_seconds:,.0f} s")
        return line

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"step": self.number, "title": self.title,
                                "statements": [m.to_json() for m in self.measurements]}
        if self.error:
            data["error"] = self.error
        if self.batches:
            data["batches"] = {"count": len(self.batches), "rows": sum(b.rows for b in self.batches),
                               "seconds": round(sum(b.seconds for b in self.batches), 4),
                               "slowest_seconds": round(max(b.seconds for b in self.batches), 4)}
            if self.remaining_rows:
                data["batches"].update(remaining_rows=self.remaining_rows, estimated_seconds=round(self.estimated_seconds or 0, 1))
        return data


@dataclass
class Verdict:
    """What the database said about one static finding."""

    rule: str
    path: str | None
    line: int | None
    status: str  # confirmed | not reproduced | not testable here
    observed: str

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "path": self.path, "line": self.line, "status": self.status, "observed": self.observed}


def measure(db: Any, statements: list[str], table: str, *, keep: bool) -> list[Measurement]:
    if db.engine == "mysql":
        from depmap.verify.mysql_measure import measure_mysql

        return measure_mysql(db, statements, table, keep=keep)
    with db.connect(autocommit=True) as conn:
        if db.engine == "postgres":
            return measure_postgres(conn, statements, table, keep=keep)
        return measure_sqlite(conn, statements, table, keep=keep)


def run_plan(db: Any, plan: list[Any], table: str, column_type: str, progress: Callable[[str], None] | None = None) -> list[StepRun]:
    """Every step with SQL, in order, kept; a backfill UPDATE runs batch after batch until done.
    A `<value>` the plan leaves to the team becomes a constant of the column's type."""
    from depmap.verify.statements import placeholder_value

    runs = []
    for step in plan:
        if not step.sql:
            continue
        run = StepRun(step.number, step.title)
        if progress:
            progress(f"step {step.number}: {step.title}")
        statements = [sql.replace("<value>", placeholder_value(column_type)) for sql in step.sql]
        # a part the team writes (a view's new definition, `<type>`) or a comment: not SQL to run
        statements = [sql for sql in statements if not _LEFT_TO_THE_TEAM.search(sql) and not sql.lstrip().startswith("--")]
        if not statements:
            continue
        if step.name == "backfill":
            _backfill(db, statements, run)
        else:
            run.measurements = measure(db, statements, table, keep=True)
        runs.append(run)
    return runs


_LEFT_TO_THE_TEAM = re.compile(r"<[a-z_][a-z_ ]*>")


def _backfill(db: Any, statements: list[str], run: StepRun) -> None:
    """The plan's batches, walking the key as the plan says (`:last_id` from below the smallest
    key, each `:batch_end` the next `:last_id`), until no rows are left or the time budget is
    spent; the engine's error ends it."""
    batch_end, update = (_named(sql, db.engine) for sql in statements)
    budget_end = time.perf_counter() + BACKFILL_SECONDS
    with db.connect(autocommit=True) as conn:
        try:
            smallest = conn.execute(_SMALLEST.sub(r"SELECT min(\1) FROM \2", batch_end)).fetchone()[0]
            last_id = smallest - 1 if isinstance(smallest, int) else smallest
            for _ in range(MAX_BATCHES):
                if last_id is None:
                    break
                started = time.perf_counter()
                end = conn.execute(batch_end, {"last_id": last_id}).fetchone()[0]
                if end is None:
                    break
                cursor = conn.execute(update, {"last_id": last_id, "batch_end": end})
                run.batches.append(Batch(max(cursor.rowcount, 0), time.perf_counter() - started))
                last_id = end
                if time.perf_counter() > budget_end:
                    _finish_at_once(conn, update, last_id, run)
                    break
        except engine_errors() as error:  # the step failed; the rest is reported
            run.error = error_message(error)


# `SELECT max(id) FROM (SELECT id FROM t WHERE id > :last_id ...)` -> `SELECT min(id) FROM t`: the first key
_SMALLEST = re.compile(r"SELECT max\((.+?)\) FROM \(SELECT .+? FROM (.+?) WHERE .*$", re.S)


def _named(sql: str, engine: str) -> str:
    """`:name` parameters as the driver's: psycopg and PyMySQL write them `%(name)s`."""
    return re.sub(r":(last_id|batch_end)\b", r"%(\1)s", sql.replace("%", "%%")) if engine in ("postgres", "mysql") else sql


def _finish_at_once(conn: Any, update: str, last_id: Any, run: StepRun) -> None:
    """The rest of a backfill in one statement (the batch UPDATE without its upper bound), and the
    time the batches would have taken at the rate of the last ten."""
    whole = re.sub(r"\s+AND\s+\S+\s+<=\s+(?::batch_end|%\(batch_end\)s)", "", update)
    cursor = conn.execute(whole, {"last_id": last_id})
    run.remaining_rows = max(cursor.rowcount, 0)
    recent = run.batches[-10:]
    rate = sum(b.rows for b in recent) / max(sum(b.seconds for b in recent), 1e-9)
    done = sum(b.seconds for b in run.batches)
    run.estimated_seconds = done + run.remaining_rows / rate if rate else None


def verdicts(findings: list[Any], proposal: Measurement, engine: str, table: str, rechecks: list[Any] = (),
             queue: list[Any] = ()) -> list[Verdict]:
    """Each static finding the database can speak to, confirmed or not; the others said so."""
    out = []
    for finding in findings:
        loc = finding.location
        path, line = (loc.path or None), (loc.line or None)
        at_site = _recheck_at(rechecks, path, line)
        if at_site is not None:
            status, observed = _statement_verdict(at_site)
            if finding.rule == "not-null-without-default" and engine == "sqlite" and status == NOT_REPRODUCED:
                observed = ("SQLite adds a NOT NULL column only with a default, and keeps it: the statement ran, the row "
                            "took the default (a tool that rebuilds the table without one, as Django does, makes it fail)")
        elif finding.rule == "table-rewrite":
            status, observed = _rewrite_verdict(finding, proposal, engine)
        elif finding.rule == "lock-timeout" and len(queue) == 2:
            status, observed = _queue_verdict(queue[0], queue[1])
        elif finding.rule == "lock-timeout":
            mode = proposal.strongest_lock(table)
            status = CONFIRMED if mode == "AccessExclusiveLock" else NOT_REPRODUCED if mode else NOT_TESTABLE
            observed = f"the ADD COLUMN held {mode} on {table} ({BLOCKS.get(mode or '', 'nothing')} wait)" if mode else (
                "SQLite takes no table lock a timeout could bound" if engine == "sqlite" else "no lock was observed")
        elif finding.rule == "not-null-without-default" and not path:
            status = CONFIRMED if proposal.error else NOT_REPRODUCED
            observed = f"the ALTER TABLE failed: {proposal.error}" if proposal.error else "the ALTER TABLE succeeded"
        else:
            status, observed = NOT_TESTABLE, _why_not_testable(finding.rule, path, engine)
        out.append(Verdict(finding.rule, path, line, status, observed))
    return out


# Findings about something the database has no part in, or that a tool other than the engine runs.
_OUTSIDE_THE_DATABASE = {
    "exposes-all-fields": "which fields a serializer, form or admin shows is decided in the application, not by the database",
    "contract-break": "dbt enforces a model's contract when it builds the model; verify does not run dbt",
    "downstream-propagation": "the column reaches this model or table when its pipeline next runs; verify does not run pipelines",
    "orm-model-missing-field": "whether the model declares the column is a question about the code, not the database",
    "name-shadows-attribute": "a clash with the model's own attributes is in the code, not the database",
    "reserved-word": "the name was accepted or refused when the change ran (see the proposal above)",
    "unparsed-sql": "depmap could not read this SQL, so it cannot re-run it",
}


def _why_not_testable(rule: str, path: str | None, engine: str) -> str:
    if rule in _OUTSIDE_THE_DATABASE:
        return _OUTSIDE_THE_DATABASE[rule]
    if rule == "lock-timeout" and engine == "sqlite":
        return "SQLite takes no table lock a timeout could bound"
    if not path:
        return "nothing the database can measure"
    return "no statement of the code at this site could be re-run: ORM code other than a create, or SQL built at run time"


def _queue_verdict(plain: Any, bounded: Any) -> tuple[str, str]:
    queued = plain.alter_error is None and plain.select_waited_ms >= plain.held_ms * 0.8
    probe = "a plain SELECT" if plain.probe == "SELECT" else "a write"
    observed = (f"while a transaction held the table for {plain.held_ms} ms, {probe} waited "
                f"{plain.select_waited_ms:,.0f} ms behind the waiting statement; with lock_timeout {bounded.lock_timeout_ms} ms "
                f"it gave up ({bounded.alter_error or 'it did not'}) and {probe} waited {bounded.select_waited_ms:,.0f} ms")
    return (CONFIRMED if queued else NOT_REPRODUCED), observed


def _recheck_at(rechecks: list[Any], path: str | None, line: int | None) -> Any:
    if path is None or line is None:
        return None
    # the innermost statement at the line: a constant's span can enclose the statements after it
    found = [r for r in rechecks if r.statement.path == path and r.statement.line <= line <= r.statement.last_line]
    return max(found, key=lambda r: (r.statement.line, -r.statement.last_line), default=None)


def _statement_verdict(check: Any) -> tuple[str, str]:
    status = check.status
    if status == "fails after the change":
        return CONFIRMED, f"after the change: {check.after}"
    if status == "changes after the change":
        return CONFIRMED, f"after the change it runs, but {check.changed}"
    if status == "unaffected":
        return NOT_REPRODUCED, "the statement ran the same before and after the change"
    if status == "fails before the change":
        return NOT_TESTABLE, f"the statement already fails before the change: {check.before}"
    return NOT_TESTABLE, "built at run time: it cannot run as written"


def statement_findings(rechecks: list[Any], static: list[Any], adds: bool = True) -> list[Any]:
    """`verify-statement-fails`: a statement of the code that fails after the change and ran
    before, at a site no static finding named."""
    from depmap.impact.finding import BREAKING, Finding
    from depmap.model import HIGH, Location

    named = {(f.location.path, f.location.line) for f in static}
    out = []
    for check in rechecks:
        if check.status != "fails after the change":
            continue
        s = check.statement
        if any(path == s.path and s.line <= line <= s.last_line for path, line in named):
            continue
        out.append(Finding("verify-statement-fails", BREAKING, Location(s.path, s.line, s.last_line),
                           f"This statement ran before the change and fails after it: {check.after}.",
                           "Change the statement before the column is added (name its columns, set the new column)." if adds
                           else "Change the statement before the change is deployed (or close the connections that prepared it).",
                           s.text[:160], HIGH))
    return out


def _rewrite_verdict(finding: Any, proposal: Measurement, engine: str) -> tuple[str, str]:
    if proposal.error:
        said_fails = re.search(r"\bfails\b|refuse", finding.message) is not None
        return (CONFIRMED if said_fails else NOT_REPRODUCED), f"the statement failed: {proposal.error}"
    if proposal.rewrote is None:
        return NOT_TESTABLE, f"{engine} does not say whether a statement rewrote the table"
    if "rewrites" in finding.message or "rebuilds" in finding.message:
        return (CONFIRMED if proposal.rewrote else NOT_REPRODUCED), _observed(proposal)
    if "reads every row" in finding.message:
        return (CONFIRMED if proposal.scanned else NOT_REPRODUCED), _observed(proposal)
    return NOT_TESTABLE, _observed(proposal)


def _observed(m: Measurement) -> str:
    what = "rewrote the table" if m.rewrote else f"read {m.rows_read:,} rows without rewriting" if m.scanned else (
        "changed the catalog only")
    return f"{what} in {m.seconds * 1000:,.1f} ms"


@dataclass
class VerifyReport:
    """Everything `depmap verify` measured, in the order it ran."""

    target: str
    table: str  # the table the change is on (`target` is an operation's description for one)
    engine: str  # "PostgreSQL 15.8"
    rows: dict[str, int]  # rows loaded per table
    load_seconds: float
    schema_statements: int
    rejected: list[Any]  # the schema statements the engine refused (each with its error)
    schema_notes: list[str]
    proposal: Measurement
    steps: list[StepRun]
    verdicts: list[Verdict]
    findings: list[Any]  # what only the database showed (verify-lock, verify-rewrite, verify-statement-fails)
    production_rows: int | None = None  # the table's row count in production, from a statistics file
    tables: list[str] = field(default_factory=list)  # the tables the run created
    statement_is_written: bool = True  # the migration's own SQL (False: the statement the ORM emits)
    rechecks: list[Any] = field(default_factory=list)  # statements.Recheck: the code's statements before and after
    queue: list[Any] = field(default_factory=list)  # queue.QueueRun: without, then with a lock timeout
    change: list[str] = field(default_factory=list)  # the change those statements met


def at_production_size(report: VerifyReport, table: str) -> float | None:
    """The proposal's duration scaled to the production row count, when the proposal read or
    rewrote every row (the time grows with the rows; a catalog-only change does not)."""
    loaded = report.rows.get(table)
    m = report.proposal
    if not report.production_rows or not loaded or not (m.rewrote or m.scanned):
        return None
    return m.seconds * report.production_rows / loaded


def measured_findings(proposal: Measurement, static: list[Any], table: str, max_lock_ms: int, where: Any,
                      scale: float = 1.0) -> list[Any]:
    """`verify-lock`: the proposal held ACCESS EXCLUSIVE longer than `max_lock_ms` (at the
    production row count when `scale` says how much bigger it is); `verify-rewrite`: it rewrote or
    scanned the table and no static finding said so."""
    from depmap.impact.finding import BREAKING, WARNING, Finding
    from depmap.model import HIGH

    out = []
    grows = bool(proposal.rewrote or proposal.scanned)
    held_ms = proposal.seconds * 1000 * (scale if grows else 1.0)
    at = " at the production row count" if grows and scale != 1.0 else ""
    if proposal.strongest_lock(table) == "AccessExclusiveLock" and held_ms > max_lock_ms:
        out.append(Finding("verify-lock", BREAKING, where,
                           f"The proposal holds ACCESS EXCLUSIVE on {table} for {held_ms:,.0f} ms{at} (more than --max-lock-ms "
                           f"{max_lock_ms:,}): every read and write of {table} waits that long.",
                           "Follow the rollout plan: it adds the column without the part that rewrote or scanned the table.",
                           proposal.statement, HIGH))
    said = any(f.rule in ("table-rewrite", "column-type-rewrite") for f in static)
    if (proposal.rewrote or proposal.scanned) and not said:
        what = "rewrote" if proposal.rewrote else "read every row of"
        out.append(Finding("verify-rewrite", WARNING, where,
                           f"The proposal {what} {table} on the real engine ({proposal.seconds * 1000:,.1f} ms), which no "
                           "static finding predicted: the static model misses this form.",
                           "Follow the rollout plan, and report the form to depmap's maintainers.", proposal.statement, HIGH))
    return out
