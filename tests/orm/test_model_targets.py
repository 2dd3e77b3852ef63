"""A target written as a model (`Customer.email`, `relations.Customer.phone`, a qualified name) is
the table and column the registry maps it to; the registry is built from a scan of realistic
Django, SQLAlchemy and SQLModel code, so db_column=, Column("name", ...) and mapped_column("name")
are read as a user writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.index.build import build_index
from depmap.orm.model_targets import ModelTargetError, resolve_model_target
from depmap.orm.registry import Registry

MARKET = Path(__file__).parent / "fixtures" / "market"


@pytest.fixture(scope="module")
def registry() -> Registry:
    index = build_index(MARKET, use_cache=False, jobs=1)
    return Registry.build(index.facts)


def resolved(registry: Registry, target: str) -> tuple[str, str, str | None]:
    found = resolve_model_target(registry, target.split("."))
    assert found is not None
    return found.model.qualname, found.table, found.column


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("relations.Customer", ("crm.models.Customer", "relations_customer", None)),  # the app's label
        ("crm.Customer.email", ("crm.models.Customer", "relations_customer", "email")),  # the app's module
        ("crm.models.Customer.phone", ("crm.models.Customer", "relations_customer", "phone_number")),  # db_column=, inherited
        ("relations.Customer.owner", ("crm.models.Customer", "relations_customer", "owner_id")),  # a foreign key's column
        ("relations.Customer.phone_number", ("crm.models.Customer", "relations_customer", "phone_number")),  # the column itself
        ("storefront.Customer.display_name", ("storefront.models.Customer", "shop_customers", "name")),  # db_table=
        ("VipCustomer.tier", ("storefront.models.VipCustomer", "storefront_vipcustomer", "tier")),
        ("VipCustomer.email", ("storefront.models.VipCustomer", "shop_customers", "email")),  # kept in the parent's table
        ("Payout.amount", ("payouts.models.Payout", "payouts", "amount_cents")),  # mapped_column("amount_cents")
        ("payouts.models.Payout.reference", ("payouts.models.Payout", "payouts", "bank_reference")),  # Column("bank_reference", ...)
        ("Payout.paid_at", ("payouts.models.Payout", "payouts", "paid_at")),
        ("Listing.title", ("catalog_api.models.Listing", "catalog_listings", "title")),  # SQLModel __tablename__
        ("Payout.payout_batch", ("payouts.models.Payout", "payouts", "payout_batch")),  # no such field: a new column
    ],
)
def test_a_model_target_is_its_table_and_column(registry, target, expected):
    assert resolved(registry, target) == expected


@pytest.mark.parametrize("target", ["payouts", "payouts.amount_cents", "shop_customers.email", "customer.email"])
def test_a_table_target_names_no_model(registry, target):
    """Only a class name spelled exactly is a model: table names, any case, stay tables."""
    assert resolve_model_target(registry, target.split(".")) is None


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("Customer.email", "'Customer' names 2 models: relations.Customer (relations_customer), "
                           "storefront.Customer (shop_customers); write one of them"),
        ("billing.Customer", "no model 'billing.Customer'; models named Customer: relations.Customer (relations_customer), "
                             "storefront.Customer (shop_customers)"),
        ("Contactable.email", "Contactable is abstract: it has no table of its own; ask about a model that inherits it: Customer"),
        ("relations.Customer.tags", "Customer.tags is a many-to-many relation with no column of its own; "
                                    "ask about the table it reaches, or about Customer (relations_customer)"),
    ],
)
def test_a_model_target_that_cannot_be_answered_says_what_to_write(registry, target, message):
    with pytest.raises(ModelTargetError) as error:
        resolve_model_target(registry, target.split("."))
    assert str(error.value) == message


def test_the_resolution_is_described_in_one_line(registry):
    found = resolve_model_target(registry, ["Payout", "amount"])
    assert found is not None and found.describe("Payout.amount") == "Payout.amount → payouts.amount_cents"
