"""The HTML page of `depmap verify`: one self-contained file from templates/verify.html.j2.

This module gathers what the page shows for each verified change (the run's header, every
statement measured, the timelines, the static findings with what the engine said, the code's
statements that fail, the findings only the database showed); the template lays it out with the
impact report's stylesheet. Strings from scanned code and engine messages reach the page through
jinja's autoescape; the page has no script.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from depmap.render.html import _finding_view, prose_html
from depmap.render.snippets import SourceReader, pygments_css
from depmap.render.templates import render
from depmap.render.verify_timeline import (Timeline, blocks, change_timeline, duration, effect, lock_class, lock_label,
                                           locks_held, queue_timeline)
from depmap.verify.run import CONFIRMED, NOT_REPRODUCED, NOT_TESTABLE, at_production_size

STATUS_CLASS = {CONFIRMED: "confirmed", NOT_REPRODUCED: "not-reproduced", NOT_TESTABLE: "not-testable"}
FAILING = ("fails after the change", "changes after the change", "fails before the change")


@dataclass
class ChangeView:
    """Everything the page shows about one verified change."""

    anchor: str
    report: Any  # verify.run.VerifyReport
    rows: list[tuple[str, int]]  # rows loaded per table, the changed table first
    production: str | None
    measurements: list[dict[str, Any]]
    timeline: Timeline
    queue: Timeline | None
    verdicts: list[dict[str, Any]]
    recheck_summary: str
    failing: list[dict[str, Any]]
    findings: list[dict[str, Any]]


def render_verify_html(output: Any) -> str:
    """The page for a VerifyOutput (depmap.render.verify_outputs)."""
    reader = SourceReader(output.root)
    changes = [_change_view(number, result, pairs, reader)
               for number, (result, pairs) in enumerate(zip(output.results, output.pairs()), start=1)]
    totals = {status: sum(1 for change in changes for v in change.verdicts if v["status"] == status)
              for status in STATUS_CLASS}
    totals["found only on the database"] = sum(len(change.findings) for change in changes)
    return render("verify.html.j2", output=output, changes=changes, totals=totals, pygments_css=pygments_css(),
                  status_class=STATUS_CLASS, lock_class=lock_class, blocks=blocks, pct=_pct)


def _pct(value: float) -> str:
    """A percentage for a style attribute: `50`, `33.333`."""
    return f"{value:g}"


def _change_view(number: int, report: Any, pairs: list[tuple[Any, Any]], reader: SourceReader) -> ChangeView:
    table = report.table
    rows = sorted(report.rows.items(), key=lambda item: item[0] != table)
    scaled = at_production_size(report, table)
    production = (f"At {report.production_rows:,} rows (production, from the statistics file) the proposal takes about "
                  f"{scaled:,.1f} s, growing with the rows.") if scaled is not None else None
    return ChangeView(
        anchor=f"v{number}",
        report=report,
        rows=rows,
        production=production,
        measurements=_measurements(report),
        timeline=change_timeline(report),
        queue=queue_timeline(report),
        verdicts=[_verdict_view(verdict, finding) for verdict, finding in pairs],
        recheck_summary=_recheck_summary(report.rechecks),
        failing=[_failing_view(check) for check in report.rechecks if check.status in FAILING],
        findings=[_finding_view(finding, reader, None) for finding in report.findings],
    )


def _measurements(report: Any) -> list[dict[str, Any]]:
    """One row a statement run: the proposal, then each plan step's statements and its backfill."""
    table = report.table
    rows = [_measurement_row("The proposal, rolled back", report.proposal, table)]
    for step in report.steps:
        label = f"{step.number}. {step.title}"
        rows += [_measurement_row(label, m, table) for m in step.measurements]
        if step.batches or step.error:
            rows.append(_backfill_row(label, step, table, report.engine))
    return rows


def _measurement_row(step: str, m: Any, table: str) -> dict[str, Any]:
    return {
        "step": step,
        "sql": m.statement,
        "duration": duration(m.seconds * 1000) if m.seconds or not m.error else "–",
        "effect": effect(m),
        "locks": [] if m.error else [_lock(mode, relation) for relation, mode in locks_held(m, table)],
        "error": m.error,
        "unmeasured": not m.transaction,  # CONCURRENTLY runs outside a transaction: its locks are not seen
    }


def _backfill_row(step: str, run: Any, table: str, engine: str) -> dict[str, Any]:
    rows = sum(b.rows for b in run.batches)
    seconds = sum(b.seconds for b in run.batches)
    locks = [] if engine.lower().startswith("sqlite") or not run.batches else [_lock("RowExclusiveLock", table)]
    return {
        "step": step,
        "sql": None,
        "note": run.batches_line() if run.batches else "the first batch",
        "duration": duration(seconds * 1000),
        "effect": f"updated {rows:,} rows in {len(run.batches):,} batch(es)",
        "locks": locks,
        "error": run.error,
        "unmeasured": False,
    }


def _lock(mode: str, relation: str) -> dict[str, str]:
    return {"mode": mode, "label": lock_label(mode), "css": lock_class(mode), "on": relation}


def _verdict_view(verdict: Any, finding: Any) -> dict[str, Any]:
    return {
        "status": verdict.status,
        "css": STATUS_CLASS[verdict.status],
        "rule": verdict.rule,
        "severity": finding.severity,
        "where": f"{verdict.path}:{verdict.line}" if verdict.path else "(the new migration)",
        "message": prose_html(finding.message),
        "observed": verdict.observed,
    }


def _recheck_summary(rechecks: list[Any]) -> str:
    counts: dict[str, int] = {}
    for check in rechecks:
        counts[check.status] = counts.get(check.status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in counts.items())


def _failing_view(check: Any) -> dict[str, Any]:
    s = check.statement
    error = {"fails after the change": check.after, "fails before the change": check.before}.get(check.status, check.changed)
    return {
        "where": f"{s.path}:{s.line}" + (" (the ORM's INSERT)" if s.orm else ""),
        "status": check.status,
        "error": error,
        "sql": s.text,
    }
