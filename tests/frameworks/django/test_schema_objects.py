"""Django's index and constraint declarations, in models and migrations alike: parsed into plain
data, then (linked) the model's schema operations, each at its line."""

from __future__ import annotations

import ast
from pathlib import Path

from depmap.frameworks.django.models import DJANGO_MODELS
from depmap.frameworks.django.schema_objects import schema_object, together
from depmap.model import SCHEMA_OP
from depmap.orm.link import link_orm
from depmap.python.tree import SourceText

from tests.frameworks.migration_facts import fixture_readers

source, at, scan = fixture_readers(Path(__file__).parent / "fixtures")
LEDGER = "ledger/models.py"


def parsed(code: str) -> dict | None:
    found = schema_object(ast.parse(code, mode="eval").body, SourceText(code))
    return {k: v for k, v in found.items() if k not in ("line", "end_line")} if found else None


def test_index_and_constraint_calls() -> None:
    assert parsed('models.Index(fields=["customer", "-created_at"], name="orders_customer_idx", condition=Q(status="open"))') == {
        "kind": "index", "name": "orders_customer_idx", "fields": ["customer", "created_at"], "expressions": False,
        "condition": 'Q(status="open")',
    }
    assert parsed('models.Index(Lower("email").desc(), "tenant", name="users_email_idx")') == {
        "kind": "index", "name": "users_email_idx", "fields": ["email", "tenant"], "expressions": True, "condition": None,
    }
    assert parsed('models.UniqueConstraint(fields=("order", "sku"), name="uniq_line", condition=Q(deleted=False))') == {
        "kind": "unique", "name": "uniq_line", "fields": ["order", "sku"], "expressions": False, "condition": "Q(deleted=False)",
        "check": None,
    }
    # Django 5.1 spells check= as condition=
    assert parsed('models.CheckConstraint(condition=Q(total__gte=0), name="total_positive")') == {
        "kind": "check", "name": "total_positive", "fields": [], "expressions": False, "condition": None, "check": "Q(total__gte=0)",
    }
    assert parsed('ExclusionConstraint(name="no_overlap", expressions=[("room", RangeOperators.EQUAL), (TsTzRange("start", "end"), RangeOperators.OVERLAPS)])') == {
        "kind": "exclude", "name": "no_overlap", "fields": ["room", "start"], "expressions": True, "condition": None, "check": None,
    }
    assert parsed("models.CharField(max_length=3)") is None


def test_together_options() -> None:
    def read(code: str):
        return together(ast.parse(code, mode="eval").body)

    assert read('(("customer", "number"), ("customer", "reference"))') == [["customer", "number"], ["customer", "reference"]]
    assert read('("customer", "number")') == [["customer", "number"]]  # one set, written without its tuple
    assert read('{("b", "a")}') == [["b", "a"]]
    assert read("set()") is None and read("UNIQUE_FIELDS") is None


def test_a_models_declarations_become_its_schema_operations() -> None:
    f = LEDGER
    facts = [fact for fact in link_orm(scan(f, (DJANGO_MODELS,)).facts) if fact.kind == SCHEMA_OP]
    rows = [(x.location.line, x.table, x.detail, x.columns, {k: v for k, v in x.extra.items() if k not in ("model", "within")})
            for x in facts]
    assert {fact.extra["within"] for fact in facts} == {"model"}  # declarations, not operations a migration ran
    assert rows == [
        (at(f, "class Account("), "ledger_account", "create_table", ("id", "owner_id", "email", "region"), {"column_constraints": [
            {"column": "id", "primary_key": True},
            # a OneToOneField is unique; a swappable user model is not resolved
            {"column": "owner_id", "unique": True, "references": {"table": None, "columns": [], "model": "django.conf.settings.AUTH_USER_MODEL"}},
            {"column": "email", "unique": True},
            {"column": "region", "index": True},
        ]}),
        (at(f, "class Entry("), "ledger_entry", "create_table",
         ("id", "account_id", "booked_by_id", "reference", "memo", "amount_cents", "booked_at", "tags"), {"column_constraints": [
             {"column": "id", "primary_key": True},
             {"column": "account_id", "index": True, "references": {"table": "ledger_account", "columns": ["id"]}},
             {"column": "booked_by_id", "references": {"table": None, "columns": [], "model": "django.conf.settings.AUTH_USER_MODEL"}},  # db_index=False
         ]}),
        (at(f, '"entries_account_booked_idx"'), "ledger_entry", "create_index", ("account_id", "booked_at"), {"name": "entries_account_booked_idx"}),
        (at(f, '"entries_memo_lower_idx"'), "ledger_entry", "create_index", ("memo",), {"name": "entries_memo_lower_idx", "expressions": True}),
        (at(f, "GinIndex("), "ledger_entry", "create_index", ("tags",), {"name": "entries_tags_gin"}),
        (at(f, '"entries_reference_uniq"'), "ledger_entry", "add_constraint", ("account_id", "reference"),
         {"name": "entries_reference_uniq", "constraint": "unique"}),
        (at(f, '"entries_amount_nonzero"'), "ledger_entry", "add_constraint", (),
         {"name": "entries_amount_nonzero", "constraint": "check", "check": "~models.Q(amount_cents=0)"}),
        (at(f, "class Entry("), "ledger_entry", "create_index", ("account_id", "booked_at"), {"option": "index_together"}),
    ]
