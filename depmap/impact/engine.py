"""Run every rule over a proposed column and assemble the report every renderer shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from depmap.catalog import Catalog
from depmap.dialects.capabilities import Dialect
from depmap.impact.context import ImpactContext
from depmap.impact.finding import SEVERITY_ORDER, Finding, in_production, verdict
from depmap.impact.scope import soften_in_tests
from depmap.impact.spec import ColumnSpec
from depmap.model import Fact, Skipped


@dataclass
class ImpactReport:
    spec: ColumnSpec
    dialect: Dialect
    findings: list[Finding]
    plan: list[Any]  # plan.Step
    usages: list[Fact]  # code that reads or writes the table
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # rules that failed (a bug in depmap), one line each
    suppressed: list[Any] = field(default_factory=list)  # suppressions.Suppressed: left out of the verdict
    baselined: int = 0  # findings left out because .depmap-baseline.json holds them
    operation: Fact | None = None  # an operation report (`check`): the SCHEMA_OP judged, not a column added
    judge_tests: bool = False  # [tool.depmap] judge-test-code: test-code findings count like the others

    @property
    def judged(self) -> list[Finding]:
        """The findings the verdict, the counts and `--fail-on` follow: production code's by default."""
        return list(self.findings) if self.judge_tests else in_production(self.findings)

    @property
    def title(self) -> str:
        """What the report is about: `orders.note`, or the operation in words."""
        if self.operation is not None:
            from depmap.impact.operation_sql import described

            return described(self.operation)
        return f"{self.spec.table}.{self.spec.column}"

    @property
    def verdict(self) -> str:
        return verdict(self.judged)

    def counts(self) -> dict[str, int]:
        """Findings per severity, in production code (test code: `in_tests`)."""
        counts = {severity: 0 for severity in SEVERITY_ORDER}
        for finding in self.judged:
            counts[finding.severity] += 1
        return counts

    @property
    def in_tests(self) -> int:
        """Findings in test code: listed, but outside the counts and the verdict."""
        return len(self.findings) - len(self.judged)

    def counts_label(self, separator: str = " · ", tests: str = " (+{} in tests)") -> str:
        """"1 breaking · 2 warning (+5 in tests)", "no findings (+2 in tests)"."""
        label = separator.join(f"{n} {severity}" for severity, n in self.counts().items() if n) or "no findings"
        return label + tests.format(self.in_tests) if self.in_tests else label


def overall_verdict(reports: Iterable[ImpactReport]) -> str:
    """The verdict of a whole check: its reports' judged findings together."""
    return verdict([f for report in reports for f in report.judged])


def before_change(facts: list[Fact], changed_paths: Iterable[str]) -> Catalog:
    """The catalog as it stands without the migrations under review."""
    changed = set(changed_paths)
    return Catalog.from_facts(f for f in facts if f.location.path not in changed)


def catalog_before(index: Any, changed_paths: Iterable[str]) -> Catalog:
    """`before_change` of the index's facts, built once per index and set of paths: `check` and
    `verify --migration` ask for it three or four times, and each build replays every schema
    operation of the project (about 1.3 s at a million lines). Nothing changes a catalog once built."""
    changed = frozenset(changed_paths)
    built = index.__dict__.setdefault("catalogs_before", {}) if hasattr(index, "__dict__") else {}
    if changed not in built:
        built[changed] = before_change(index.facts, changed)
    return built[changed]


def _run_rules(ctx: Any, check: str, debug: bool, rules: Iterable[Any] | None) -> tuple[list[Finding], list[str]]:
    """Every rule's `check` (column rules) or `check_operation` on `ctx`; a rule that fails is one
    line of `errors`, never the end of the others."""
    from depmap.impact.registry import RULES

    findings: list[Finding] = []
    errors: list[str] = []
    for rule in RULES if rules is None else rules:
        if check == "check" and ctx.spec.change not in rule.changes:
            continue
        try:
            findings.extend(getattr(rule, check)(ctx))
        except Exception as error:  # a bug in one rule must not hide the others
            if debug:
                raise
            errors.append(f"rule {rule.id} failed: {type(error).__name__}: {error}")
    return findings, errors


def run_impact(ctx: ImpactContext, *, debug: bool = False, rules: Iterable[Any] | None = None) -> ImpactReport:
    from depmap.impact.plan import build_plan

    findings, errors = _run_rules(ctx, "check", debug, rules)
    findings = sorted({soften_in_tests(f) for f in findings}, key=Finding.sort_key)
    if ctx.spec.adds:
        usages = ctx.readers() + ctx.writers()
        plan = build_plan(ctx, findings)
    else:  # an existing column: the code that uses that column, and the plan of its change
        from depmap.impact.plan_change import build_change_plan

        usages = ctx.column_readers() + ctx.column_writers()
        plan = build_change_plan(ctx, findings)
    usages = sorted({id(f): f for f in usages}.values(), key=Fact.sort_key)
    return ImpactReport(ctx.spec, ctx.dialect, findings, plan, usages, errors=errors)


def run_operation(ctx: Any, *, debug: bool = False, rules: Iterable[Any] | None = None) -> ImpactReport:
    """The operation rules over one schema operation of a migration under review (`check`)."""
    findings, errors = _run_rules(ctx, "check_operation", debug, rules)
    op = ctx.op
    spec = ColumnSpec(op.table, ", ".join(op.columns), origin=op.location, framework=ctx.framework)
    findings = sorted(set(findings), key=Finding.sort_key)
    return ImpactReport(spec, ctx.dialect, findings, [], [], errors=errors, operation=op)


def frameworks_of(facts: list[Fact]) -> frozenset[str]:
    """Which migration tools and ORMs the project uses: the plan speaks their language."""
    found: set[str] = set()
    for fact in facts:
        framework = fact.extra.get("framework")
        if framework in ("django", "sqlalchemy"):
            found.add(framework)
        tool = fact.extra.get("tool")
        if tool in ("alembic", "django"):
            found.add(tool)
    return frozenset(found)


def impact_context(index: Any, spec: ColumnSpec, dialect: Dialect, changed_paths: Iterable[str] = ()) -> ImpactContext:
    """The context rules see for `spec` on an indexed project (`index` from project.build_index)."""
    changed = frozenset(changed_paths)
    catalog = catalog_before(index, changed) if changed else index.catalog
    store = getattr(index, "store", None)  # a warm `impact`: the frameworks were stored with the index
    frameworks = getattr(store, "frameworks", None)
    return ImpactContext(
        spec=spec,
        dialect=dialect,
        catalog=catalog,
        graph=index.graph,
        facts=index.facts,
        config=index.config,
        frameworks=frameworks if frameworks is not None else frameworks_of(index.facts),
        changed_paths=changed,
        root=index.root,
        files_scanned=getattr(index, "files_scanned", None),
        lookup=index if store is not None else None,
        searched=getattr(index, "searched", None),
    )
