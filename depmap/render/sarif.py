"""SARIF 2.1.0 for code scanning (GitHub, IDE SARIF viewers): one run, one result a finding.

Built from the same reports as the other formats. Every registry rule is listed, so a viewer can
show the documentation of rules that found nothing; paths stay relative to `%SRCROOT%` and no
absolute path or time is written, so the same tree gives the same bytes. A finding's fingerprint
leaves its line numbers out: an edit above the site keeps the alert the same alert.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote

from depmap.impact.engine import ImpactReport, overall_verdict
from depmap.impact.finding import BREAKING, ERROR, INFO, WARNING, Finding
from depmap.impact.registry import RULES
from depmap.impact.rule import Rule
from depmap.model import Location, Skipped
from depmap.render.run_info import RunInfo

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "depmapFinding/v1"
LEVELS = {ERROR: "error", BREAKING: "error", WARNING: "warning", INFO: "note"}
_LINE_NUMBER = re.compile(r"(:|\blines? )\d+(?:-\d+)?")
_SKIPPED_LINE = re.compile(r"line (\d+): ")


def sarif_document(reports: list[ImpactReport], run: RunInfo) -> dict[str, Any]:
    """The SARIF log of `impact` (one report) or `check` (one report a column the migrations add).

    With more than one report, each message starts with "table.column: " so that alerts on the
    same site for different columns can be told apart.
    """
    rule_index = {rule.id: number for number, rule in enumerate(RULES)}
    prefixed = len(reports) > 1
    results: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for report in reports:
        column = report.title
        for finding in report.findings:
            if unwritten(finding, report.spec.origin):
                continue
            results.append(_result(finding, column, rule_index.get(finding.rule), prefixed, seen, report.spec.origin))
    errors = [error for report in reports for error in report.errors]
    notifications = [_skipped(item) for item in run.skipped]
    notifications += [{"level": "warning", "message": {"text": problem}} for problem in run.problems]
    notifications += [{"level": "error", "message": {"text": error}} for error in errors]
    return sarif_log(run, results, notifications, _run_properties(reports, run), successful=not errors)


def unwritten(finding: Finding, origin: Location | None) -> bool:
    """About the migration a proposal has not written yet: no file to annotate, and GitHub code
    scanning refuses a whole upload for one result without a location."""
    return not finding.location.path and bool(finding.location.symbol) and origin is None


def sarif_log(run: Any, results: list[dict[str, Any]], notifications: list[dict[str, Any]], properties: dict[str, Any],
              *, successful: bool = True) -> dict[str, Any]:
    """One SARIF run of depmap around `results`: every rule, the invocation (`run.command`,
    `run.version`, `run.project`) with its notifications, and the run's properties."""
    invocation: dict[str, Any] = {"executionSuccessful": successful, "commandLine": run.command}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "depmap", "version": run.version, "rules": [_rule(rule) for rule in RULES]}},
            "originalUriBaseIds": {SRCROOT: {"description": {"text": f"The scanned project folder, {run.project}."}}},
            "invocations": [invocation],
            "results": results,
            "properties": properties,
        }],
    }


def _rule(rule: Rule) -> dict[str, Any]:
    doc = rule.doc.strip()
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(doc.split("\n\n", 1)[0].split())},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["schema-change"], "severity": rule.severity},
    }


def _result(finding: Finding, column: str, rule_index: int | None, prefixed: bool, seen: dict[str, int],
            fallback: Location | None = None) -> dict[str, Any]:
    text = f"{finding.message}\n\nFix: {finding.fix}"
    result: dict[str, Any] = {"ruleId": finding.rule}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result["level"] = LEVELS[finding.severity]
    result["message"] = {"text": f"{column}: {text}" if prefixed else text}
    # GitHub code scanning rejects a whole upload when one result has no location: a finding
    # about the project as a whole is anchored at the migration that adds the column, if any.
    where = _location(finding.location, finding.snippet) or (_location(fallback) if fallback else None)
    if where:
        result["locations"] = [where]
    related = []
    for number, item in enumerate(finding.related, start=1):
        site = _location(item.location) or {}
        related.append({"id": number, **site, "message": {"text": item.note}})
    if related:
        result["relatedLocations"] = related
    result["partialFingerprints"] = {FINGERPRINT: _fingerprint(finding, column, seen)}
    result["properties"] = {"severity": finding.severity, "confidence": finding.confidence, "column": column}
    return result


def _location(location: Location, snippet: str = "") -> dict[str, Any] | None:
    """A physical location, or None for a finding about the project as a whole (no path)."""
    if not location.path:
        return None
    physical: dict[str, Any] = {"artifactLocation": _artifact(location.path)}
    if location.line >= 1:
        region: dict[str, Any] = {"startLine": location.line}
        if location.site_end > location.line:
            region["endLine"] = location.site_end
        if snippet:
            region["snippet"] = {"text": snippet}
        physical["region"] = region
    return {"physicalLocation": physical}


def _artifact(path: str) -> dict[str, str]:
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _fingerprint(finding: Finding, column: str, seen: dict[str, int]) -> str:
    """sha256 of what identifies the finding without its line numbers, then `:n` for the n-th
    finding with that hash in this log (identical findings stay distinct)."""
    message = _LINE_NUMBER.sub(r"\1N", finding.message)
    parts = (finding.rule, finding.location.path, finding.location.symbol or "", column, message)
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    seen[digest] = seen.get(digest, 0) + 1
    return f"{digest}:{seen[digest]}"


def _skipped(item: Skipped) -> dict[str, Any]:
    """A file or statement not analysed, as a warning at its path (and line, when the reason starts
    with one: "line 12: SQL not parsed: ...")."""
    line = _SKIPPED_LINE.match(item.reason)
    where = _location(Location(item.path, int(line.group(1)) if line else 0))
    notification: dict[str, Any] = {"level": "warning", "message": {"text": f"{item.path}: {item.reason}"}}
    if where:
        notification["locations"] = [where]
    return notification


def _run_properties(reports: list[ImpactReport], run: RunInfo) -> dict[str, Any]:
    """What the text report's header says: project, dialect, and the verdict overall and per column."""
    properties: dict[str, Any] = {"project": run.project}
    if reports:
        properties["dialect"] = reports[0].dialect.label
    properties["verdict"] = overall_verdict(reports)
    if run.migrations:
        properties["migrations"] = list(run.migrations)
    properties["columns"] = [_column(report) for report in reports]
    return properties


def _column(report: ImpactReport) -> dict[str, Any]:
    entry: dict[str, Any] = {"column": report.title, "verdict": report.verdict}
    origin = report.spec.origin
    if origin is not None:
        entry["addedAt"] = f"{origin.path}:{origin.line}"
    entry["counts"] = report.counts()
    return entry
