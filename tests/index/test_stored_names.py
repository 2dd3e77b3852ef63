"""A warm mention search reads the words models give a table from the stored index, and builds
no model registry: the same mentions as the whole index's search, after edits too."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from depmap.cli.group import mentions_or_whole
from depmap.index.build import build_index
from depmap.mentions import find_mentions
from tests.index.test_query_index import DJANGO, age, copy, depmap, full

MODEL_TABLES = ["catalog_category", "catalog_product", "customer_addresses", "customers_customer", "customers_loyaltyaccount",
                "sales_order", "sales_orderline"]


@pytest.fixture
def django(tmp_path: Path) -> Path:
    root = copy(DJANGO, tmp_path / "django")
    build_index(root, jobs=1, use_cache=True)
    age(root)
    build_index(root, jobs=1, use_cache=True)
    return root


def warm_search(root: Path, table: str, parsed: int = 0):
    warm = build_index(root, jobs=1, use_cache=True, partial=True)
    assert warm.store is not None and warm.files_parsed == parsed
    focused = warm.focused([table])
    return focused, find_mentions(focused, [table])


def test_the_stored_forms_answer_as_the_registry_and_no_model_fact_is_decoded(django):
    whole = full(django)
    for table in MODEL_TABLES:
        focused, search = warm_search(django, table)
        assert search == find_mentions(whole, [table]), table
        assert focused.store._always is None, table  # the registry's facts were never read
    focused, search = warm_search(django, "sales_order")
    stored = sorted((form.text, form.kind, form.links) for form in focused.model_forms(["sales_order"]))
    assert stored == [("Order", "model", ("orders.models.Order",)),
                      ("orders", "accessor", ("catalog.models.Product", "customers.models.Customer", "orders.models.Order"))]
    assert focused.model_class_names() == {"ActiveProduct", "Address", "Category", "Customer", "LoyaltyAccount", "Order", "OrderLine",
                                           "Product", "TimeStampedModel"}


def test_a_model_edit_stores_the_forms_again(django):
    models = django / "customers" / "models.py"
    models.write_text(models.read_text() + '\n\nclass Wishlist(models.Model):\n'
                      '    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="wishlists")\n')
    (django / "orders" / "gifts.py").write_text("def wished(order):\n    return order.wishlists.count()\n")
    focused, search = warm_search(django, "customers_wishlist", parsed=2)
    assert sorted((form.text, form.kind) for form in focused.model_forms(["customers_wishlist"])) == [
        ("Wishlist", "model"), ("wishlists", "accessor")]
    assert focused.store._always is None
    assert search == find_mentions(full(django), ["customers_wishlist"])
    assert [(m.path, m.line) for m in search.mentions] == [("orders/gifts.py", 2)]
    command = ["who-reads", "customers_wishlist", "--mentions", "--format", "json"]
    assert depmap(django, *command).stdout == depmap(django, *command, "--no-cache").stdout


def test_an_index_stored_without_the_forms_builds_the_registry(django):
    db = sqlite3.connect(django / ".depmap" / "cache.sqlite")
    with db:
        db.execute("DELETE FROM linked_meta WHERE name = 'model_names'")
    db.close()
    focused, search = warm_search(django, "sales_order")
    assert search == find_mentions(full(django), ["sales_order"])
    assert focused.store._always is not None  # read to build the registry


def test_a_damaged_stored_form_means_the_whole_index(django):
    db = sqlite3.connect(django / ".depmap" / "cache.sqlite")
    with db:
        db.execute("UPDATE linked_model_names SET forms = '[[\"Order\", \"model\"]]' WHERE name = 'sales_order'")
    db.close()
    warm = build_index(django, jobs=1, use_cache=True, partial=True).focused(["sales_order"])
    answered, search = mentions_or_whole(warm, ["sales_order"])
    assert answered.store is None or answered is not warm
    assert search == find_mentions(full(django), ["sales_order"])
    shutil.rmtree(django / ".depmap")


def test_a_relink_stores_the_forms_again_only_when_its_files_had_or_have_model_facts(django):
    from depmap.index.stored_names import refresh_model_names
    from depmap.orm.symbols import MODEL

    whole = full(django)
    model = next(fact for fact in whole.facts if fact.kind == MODEL)
    other = next(fact for fact in whole.facts if fact.kind != MODEL)
    db = sqlite3.connect(django / ".depmap" / "cache.sqlite")
    stored = sorted(db.execute("SELECT name, forms FROM linked_model_names"))
    assert [name for name, _ in stored] == MODEL_TABLES
    db.execute("DELETE FROM linked_model_names")
    refresh_model_names(db, [other], [other])
    assert db.execute("SELECT count(*) FROM linked_model_names").fetchone() == (0,)
    refresh_model_names(db, [model], [])
    assert sorted(db.execute("SELECT name, forms FROM linked_model_names")) == stored
    db.rollback()
    db.close()
