"""Every command that takes a TABLE[.COLUMN] target takes a model too: `Customer.phone`,
`customers.Customer.phone` (Django app label), `customers.models.Customer.phone` (qualified name),
SQLAlchemy models by their class. The answer is about the mapped table and column, and one line on
stderr says what the model resolved to."""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.cli.main import cli
from tests.e2e.conftest import REPO

DJANGO = str(REPO / "samples" / "django_shop")
SQLALCHEMY = str(REPO / "samples" / "sqlalchemy_service")
MARKET = str(REPO / "tests" / "orm" / "fixtures" / "market")

TARGET_COMMANDS = sorted(name for name, command in cli.commands.items() if any(p.name == "target" for p in command.params))


def test_the_commands_that_take_a_target():
    """A new command with a target is run by the test below as well; this list says which exist."""
    assert set(TARGET_COMMANDS) >= {"downstream", "history", "impact", "report", "who-reads", "who-writes"}


@pytest.mark.parametrize("name", TARGET_COMMANDS)
def test_every_target_command_resolves_a_model(depmap, tmp_path, name):
    if name in ("impact", "report", "verify"):  # a column to add: an attribute the model does not have yet
        args, said = ["Customer.nickname", "--type", "text"], "depmap: Customer.nickname → customers_customer.nickname"
        args += ["-o", str(tmp_path / "impact.html")] if name == "report" else []
        args += ["--rows", "300", "--fail-on", "never"] if name == "verify" else []
        answer = "customers_customer.nickname"
    else:
        args, said = ["Customer.phone"], "depmap: Customer.phone → customers_customer.phone_number"
        answer = "customers_customer.phone_number"
    run = depmap(name, *args, "--path", DJANGO)
    assert run.code == 0, run.err
    assert run.err.splitlines()[0] == said
    written = (tmp_path / "impact.html").read_text(encoding="utf-8") if name == "report" else run.out
    assert answer in written


@pytest.mark.parametrize(
    ("target", "said", "title"),
    [
        ("customers.Customer.email", "customers.Customer.email → customers_customer.email", "Code that reads customers_customer.email: "),
        ("customers.models.Customer.email", "customers.models.Customer.email → customers_customer.email",
         "Code that reads customers_customer.email: "),
        ("sales.Order.total", "sales.Order.total → sales_order.total_amount", "Code that reads sales_order.total_amount: "),
        ("Order.customer", "Order.customer → sales_order.customer_id", "Code that reads sales_order.customer_id: "),
        ("Customer", "Customer → customers_customer", "Code that reads customers_customer: "),
    ],
)
def test_django_models_by_label_qualified_name_and_db_column(depmap, target, said, title):
    run = depmap("who-reads", target, "--path", DJANGO)
    assert run.code == 0, run.err
    assert run.err == f"depmap: {said}\n"
    assert run.out.startswith(title)


def test_sqlalchemy_attribute_is_its_column(depmap):
    run = depmap("who-writes", "AccountNote.body", "--path", SQLALCHEMY, "--format", "json")
    assert (run.code, run.err) == (0, "depmap: AccountNote.body → account_notes.note_text\n")
    assert run.json()["query"] == {"table": "account_notes", "column": "note_text"}
    assert {u["path"] for u in run.json()["usages"]} == {"billing/repositories.py"}


def test_an_existing_field_is_not_a_column_to_add(depmap):
    run = depmap("impact", "Customer.phone", "--type", "text", "--path", DJANGO)
    assert run.code == 2
    assert run.err.splitlines() == [
        "depmap: Customer.phone → customers_customer.phone_number",
        "depmap: customers_customer.phone_number already exists (defined at customers/migrations/0001_initial.py:22); pick another name",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["who-reads", "Customer.email"], "'Customer' names 2 models: relations.Customer (relations_customer), "
                                          "storefront.Customer (shop_customers); write one of them"),
        (["impact", "Customer.email", "--type", "text"], "'Customer' names 2 models: relations.Customer (relations_customer), "
                                                          "storefront.Customer (shop_customers); write one of them"),
        (["history", "Contactable.email"], "Contactable is abstract: it has no table of its own; ask about a model that inherits it: Customer"),
        (["impact", "relations.Customer", "--type", "text"], "'relations.Customer' names the model Customer, not a column; write Customer.COLUMN"),
        (["who-reads", "relations.Customer.emial"], "table 'relations_customer' has no column 'emial'; did you mean email?"),
    ],
)
def test_a_model_target_that_cannot_be_answered_exits_2(depmap, args, message):
    run = depmap(*args, "--path", MARKET)
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines()[-1] == f"depmap: {message}"


def test_quiet_leaves_the_resolution_out(depmap):
    run = depmap("who-reads", "Customer.phone", "--path", DJANGO, "-q")
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("Code that reads customers_customer.phone_number: ")
