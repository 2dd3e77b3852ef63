"""Every impact rule, in report order. Adding a rule: its module in `rules/`, one line here, one
case folder under tests/impact/cases/ (a test checks all three agree). Column rules and
operation rules share the list: a rule id means one thing whatever it judges."""

from __future__ import annotations

from importlib import import_module

from depmap.impact.rule import Rule

RULE_MODULES: tuple[str, ...] = (
    "column_exists",
    "positional_insert",
    "insert_select_star",
    "copy_without_columns",
    "frame_replaces_table",
    "not_null_without_default",
    "select_star",
    "ambiguous_column",
    "natural_join_change",
    "orm_model_missing_field",
    "exposes_all_fields",
    "downstream_propagation",
    "contract_break",
    "view_star_frozen",
    "table_rewrite",
    "lock_timeout",
    "blocking_index",
    "concurrent_index_in_transaction",
    "validating_constraint",
    "unique_constraint_build",
    "not_null_scan",
    "reserved_word",
    "name_shadows_attribute",
    "unparsed_sql",
    "verify_lock",
    "verify_rewrite",
    "verify_statement_fails",
    "dropped_column_in_use",
    "column_has_dependents",
    "no_remaining_use",
    "renamed_column_in_use",
    "type_change_breaks",
    "column_type_rewrite",
)


def _load() -> tuple[Rule, ...]:
    return tuple(import_module(f"depmap.impact.rules.{name}").RULE for name in RULE_MODULES)


RULES: tuple[Rule, ...] = _load()
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
