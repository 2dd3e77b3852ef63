"""`depmap verify`'s report: the terminal text and the JSON document."""

from __future__ import annotations

from typing import Any

from depmap.model import SCHEMA_VERSION
from depmap.render.printable import printable, printable_lines
from depmap.verify.measure import Measurement
from depmap.verify.run import VerifyReport, at_production_size


def _measured(m: Measurement, table: str) -> str:
    if m.error:
        return f"failed: {m.error}"
    what = "rewrote the table" if m.rewrote else f"read {m.rows_read:,} rows" if m.scanned else "catalog only"
    if m.rewrote is None:
        what = "ran"
    if m.algorithm:  # MariaDB/MySQL
        what = f"ALGORITHM={m.algorithm}, {what}"
    lock = m.strongest_lock(table)
    held = f", {lock} on {table}" if lock else ""
    return f"{m.seconds * 1000:,.1f} ms, {what}{held}"


def _mysql(report: VerifyReport) -> bool:
    return report.engine.startswith(("MariaDB", "MySQL"))


def text_lines(report: VerifyReport) -> list[str]:
    table = report.table
    loaded = ", ".join(f"{rows:,} rows in {name}" for name, rows in report.rows.items())
    lines = [f"Verify {printable(report.target)} on {report.engine} (a throwaway database)",
             f"Loaded {loaded} in {report.load_seconds:.1f} s; schema: {report.schema_statements} statement(s), "
             f"{len(report.rejected)} rejected"]
    for rejected in report.rejected:
        lines.append(f"  rejected: {printable(str(rejected))}")
    for note in report.schema_notes:
        lines.append(f"  note: {printable(note)}")
    undone = "undone" if _mysql(report) else "rolled back"  # DDL commits there: what it added is dropped
    heading = f"The proposal as written ({undone}):" if report.statement_is_written else (
        f"The statement the ORM runs for it ({undone}):")
    lines += ["", heading, f"  {_sql(report.proposal.statement, '  ')}",
              f"  {_measured(report.proposal, table)}"]
    scaled = at_production_size(report, table)
    if scaled is not None:
        lines.append(f"  at {report.production_rows:,} rows (production, from the statistics file): about {scaled:,.1f} s, "
                     "growing with the rows")
    if report.queue:
        plain, bounded = report.queue
        probe = "a plain SELECT" if plain.probe == "SELECT" else "a write"
        lines += ["", f"The lock queue (a transaction holds the table, the statement waits, {probe} arrives):",
                  f"  without a lock timeout: {probe} waited {plain.select_waited_ms:,.0f} ms "
                  f"(the transaction held the table {plain.held_ms} ms)",
                  f"  with {'lock_wait_timeout' if _mysql(report) else 'lock_timeout'} {bounded.lock_timeout_ms} ms: the statement {'gave up' if bounded.alter_error else 'ran'}, "
                  f"{probe} waited {bounded.select_waited_ms:,.0f} ms"]
    if report.rechecks:
        counts: dict[str, int] = {}
        for check in report.rechecks:
            counts[check.status] = counts.get(check.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        lines += ["", f"The code's {len(report.rechecks)} statement(s) on the table, before and after the change ({summary}):"]
        for check in report.rechecks:
            if check.status in ("fails after the change", "fails before the change", "changes after the change"):
                error = {"fails after the change": check.after, "fails before the change": check.before}.get(check.status, check.changed)
                orm = " (the ORM's INSERT)" if check.statement.orm else ""
                lines.append(f"  {check.status:<24} {check.statement.path}:{check.statement.line}{orm}: {printable(error or '')}")
    if report.verdicts:
        lines += ["", "Static findings:"]
        for verdict in report.verdicts:
            where = f"{verdict.path}:{verdict.line}" if verdict.path else "(the new migration)"
            lines.append(f"  {verdict.status:<18} [{verdict.rule}] {printable(where)}: {printable(verdict.observed)}")
    if report.findings:
        lines += ["", "Found only on the database:"]
        for finding in report.findings:
            lines.append(f"  {finding.severity} [{finding.rule}] {printable(finding.message)}")
    if report.steps:
        lines += ["", "The rollout plan, run:"]
        for step in report.steps:
            lines.append(f"  {step.number}. {step.title}")
            for m in step.measurements:
                lines.append(f"     {_sql(m.statement, '     ')}")
                lines.append(f"       {_measured(m, table)}")
            if step.error:
                lines.append(f"     failed: {printable(step.error)}")
            if step.batches:
                lines.append(f"     {step.batches_line()}")
    return lines


def _rounded(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def document(report: VerifyReport) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "target": report.target,
        "engine": report.engine,
        "rows": report.rows,
        "load_seconds": round(report.load_seconds, 3),
        "schema": {"statements": report.schema_statements, "rejected": [str(r) for r in report.rejected],
                   "notes": list(report.schema_notes)},
        "proposal": {**report.proposal.to_json(), "production_rows": report.production_rows,
                     "production_seconds": _rounded(at_production_size(report, report.table))},
        "verdicts": [v.to_json() for v in report.verdicts],
        "findings": [f.to_json() for f in report.findings],
        "change": list(report.change),
        "statements": [check.to_json() for check in report.rechecks],
        "lock_queue": [run.to_json() for run in report.queue],
        "plan": [step.to_json() for step in report.steps],
    }


_STATUS_MARK = {"confirmed": "confirmed", "not reproduced": "**not reproduced**", "not testable here": "not testable here"}


def markdown(reports: list[VerifyReport], migrations: list[str] | None = None) -> str:
    """A pull-request comment: per column, what the engine did and which findings it confirmed."""
    from depmap.render.markdown_escape import md_cell, md_code, md_text

    lines = []
    if migrations is not None:
        lines += [f"### depmap verify: {len(reports)} column(s) added by {', '.join(md_code(m) for m in migrations) or 'no migration'}", ""]
    for report in reports:
        table = report.table
        rows = report.rows.get(table, 0)
        lines += [f"#### {md_code(report.target)} on {md_text(report.engine)}, {rows:,} rows", ""]
        lines += [f"- The proposal as written: {md_code(report.proposal.statement)}: {md_text(_measured(report.proposal, table))}"]
        scaled = at_production_size(report, table)
        if scaled is not None:
            lines.append(f"- At {report.production_rows:,} rows (production): about {scaled:,.1f} s")
        if report.queue:
            plain, bounded = report.queue
            probe = "a plain SELECT" if plain.probe == "SELECT" else "a write"
            lines.append(f"- Lock queue: {probe} waited {plain.select_waited_ms:,.0f} ms behind the waiting statement; "
                         f"{bounded.select_waited_ms:,.0f} ms with `lock_timeout` {bounded.lock_timeout_ms} ms")
        failing = [c for c in report.rechecks if c.status == "fails after the change"]
        if report.rechecks:
            lines.append(f"- The code's {len(report.rechecks)} statement(s) on the table: {len(failing)} fail after the change")
        lines += ["", "| status | rule | where | observed |", "|---|---|---|---|"]
        for verdict in report.verdicts:
            where = f"`{verdict.path}:{verdict.line}`" if verdict.path else "(the new migration)"
            lines.append(f"| {_STATUS_MARK[verdict.status]} | {md_code(verdict.rule, True)} | {where} | {md_cell(verdict.observed)} |")
        for finding in report.findings:
            loc = finding.location
            where = f"`{loc.path}:{loc.line}`" if loc.path else "(the new migration)"
            lines.append(f"| **{finding.severity}** | {md_code(finding.rule, True)} | {where} | {md_cell(finding.message)} |")
        steps = [s for s in report.steps if s.measurements or s.batches]
        if steps:
            lines += ["", "<details><summary>The rollout plan, run</summary>", ""]
            for step in steps:
                lines.append(f"{step.number}. {md_text(step.title)}")
                for m in step.measurements:
                    lines.append(f"   - {md_code(m.statement)}: {md_text(_measured(m, table))}")
                if step.batches:
                    lines.append(f"   - {md_text(step.batches_line())}")
            lines += ["", "</details>"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _sql(statement: str, indent: str) -> str:
    """A statement on its own lines (SQLite's rebuild is a script of several), each indented."""
    return printable_lines(statement).replace("\n", "\n" + indent)
