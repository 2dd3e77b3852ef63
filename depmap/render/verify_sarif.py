"""SARIF 2.1.0 of `depmap verify`: check's SARIF, with what the database said about each finding.

One run; every registry rule listed (as in check's log). One result per static finding, with its
verification in `properties` (`verification`: confirmed / not reproduced / not testable here, and
`observed`: what the engine did); a finding the database did not reproduce is a `note`, as it
no longer fails the run (--fail-on). One result per finding only the database showed
(verify-lock, verify-rewrite, verify-statement-fails), at the statement's file and lines where
there is one. A finding about a proposal nobody has written yet has no file to annotate: it is
left out, as impact's SARIF does, since GitHub code scanning refuses a whole upload for one result
without a location (the text, JSON and HTML reports keep it).
"""

from __future__ import annotations

from typing import Any

from depmap.impact.registry import RULES
from depmap.render.sarif import _result, sarif_log, unwritten
from depmap.verify.run import NOT_REPRODUCED


def verify_sarif(output: Any) -> dict[str, Any]:
    """The SARIF log of a verify run (depmap.render.verify_outputs.VerifyOutput)."""
    rule_index = {rule.id: number for number, rule in enumerate(RULES)}
    prefixed = len(output.results) > 1
    seen: dict[str, int] = {}
    results = []
    for result, report, pairs in zip(output.results, output.reports, output.pairs()):
        origin = report.spec.origin
        for verdict, finding in pairs:
            if unwritten(finding, origin):
                continue
            entry = _result(finding, result.target, rule_index.get(finding.rule), prefixed, seen, origin)
            if verdict.status == NOT_REPRODUCED:
                entry["level"] = "note"
            entry["message"]["text"] += f"\n\nOn {result.engine}, {verdict.status}: {verdict.observed}"
            entry["properties"].update(verification=verdict.status, observed=verdict.observed, engine=result.engine)
            results.append(entry)
        for finding in result.findings:
            if unwritten(finding, origin):
                continue
            entry = _result(finding, result.target, rule_index.get(finding.rule), prefixed, seen, origin)
            entry["properties"].update(verification="measured", engine=result.engine)
            results.append(entry)
    notifications = [{"level": "warning", "message": {"text": problem}} for problem in output.problems]
    notifications += [{"level": "warning", "message": {"text": f"{result.target}: the engine rejected a schema statement: "
                                                               f"{rejected.error}: {rejected.statement}"}}
                      for result in output.results for rejected in result.rejected]
    return sarif_log(output, results, notifications, _run_properties(output))


def _run_properties(output: Any) -> dict[str, Any]:
    """What the text report's header says: the project, and per change its engine and rows."""
    properties: dict[str, Any] = {"project": output.project}
    if output.migrations is not None:
        properties["migrations"] = list(output.migrations)
    properties["changes"] = [{"target": result.target, "engine": result.engine, "rows": result.rows.get(result.table, 0),
                              "verifications": _counts(result)} for result in output.results]
    return properties


def _counts(result: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for verdict in result.verdicts:
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    if result.findings:
        counts["measured"] = len(result.findings)
    return counts

