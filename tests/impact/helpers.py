"""Build an impact context from fixture files, and read `depmap-expect:` markers.

A marker is a comment on the line a finding must point at, in any language:
`# depmap-expect: select-star warning` or `-- depmap-expect: positional-insert breaking`
(several on one line separated by `;`). A case folder passes when the rule under test reports
exactly the marked (path, line, rule, severity) set: a missing, extra or misplaced finding fails.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depmap.dialects.capabilities import Dialect, parse_version
from depmap.impact.context import ImpactContext
from depmap.impact.engine import impact_context
from depmap.impact.finding import Finding
from depmap.impact.spec import ColumnSpec, parse_default, parse_target, parse_type
from depmap.index.build import build_index

CASES = Path(__file__).parent / "cases"
_MARKER = re.compile(r"depmap-expect:\s*(.+?)\s*(?:-->|\*/|$)")


@dataclass(frozen=True, order=True)
class Expected:
    path: str
    line: int
    rule: str
    severity: str


def write_files(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def context_for(
    root: Path,
    target: str,
    *,
    type: str | None = None,
    not_null: bool = False,
    default: str | None = None,
    dialect: str = "postgres",
    server_version: str | None = None,
    changed_paths: tuple[str, ...] = (),
    **spec_fields: Any,
) -> ImpactContext:
    """The context of a proposed column on the project at `root` (scanned for real)."""
    index = build_index(root, dialect=dialect)
    table, column = parse_target(target)
    spec = ColumnSpec(
        table=table,
        column=column,
        type=parse_type(type, dialect),
        nullable=not not_null,
        default=parse_default(default, dialect),
        **spec_fields,
    )
    return impact_context(index, spec, Dialect(dialect, parse_version(server_version), "option"), changed_paths)


def check_context(
    root: Path,
    migration: str,
    target: str | None = None,
    *,
    dialect: str = "postgres",
    server_version: str | None = None,
) -> ImpactContext:
    """The context `depmap check <migration>` gives the rules: the spec read from the migration
    (the column `target` names, or its only added column) and the migration as the change."""
    from depmap.impact.migration_specs import specs_from_migrations

    index = build_index(root, dialect=dialect)
    specs, problems = specs_from_migrations(index, [migration])
    if target is not None:
        table, column = parse_target(target)
        specs = [s for s in specs if s.column == column and (s.table == table or s.table.endswith("." + table))]
    assert len(specs) == 1, f"{migration}: expected one added column{f' {target}' if target else ''}, got {specs} {problems}"
    changed = tuple(sorted({migration} | {s.origin.path for s in specs if s.origin is not None}))
    return impact_context(index, specs[0], Dialect(dialect, parse_version(server_version), "option"), changed)


def operation_contexts(root: Path, migrations: list[str], *, dialect: str = "postgres",
                       server_version: str | None = None) -> list[Any]:
    """The contexts `depmap check <migrations>` gives the operation rules: every judged schema
    operation of those files, with the schema before them."""
    from depmap.impact.engine import before_change
    from depmap.impact.operation_context import operations_in

    index = build_index(root, dialect=dialect)
    chosen = Dialect(dialect, parse_version(server_version), "option")
    return operations_in(index, migrations, None, chosen, before_change(index.facts, migrations))


def change_context(root: Path, target: str, change: str, *, new_name: str | None = None, set_type: str | None = None,
                   dialect: str = "postgres", server_version: str | None = None) -> ImpactContext:
    """The context of `depmap impact TARGET --drop | --rename NEW | --set-type T` on the project at `root`."""
    from depmap.impact.plan_change import current_sql_type
    from depmap.impact.spec import parse_new_name

    index = build_index(root, dialect=dialect)
    chosen = Dialect(dialect, parse_version(server_version), "option")
    table, column = parse_target(target)
    existing = index.catalog.get(table).columns[column]
    spec = ColumnSpec(table, column, existing.type, existing.nullable is not False, change=change)
    if change == "rename":
        spec = ColumnSpec(table, column, existing.type, spec.nullable, change=change, new_name=parse_new_name(new_name or ""))
    elif change == "set_type":
        old = current_sql_type(impact_context(index, spec, chosen), existing.type, existing.extra.get("size"))
        spec = ColumnSpec(table, column, parse_type(set_type, dialect), spec.nullable, change=change, old_type=old)
    return impact_context(index, spec, chosen)


def check_change_context(root: Path, migration: str, target: str, *, dialect: str = "postgres",
                         server_version: str | None = None) -> ImpactContext:
    """The context `depmap check <migration>` gives the rules for the column `target` that the
    migration drops, renames or retypes."""
    from depmap.impact.change_specs import change_specs
    from depmap.impact.engine import before_change

    index = build_index(root, dialect=dialect)
    chosen = Dialect(dialect, parse_version(server_version), "option")
    table, column = parse_target(target)
    specs = [s for s in change_specs(index, [migration], None, chosen, before_change(index.facts, [migration]))
             if s.table == table and s.column == column]
    assert len(specs) == 1, f"{migration}: expected one change of {target}, got {specs}"
    return impact_context(index, specs[0], chosen, (migration,))


def findings_of(rule_module: Any, ctx: ImpactContext) -> list[Finding]:
    return sorted(rule_module.RULE.check(ctx), key=Finding.sort_key)


def markers(root: Path) -> set[Expected]:
    """`depmap-expect: rule severity` markers on the offending lines; a proposal's findings about the
    migration not written yet (no file) are listed in case.toml: `new_migration = ["rule severity"]`."""
    expected: set[Expected] = set()
    if (root / "case.toml").is_file():
        for item in load_case(root).get("new_migration", []):
            rule, severity = item.split()
            expected.add(Expected("", 0, rule, severity))
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name == "case.toml":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _MARKER.search(line)
            if match:
                for item in match.group(1).split(";"):
                    rule, severity = item.split()
                    expected.add(Expected(path.relative_to(root).as_posix(), number, rule, severity))
    return expected


def actual(findings: list[Finding]) -> set[Expected]:
    return {Expected(f.location.path, f.location.line, f.rule, f.severity) for f in findings}


def load_case(folder: Path) -> dict[str, Any]:
    with open(folder / "case.toml", "rb") as handle:
        return tomllib.load(handle)
