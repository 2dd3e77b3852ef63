"""The impact report as Markdown for a pull-request comment (templates/report.md.j2).

A reviewer reads it in a comment, at a comment's width: the verdict on the first line, then one
list item per finding (`severity · where · what`, its fix folded in <details>), the rollout plan
(the first `SITES_SHOWN` sites of each step) and the files not analysed folded away too; the
footer names no path of the machine that ran it. GitHub rejects comments over 65,536 characters,
so the rendering never exceeds `limit`: when the whole report is longer, parts are left out from
their least important end until it fits, and each cut says how much it left out. In order: the
lines that name the table without a classified usage (an `impact` report's `mentions`), the list
of files not analysed (project-wide, not about this column), warning and info findings (least
severe first), the sites the plan steps list, breaking and error findings, whole plans (last
column first); what fits again once a later part is gone is given back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from depmap.impact.engine import ImpactReport, overall_verdict
from depmap.impact.finding import BREAKING, BREAKS, NEEDS_CARE, SAFE, SEVERITY_ORDER, Finding
from depmap.impact.plan import Step, pasteable
from depmap.impact.scope import is_test_path
from depmap.mentions import MentionSearch
from depmap.model import Location
from depmap.render import SITES_SHOWN
from depmap.render.impact_text import describe_column
from depmap.render.run_info import RunInfo
from depmap.render.templates import render

VERDICT_WORDS = {BREAKS: "is **breaking**", NEEDS_CARE: "**needs care**", SAFE: "is **safe**"}
CODE_LABELS = {"django": "As a Django migration", "alembic": "As an Alembic migration", "python": "As a plain Python loop"}


class ReportTooLong(ValueError):
    """Even the report with every list left out is longer than the limit."""


@dataclass(frozen=True)
class Cuts:
    """How many items of each kind are left out, counted from the least important end."""

    skipped: int = 0
    mentions: int = 0
    findings: int = 0
    sites: int = 0
    plans: int = 0


@dataclass(frozen=True)
class StepView:
    step: Step
    sql: str  # the statements, each ending in `;`
    code: list[tuple[str, str]]  # (label, migration code)
    sites: list[Location]
    hidden_sites: int


@dataclass(frozen=True)
class ColumnView:
    report: ImpactReport
    name: str  # table.column
    words: str  # the type and constraints, e.g. "TEXT NOT NULL"
    counts: str  # "3 breaking · 2 warning"
    findings: list[Finding]
    hidden_findings: int
    steps: list[StepView] | None  # None when the plan is left out

    @property
    def production_findings(self) -> list[Finding]:
        return [f for f in self.findings if not is_test_path(f.location.path)]

    @property
    def test_findings(self) -> list[Finding]:
        """Sites in test code: the suite must change, production does not; folded below the rest."""
        return [f for f in self.findings if is_test_path(f.location.path)]


def render_markdown(reports: list[ImpactReport], run: RunInfo, *, limit: int = 60_000, mentions: MentionSearch | None = None) -> str:
    """The report for `reports` (one for `impact`, one per added column for `check`), at most `limit` characters;
    with `mentions`, the lines that name the table and no usage explains, folded away."""
    ordered = [_by_severity(report.findings) for report in reports]
    findings = [f for report_findings in ordered for f in report_findings]
    minor = sum(1 for f in findings if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[BREAKING])
    everything = Cuts(
        skipped=len(run.skipped),
        mentions=len(mentions.mentions) if mentions is not None else 0,
        findings=len(findings),
        sites=sum(min(len(step.sites), SITES_SHOWN) for report in reports for step in report.plan),
        plans=len(reports),
    )
    # Least important first; breaking findings outrank the sites a plan lists for review.
    stages = [
        ("mentions", everything.mentions),
        ("skipped", everything.skipped),
        ("findings", minor),
        ("sites", everything.sites),
        ("findings", everything.findings),
        ("plans", everything.plans),
    ]

    def fits(cuts: Cuts) -> bool:
        return len(_page(reports, ordered, run, cuts, mentions)) <= limit

    cuts = _cut([(kind, most) for kind, most in stages if most], fits)
    if cuts is None:
        shortest = len(_page(reports, ordered, run, everything, mentions))
        raise ReportTooLong(f"the Markdown report needs at least {shortest} characters; the limit is {limit}")
    return _page(reports, ordered, run, cuts, mentions)


def _cut(stages: list[tuple[str, int]], fits: Callable[[Cuts], bool]) -> Cuts | None:
    """The least to leave out. Each stage names a kind and how many of it may go in all; stages
    are taken in turn until the page fits, the last one only as far as needed. The kinds of the
    earlier stages are then given back as far as the page still fits (once a plan is left out,
    findings may fit again). None when every stage in full is not enough."""
    cuts = Cuts()
    for position, (kind, most) in enumerate(stages):
        if fits(cuts):
            return cuts
        if not fits(replace(cuts, **{kind: most})):
            cuts = replace(cuts, **{kind: most})
            continue
        cuts = _shrink(cuts, kind, most, fits)
        for earlier, _ in reversed(stages[:position]):
            cuts = _shrink(cuts, earlier, getattr(cuts, earlier), fits)
        return cuts
    return cuts if fits(cuts) else None


def _shrink(cuts: Cuts, kind: str, most: int, fits: Callable[[Cuts], bool]) -> Cuts:
    """`cuts` leaving out the fewest of `kind` (0..most) with which the page fits, given that
    `most` fits. A binary search: the page shrinks as more is left out (but for the line that
    says so), so the answer is the fewest or close to it, and always fits."""
    low, high = -1, most  # high fits; low and below were found not to
    while high - low > 1:
        middle = (low + high) // 2
        if fits(replace(cuts, **{kind: middle})):
            high = middle
        else:
            low = middle
    return replace(cuts, **{kind: high})


def _page(reports: list[ImpactReport], ordered: list[list[Finding]], run: RunInfo, cuts: Cuts, mentions: MentionSearch | None = None) -> str:
    shown_findings = _kept_findings(ordered, cuts.findings)
    shown_sites = _kept_sites(reports, cuts.sites)
    plans_shown = len(reports) - cuts.plans
    columns = [
        _column(report, ordered[i][: shown_findings[i]], len(ordered[i]) - shown_findings[i],
                shown_sites[i] if i < plans_shown else None)
        for i, report in enumerate(reports)
    ]
    skipped = list(run.skipped[: len(run.skipped) - cuts.skipped])
    return render(
        "report.md.j2",
        columns=columns,
        run=run,
        overall=overall_verdict(reports),
        verdict_words=VERDICT_WORDS,
        skipped=skipped,
        hidden_skipped=cuts.skipped,
        mentions=mentions,
        shown_mentions=mentions.mentions[: len(mentions.mentions) - cuts.mentions] if mentions is not None else [],
        hidden_mentions=cuts.mentions,
    )


def _column(report: ImpactReport, findings: list[Finding], hidden: int, sites: list[list[Location]] | None) -> ColumnView:
    name = report.title
    counts = report.counts_label()
    steps = None
    if sites is not None:
        steps = [
            StepView(step, "\n".join(pasteable(sql) for sql in step.sql),
                     [(CODE_LABELS.get(framework, f"As {framework} code"), code) for framework, code in step.migration_code],
                     shown, len(step.sites) - len(shown))
            for step, shown in zip(report.plan, sites)
        ]
    described = "" if report.operation is not None else describe_column(report).removeprefix(name).strip()
    return ColumnView(report, name, described, counts, findings, hidden, steps)


def _by_severity(findings: list[Finding]) -> list[Finding]:
    """Most severe first, production before test code; otherwise as the report orders them.
    A cut to the size limit drops from the end, so test-code sites go before production ones."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], is_test_path(f.location.path)))


def _kept_findings(ordered: list[list[Finding]], dropped: int) -> list[int]:
    """How many findings of each report stay when `dropped` are left out, least severe first
    across all reports (the last report's first at equal severity)."""
    ranked = sorted((SEVERITY_ORDER[f.severity], i, j) for i, findings in enumerate(ordered) for j, f in enumerate(findings))
    kept = [0] * len(ordered)
    for _, i, _ in ranked[: len(ranked) - dropped]:
        kept[i] += 1
    return kept


def _kept_sites(reports: list[ImpactReport], dropped: int) -> list[list[list[Location]]]:
    """The sites each plan step keeps (its first `SITES_SHOWN` at most) when `dropped` are left out
    from the end of the last list."""
    budget = sum(min(len(step.sites), SITES_SHOWN) for report in reports for step in report.plan) - dropped
    kept = []
    for report in reports:
        steps = []
        for step in report.plan:
            steps.append(list(step.sites[: min(max(budget, 0), SITES_SHOWN)]))
            budget -= min(len(step.sites), SITES_SHOWN)
        kept.append(steps)
    return kept


