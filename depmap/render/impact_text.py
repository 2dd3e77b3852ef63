"""The impact report on the terminal: verdict first, findings by severity, then the rollout plan.

Paths, symbols and other scanned one-line strings go through `printable`, messages, fixes and
code through `printable_lines`: no control character from the project reaches the terminal raw."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.syntax import Syntax
from rich.text import Text

from depmap.impact.engine import ImpactReport, overall_verdict
from depmap.impact.finding import BREAKS, NEEDS_CARE, Finding
from depmap.impact.plan import pasteable
from depmap.impact.scope import is_test_path
from depmap.render.printable import printable, printable_lines
from depmap.render.terminal_layout import aligned, print_block, print_line

_VERDICT_STYLE = {BREAKS: "bold red", NEEDS_CARE: "bold yellow"}
TEST_SITES_SHOWN = 3  # per rule and severity; JSON and HTML list every site
_SEVERITY_STYLE = {"error": "bold red", "breaking": "red", "warning": "yellow", "info": "cyan"}


def describe_column(report: ImpactReport) -> str:
    """`orders.note text NOT NULL`; for a change of an existing column, what changes:
    `orders.code to promo_code`, `orders.code from varchar(16) to text`."""
    spec = report.spec
    if spec.change == "drop":
        return f"{spec.table}.{spec.column}"
    if spec.change == "rename":
        return f"{spec.table}.{spec.column} to {spec.new_name}"
    if spec.change == "set_type":
        return f"{spec.table}.{spec.column} from {spec.old_type or '(type unknown)'} to {spec.type}"
    parts = [f"{spec.table}.{spec.column}", spec.type or "(type not given)"]
    if spec.not_null:
        parts.append("NOT NULL")
    if spec.default is not None:
        parts.append(f"DEFAULT {spec.default}")
    elif spec.add_default is not None:
        parts.append(f"(existing rows filled with {spec.add_default}, default then dropped)")
    return " ".join(parts)


def print_impact(out: Console, report: ImpactReport) -> None:
    summary = report.counts_label(", ", "; +{} in tests")
    heading = printable(report.title) if report.operation is not None else f"{report.spec.verb.capitalize()} {printable(describe_column(report))}"
    if report.operation is not None and not heading.startswith(f"{report.operation.table}."):
        heading = heading[:1].upper() + heading[1:]
    print_line(out, Text(heading, style="bold"))
    dialect = report.dialect
    print_line(out, Text(f"Target: {dialect.label}, from {dialect.source}", style="dim"))
    if report.spec.origin is not None:
        print_line(out, Text(f"Migration: {printable(report.spec.origin.path)}:{report.spec.origin.line}", style="dim"))
    print_line(out, Text(f"Verdict: {report.verdict} ({summary})", style=_VERDICT_STYLE.get(report.verdict, "bold green")))
    for severity, group in groupby(report.findings, key=lambda f: f.severity):
        items = list(group)
        out.print()
        print_line(out, Text(f"{severity.upper()} ({len(items)})", style=_SEVERITY_STYLE[severity]))
        shown_in_tests: dict[str, int] = {}
        for finding in items:
            if is_test_path(finding.location.path):
                shown_in_tests[finding.rule] = shown_in_tests.get(finding.rule, 0) + 1
                if shown_in_tests[finding.rule] > TEST_SITES_SHOWN:
                    continue
            _print_finding(out, finding)
        for rule, count in shown_in_tests.items():
            if count > TEST_SITES_SHOWN:
                more = count - TEST_SITES_SHOWN
                print_block(out, f"… and {more} more [{rule}] site{'s' * (more != 1)} in test code (--format json lists every one)", "  ", style="dim")
    for error in report.errors:
        print_line(out, Text(f"depmap: internal error: {printable(error)}", style="red"))
    if report.baselined:
        print_line(out, Text(f"({report.baselined} more finding{'s' * (report.baselined != 1)} baselined in .depmap-baseline.json)", style="dim"))
    if report.suppressed:
        out.print()
        print_line(out, Text(f"SUPPRESSED ({len(report.suppressed)}), left out of the verdict", style="bold dim"))
        for item in report.suppressed:
            loc = item.finding.location
            where = f"{loc.path}:{loc.line}" if loc.path else f"({loc.symbol or 'project'})"
            print_block(out, printable(f"{where}  [{item.finding.rule}] by {item.by}: {item.reason}"), "  ", style="dim")
    if report.plan:
        out.print()
        print_line(out, Text(f"Rollout plan for {dialect.label} (from {printable(dialect.source)}, as the findings)", style="bold"))
        for step in report.plan:
            out.print()
            print_line(out, Text(f"{step.number}. {step.title}", style="bold"))
            if step.description:
                print_block(out, printable_lines(step.description), "   ")
            for statement in step.sql:
                _print_sql(out, statement)
            for framework, code in step.migration_code:
                print_line(out, Text(f"   As a {framework.capitalize()} migration:", style="dim"))
                for line in printable_lines(code).rstrip().splitlines():
                    print_line(out, Text(f"     {line}".rstrip()))
            for site in step.sites:
                symbol = f"  {site.symbol}" if site.symbol else ""
                print_line(out, Text(printable(f"   - {site.path}:{site.line}{symbol}"), style="cyan"))


def print_check(out: Console, reports: list[ImpactReport], migrations: tuple[str, ...], problems: tuple[str, ...]) -> None:
    """`depmap check`: what was checked, then one impact report per column the migrations add."""
    if not migrations:
        out.print("No migrations changed; nothing to check.")
    for problem in problems:
        print_line(out, Text(f"depmap: {printable(problem)}", style="yellow"))
    columns = sum(1 for report in reports if report.operation is None and report.spec.adds)
    changed = sum(1 for report in reports if report.operation is None and not report.spec.adds)
    others = len(reports) - columns - changed
    judged = (f"{columns} column(s) added" + (f", {changed} dropped, renamed or retyped" if changed else "")
              + (f", {others} other operation(s) with findings" if others else ""))
    print_line(out, Text(f"Checked {len(migrations)} file(s): {judged}; overall verdict: {overall_verdict(reports)}", style="bold"))
    if len(reports) > 1:  # one line per change first: the details follow
        rows = [[Text(heading, style="bold") for heading in ("change", "verdict", "findings", "at")]]
        for report in reports:
            counts = report.counts_label()
            origin = report.spec.origin
            change = report.title if report.operation is not None or report.spec.adds else f"{report.spec.verb} {describe_column(report)}"
            rows.append([
                Text(printable(change)),
                Text(report.verdict, style=_VERDICT_STYLE.get(report.verdict, "")),
                Text(counts),
                Text(printable(f"{origin.path}:{origin.line}") if origin is not None else ""),
            ])
        for line in aligned(rows, right=()):
            print_line(out, line)
    for report in reports:
        out.print()
        out.rule()
        print_impact(out, report)


_VERDICT_STYLE = {"breaking": "bold red", "needs care": "yellow", "safe": "green"}


def _print_finding(out: Console, finding: Finding) -> None:
    loc = finding.location
    where = f"{loc.path}:{loc.line}" if loc.path else f"({loc.symbol or 'project'})"
    print_line(out, Text("  ") + Text(printable(where), style="bold cyan") + Text(f"  [{finding.rule}]", style="dim"))
    print_block(out, printable_lines(finding.message), "    ")
    print_block(out, f"fix: {printable_lines(finding.fix)}", "    ", style="green")
    for related in finding.related:
        note = printable(f"- {related.location.path}:{related.location.line} {related.note}")
        print_block(out, note, "      ", style="dim", hang="        ")


def _print_sql(out: Console, statement: str) -> None:
    """Highlighted on a terminal; plain (and so copyable without padding) anywhere else."""
    text = printable_lines(pasteable(statement))
    if out.is_terminal and not out.no_color:
        highlighted = Syntax(text, "sql", theme="ansi_dark", background_color="default").highlight(text)
        for line in highlighted.split("\n"):
            print_line(out, Text("   ") + line)
    else:
        for line in text.splitlines():
            print_line(out, Text(f"   {line}"))
