"""Every rule's case folders: realistic code with `depmap-expect:` markers on the offending lines.

tests/impact/cases/<rule_id>/<case>/case.toml names the proposed column:
    target = "orders.discount_code"   type = "text"   not_null = true   default = "'x'"
    dialect = "postgres"   server_version = "16"   changed = ["migrations/0007.sql"] (check mode)
    check = "migrations/0007.sql": `depmap check` mode, the spec is read from that migration (the
    column `target` names when it adds several; type/not_null/default/spec are then ignored).
    change = "drop" | "rename" | "set_type" (with new_name = "..." / set_type = "..."): `depmap impact
    TARGET --drop/--rename/--set-type` on the existing column `target`.
    check_change = "migrations/0007.sql": `depmap check` of a migration that drops, renames or
    retypes the column `target`.
    operations = ["migrations/0007.sql"]: the operation rules over every index, constraint and
    NOT NULL change of those migrations, as `depmap check` runs them.
Only the findings of the folder's rule are compared, so one case shows one rule's behaviour.
"""

from __future__ import annotations

from dataclasses import replace

from pathlib import Path

import pytest

from importlib import import_module

from tests.impact.helpers import (CASES, actual, change_context, check_change_context, check_context, context_for, load_case, markers,
                                  operation_contexts)


def _case_folders() -> list[Path]:
    return sorted(p for p in CASES.glob("*/*") if (p / "case.toml").is_file())


@pytest.mark.parametrize("folder", _case_folders(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_case(folder: Path) -> None:
    case = load_case(folder)
    rule = import_module(f"depmap.impact.rules.{folder.parent.name}").RULE
    expected = {e for e in markers(folder) if e.rule == rule.id}
    if "operations" in case:
        contexts = operation_contexts(folder, case["operations"], dialect=case.get("dialect", "postgres"),
                                      server_version=case.get("server_version"))
        found = actual([f for ctx in contexts for f in rule.check_operation(ctx)])
        assert sorted(found) == sorted(expected)
        return
    if "change" in case:
        ctx = change_context(folder, case["target"], case["change"], new_name=case.get("new_name"), set_type=case.get("set_type"),
                             dialect=case.get("dialect", "postgres"), server_version=case.get("server_version"))
    elif "check_change" in case:
        ctx = check_change_context(folder, case["check_change"], case["target"], dialect=case.get("dialect", "postgres"),
                                   server_version=case.get("server_version"))
    elif "check" in case:
        ctx = check_context(folder, case["check"], case.get("target"), dialect=case.get("dialect", "postgres"),
                            server_version=case.get("server_version"))
    else:
        ctx = context_for(
            folder,
            case["target"],
            type=case.get("type"),
            not_null=case.get("not_null", False),
            default=case.get("default"),
            dialect=case.get("dialect", "postgres"),
            server_version=case.get("server_version"),
            changed_paths=tuple(case.get("changed", ())),
            **case.get("spec", {}),
        )
    # case.toml describes the case; it is not the fixture's code (it names the target column).
    ctx = replace(ctx, config=replace(ctx.config, exclude=(*ctx.config.exclude, "case.toml")))
    found = actual(list(rule.check(ctx)))
    assert sorted(found) == sorted(expected)


def test_every_rule_has_a_bad_and_a_good_case() -> None:
    from depmap.impact.registry import RULES_BY_ID

    for rule_id in (r for r, rule in RULES_BY_ID.items() if not rule.measured):  # measured: tests/verify
        folders = [p for p in (CASES / rule_id.replace("-", "_")).glob("*") if (p / "case.toml").is_file()]
        with_findings = [p for p in folders if any(e.rule == rule_id for e in markers(p))]
        without = [p for p in folders if not any(e.rule == rule_id for e in markers(p))]
        assert with_findings, f"{rule_id}: no case that expects a finding"
        assert without, f"{rule_id}: no case that expects none"
