"""The HTML report: one self-contained page (inline CSS, SVG and script) from templates/report.html.j2.

This module gathers what the template shows (findings with their excerpts and links, the plan,
the dependency picture, every reader and writer); the template only lays it out. Every string
from scanned code reaches the page through jinja's autoescape or pygments' escaping; messages,
fixes and step descriptions through `prose_html`, which makes only their code spans and code
blocks markup.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from markupsafe import Markup, escape

from depmap.model import INDIRECT_READS
from depmap.impact.finding import SEVERITY_ORDER, verdict
from depmap.impact.plan import pasteable
from depmap.impact.registry import RULES_BY_ID
from depmap.impact.scope import is_test_path
from depmap.render import SITES_SHOWN
from depmap.render.dependency_picture import Picture, dependency_picture
from depmap.render.links import source_link
from depmap.render.message_text import blocks, code_spans
from depmap.render.snippets import SourceReader, excerpt_html, highlight_python, highlight_sql, pygments_css
from depmap.render.templates import render

FOLD_COLUMNS_OVER = 8  # a usage's longer column list is folded in the table


@dataclass
class ColumnView:
    """Everything the page shows about one added column."""

    anchor: str
    title: str
    name: str  # `orders.note`, or an operation in words
    spec: Any
    verdict: str
    counts: dict[str, int]
    dialect: str
    origin: str | None
    severities: list[dict[str, Any]]
    plan: list[dict[str, Any]]
    picture: Picture
    usages: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    operation: bool = False  # a schema operation of the migration, not an added column


def render_html(bundle: Any) -> str:
    """The page for a ReportSet (depmap.render.outputs)."""
    run = bundle.run
    reader = SourceReader(getattr(bundle, "root", None))
    columns = [_column_view(number, report, bundle.graph.downstream(report.spec.table) if bundle.graph else [], reader, run.link_base)
               for number, report in enumerate(bundle.reports, start=1)]
    findings = [f for report in bundle.reports for f in report.judged]
    totals = Counter(f.severity for f in findings)
    return render(
        "report.html.j2",
        kind=bundle.kind,
        run=run,
        columns=columns,
        verdict=verdict(findings),
        totals={severity: totals.get(severity, 0) for severity in SEVERITY_ORDER},
        skipped=[{"path": s.path, "reason": s.reason, "link": source_link(run.link_base, s.path)} for s in run.skipped],
        pygments_css=pygments_css(),
    )


def _column_view(number: int, report: Any, hops: list[Any], reader: SourceReader, link_base: str | None) -> ColumnView:
    from depmap.render.impact_text import describe_column

    spec = report.spec
    origin = f"{spec.origin.path}:{spec.origin.line}" if spec.origin is not None else None
    return ColumnView(
        anchor=f"c{number}",
        title=report.title if report.operation is not None else describe_column(report),
        name=report.title,
        spec=spec,
        verdict=report.verdict,
        counts=report.counts(),
        dialect=f"{report.dialect.label}, from {report.dialect.source}",
        origin=origin,
        severities=[_severity_view(severity, list(group), reader, link_base)
                    for severity, group in groupby(report.findings, key=lambda f: f.severity)],
        plan=[_step_view(step, link_base) for step in report.plan],
        picture=dependency_picture(spec.table, report.usages, hops, [f.location for f in report.findings]),
        usages=[_usage_view(fact, link_base) for fact in report.usages],
        errors=list(report.errors),
        operation=report.operation is not None,
    )


def _severity_view(severity: str, findings: list[Any], reader: SourceReader, link_base: str | None) -> dict[str, Any]:
    """Production sites first; test-code sites (often a hundred fixtures) folded away below them."""
    views = [_finding_view(f, reader, link_base) for f in findings]
    return {
        "severity": severity,
        "count": len(views),
        "production": [v for v in views if not v["in_tests"]],
        "tests": [v for v in views if v["in_tests"]],
    }


def _finding_view(finding: Any, reader: SourceReader, link_base: str | None) -> dict[str, Any]:
    loc = finding.location
    rule = RULES_BY_ID.get(finding.rule)
    return {
        "rule": finding.rule,
        "summary": rule.summary if rule else "",
        "severity": finding.severity,
        "path": loc.path,
        "line": loc.line,
        "where": f"{loc.path}:{loc.line}" if loc.path else f"({loc.symbol or 'project'})",
        "link": source_link(link_base, loc.path, loc.line, loc.site_end),
        "symbol": loc.symbol,
        "message": prose_html(finding.message),
        "fix": prose_html(finding.fix),
        "confidence": finding.confidence,
        "in_tests": is_test_path(loc.path),
        "excerpt": excerpt_html(reader, loc, finding.snippet) if loc.path else "",
        "related": [{"where": f"{r.location.path}:{r.location.line}", "note": inline_html(r.note),
                     "link": source_link(link_base, r.location.path, r.location.line)} for r in finding.related],
    }


def _step_view(step: Any, link_base: str | None) -> dict[str, Any]:
    sites = [{"where": f"{s.path}:{s.line}", "symbol": s.symbol, "link": source_link(link_base, s.path, s.line)} for s in step.sites]
    return {
        "number": step.number,
        "name": step.name,
        "title": step.title,
        "description": prose_html(step.description),
        "sql": [{"text": text, "html": highlight_sql(text)} for text in map(pasteable, step.sql)],
        "migration_code": [{"framework": framework, "text": code, "html": highlight_python(code)} for framework, code in step.migration_code],
        "sites": sites[:SITES_SHOWN],
        "more_sites": sites[SITES_SHOWN:],
    }


def _reach(fact: Any) -> str:
    if fact.extra.get("through"):
        return "through_view"
    return fact.detail if fact.detail in INDIRECT_READS else "named"


def _reach_label(fact: Any) -> str:
    if through := fact.extra.get("through"):
        return "via view " + " → ".join(through)
    return INDIRECT_READS.get(fact.detail or "", "")


def _columns_folded(fact: Any) -> str:
    """The summary a long column list folds under ("31 columns, every field"); empty when it is short."""
    if len(fact.columns) <= FOLD_COLUMNS_OVER:
        return ""
    return f"{len(fact.columns)} columns" + (", every field" if fact.detail == "orm_load" else "")


def _usage_view(fact: Any, link_base: str | None) -> dict[str, Any]:
    loc = fact.location
    columns = ", ".join(fact.columns) if fact.columns else ("*" if "star" in (fact.detail or "") or fact.detail == "positional_insert" else "")
    return {
        "access": fact.access,
        "where": f"{loc.path}:{loc.line}",
        "path": loc.path,
        "link": source_link(link_base, loc.path, loc.line, loc.site_end),
        "symbol": loc.symbol or "",
        "table": fact.table,
        "columns": columns,
        "columns_folded": _columns_folded(fact),
        "detail": fact.detail or "",
        "kind": _reach(fact),  # whole-row loads, attribute reads, readers of a view, apart
        "kind_label": _reach_label(fact),
        "via": fact.via or "",
        "confidence": fact.confidence,
        "in_tests": is_test_path(loc.path),
    }


def prose_html(text: str) -> Markup:
    """A message, fix or step description as HTML: paragraphs with `<code>` for code spans, code
    blocks highlighted (as SQL unless fenced with another language); every other character escaped."""
    parts = []
    for block in blocks(text):
        if block.code:
            html = highlight_python(block.text) if block.language in ("python", "py") else highlight_sql(block.text)
            parts.append(f'<div class="code-block">{html}</div>')
        else:
            parts.append(f"<p>{inline_html(block.text)}</p>")
    return Markup("".join(parts))


def inline_html(text: str) -> Markup:
    """One paragraph: code spans as `<code>`, newlines as `<br>`, the rest escaped."""
    return Markup("").join(Markup("<code>{}</code>").format(piece) if is_code else escape(piece).replace("\n", Markup("<br>"))
                           for is_code, piece in code_spans(text))
