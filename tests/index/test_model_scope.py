"""A changed model, class, object or Core table binding relinks the files that can reach it: each
edit below (a model added, a field added, removed or renamed, `db_table` and `Meta` changed, a
relation with and without `related_name`, a subclass, an abstract base, a mixin, a model deleted
or renamed, a SQLAlchemy model, a Core table) gives, file by file and in order, the linked facts
of a full `link_facts` of the edited project (`relink_support.assert_same_as_full_link`)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from depmap.index.build import build_index
from depmap.index.model_scope import Scope, moved, packages_of, scope_of
from depmap.index.relink import FULL, LOCAL, MODELS
from depmap.model import Fact, Location
from depmap.orm.symbols import MODEL, PY_CLASS, PY_OBJECT
from tests.index.relink_support import Project, append, assert_same_as_full_link
from tests.index.test_cache import age
from tests.index.test_incremental import same_index
from tests.index.test_row_update import from_scratch, stored_rows

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
SHOP = Path(__file__).resolve().parent / "model_shop"


def copied(source: Path, tmp_path: Path, plain: int = 12) -> Path:
    """A copy, with `plain` modules that reach no model beside it (a project is mostly such files:
    a change that reaches more than half the files links every file)."""
    root = tmp_path / source.name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    for number in range(plain):
        (root / f"plain_{number}.py").write_text(f'def rows_{number}(connection):\n    return connection.execute("SELECT id FROM audit_log").fetchall()\n')
    return root


def replace(root: Path, path: str, old: str, new: str) -> None:
    target = root / path
    text = target.read_text()
    assert old in text, f"{path}: {old!r} not found"
    target.write_text(text.replace(old, new, 1))


def cut(root: Path, path: str, start: str, end: str | None = None) -> None:
    """Remove from `start` up to (not including) `end`, or to the end of the file."""
    target = root / path
    text = target.read_text()
    begin = text.index(start)
    stop = text.index(end, begin) if end else len(text)
    target.write_text(text[:begin] + text[stop:])


Edit = tuple[str, str, Callable[[Path], None]]

SHOP_EDITS: list[Edit] = [
    ("a model added", "shop/orders/models.py", lambda root: append(root, "shop/orders/models.py", "\n\nclass GiftNote(models.Model):\n    message = models.TextField()\n")),
    ("a field added", "shop/orders/models.py", lambda root: replace(root, "shop/orders/models.py", "    total = models", "    note = models.TextField(blank=True)\n    total = models")),
    ("a field renamed", "shop/orders/models.py", lambda root: replace(root, "shop/orders/models.py", "    status = models", "    state = models")),
    ("a field removed", "shop/orders/models.py", lambda root: replace(root, "shop/orders/models.py", "    note = models.TextField(blank=True)\n", "")),
    ("db_table changed", "shop/orders/models.py", lambda root: replace(root, "shop/orders/models.py", 'db_table = "sales_order"', 'db_table = "shop_order"')),
    ("a foreign key without related_name", "shop/orders/models.py",
     lambda root: append(root, "shop/orders/models.py", "\n\nclass Refund(models.Model):\n    order = models.ForeignKey(Order, on_delete=models.CASCADE)\n    amount = models.IntegerField()\n")),
    ("a foreign key with related_name", "shop/customers/models.py",
     lambda root: replace(root, "shop/customers/models.py", "    city = models", '    owner = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="lines")\n    city = models')),
    ("a related_name changed", "shop/orders/models.py", lambda root: replace(root, "shop/orders/models.py", 'related_name="orders"', 'related_name="purchases"')),
    ("the abstract base gains a field", "shop/core.py", lambda root: replace(root, "shop/core.py", "    class Meta:", "    updated_at = models.DateTimeField(auto_now=True)\n\n    class Meta:")),
    ("the mixin's method touches another field", "shop/core.py", lambda root: replace(root, "shop/core.py", 'update_fields=["status"]', 'update_fields=["status", "total"]')),
    ("a subclass added", "shop/customers/models.py",
     lambda root: append(root, "shop/customers/models.py", "\n\nclass VipCustomer(Customer):\n    level = models.IntegerField(default=1)\n")),
    ("a mixin added to a model", "shop/customers/models.py",
     lambda root: replace(root, "shop/customers/models.py", "from shop.core import Stamped\n", "from shop.core import Stamped, StatusMixin\n") or
     replace(root, "shop/customers/models.py", "class Address(models.Model):", "class Address(StatusMixin, models.Model):")),
    ("the repository binds another model", "shop/orders/repositories.py", lambda root: replace(root, "shop/orders/repositories.py", "    model = Order", "    model = Customer")),
    ("a line added above the models", "shop/orders/models.py", lambda root: replace(root, "shop/orders/models.py", "class OrderQuerySet", "# the orders\n\n\nclass OrderQuerySet")),
    ("a model renamed", "shop/customers/models.py", lambda root: replace(root, "shop/customers/models.py", "class Customer(Stamped):", "class Client(Stamped):")),
    ("a model deleted", "shop/orders/models.py", lambda root: cut(root, "shop/orders/models.py", "class OrderLine(models.Model):", "\n\nclass Refund")),
]

DJANGO_SHOP_EDITS: list[Edit] = [
    ("a model added", "orders/models.py", lambda root: append(root, "orders/models.py", "\n\nclass GiftNote(models.Model):\n    order = models.ForeignKey(Order, on_delete=models.CASCADE)\n    message = models.TextField()\n")),
    ("a field added", "orders/models.py", lambda root: replace(root, "orders/models.py", "    notes = models.TextField(blank=True)\n", "    notes = models.TextField(blank=True)\n    gift_wrap = models.BooleanField(default=False)\n")),
    ("a field renamed", "orders/models.py", lambda root: replace(root, "orders/models.py", "    discount_code = models", "    promo_code = models")),
    ("a field removed", "orders/models.py", lambda root: replace(root, "orders/models.py", '    currency = models.CharField(max_length=3, default="EUR")\n', "")),
    ("Meta db_table added", "orders/models.py", lambda root: replace(root, "orders/models.py", '        ordering = ["-created_at"]', '        ordering = ["-created_at"]\n        db_table = "shop_orders"')),
    ("db_table changed", "customers/models.py", lambda root: replace(root, "customers/models.py", 'db_table = "customer_addresses"', 'db_table = "addresses"')),
    ("a related_name changed", "orders/models.py", lambda root: replace(root, "orders/models.py", 'related_name="orders")\n    shipping', 'related_name="purchases")\n    shipping')),
    ("the abstract base gains a field", "core/models.py", lambda root: replace(root, "core/models.py", "    class Meta:", "    deleted_at = models.DateTimeField(null=True)\n\n    class Meta:")),
    ("a subclass added", "orders/models.py", lambda root: append(root, "orders/models.py", "\n\nclass PriorityOrder(Order):\n    rush = models.BooleanField(default=False)\n")),
    ("a proxy added", "customers/models.py", lambda root: append(root, "customers/models.py", "\n\nclass Member(Customer):\n    class Meta:\n        proxy = True\n")),
    ("a manager dropped", "orders/models.py", lambda root: replace(root, "orders/models.py", "    objects = OrderQuerySet.as_manager()\n", "")),
    ("a model deleted", "customers/models.py", lambda root: cut(root, "customers/models.py", "class LoyaltyAccount(models.Model):", "\n\nclass Member")),
    ("a model renamed", "customers/models.py", lambda root: replace(root, "customers/models.py", "class Customer(TimeStampedModel):", "class Client(TimeStampedModel):")),
]

SQLALCHEMY_EDITS: list[Edit] = [
    ("a declarative model added", "billing/models/account.py",
     lambda root: append(root, "billing/models/account.py", '\n\nclass AccountTag(Base):\n    __tablename__ = "account_tags"\n\n    id = Column(Integer, primary_key=True)\n'
                         '    account_id = Column(Integer, ForeignKey("accounts.id"))\n    tag = Column(String(40))\n')),
    ("a column added", "billing/models/account.py", lambda root: replace(root, "billing/models/account.py", "    name: Mapped[str]\n", "    name: Mapped[str]\n    region: Mapped[str] = mapped_column(String(8))\n")),
    ("__tablename__ changed", "billing/models/account.py", lambda root: replace(root, "billing/models/account.py", '__tablename__ = "accounts"', '__tablename__ = "billing_accounts"')),
    ("a relationship renamed", "billing/models/account.py", lambda root: replace(root, "billing/models/account.py", 'relationship(back_populates="account")', 'relationship(back_populates="owner")')),
    ("the mixin gains a column", "billing/models/mixins.py", lambda root: replace(root, "billing/models/mixins.py", "    updated_at:", "    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))\n    updated_at:")),
    ("a Core table gains a column", "billing/tables.py", lambda root: replace(root, "billing/tables.py", '    Column("kind", String(16), nullable=False),\n', '    Column("kind", String(16), nullable=False),\n    Column("note", String(80)),\n')),
    ("a Core table renamed", "billing/tables.py", lambda root: replace(root, "billing/tables.py", '    "payment_events",\n', '    "provider_events",\n')),
    ("a model deleted", "billing/models/account.py", lambda root: cut(root, "billing/models/account.py", "class AccountNote(Base):", "\n\nclass AccountTag")),
    ("a model renamed", "billing/models/invoice.py", lambda root: replace(root, "billing/models/invoice.py", "class InvoiceLine(Base):", "class InvoiceItem(Base):")),
]

WAREHOUSE_EDITS: list[Edit] = [
    ("a class added", "airflow/dags/load_events.py", lambda root: append(root, "airflow/dags/load_events.py", "\n\nclass EventBatch(dict):\n    size = 10\n")),
]


def run_edits(project: Project, edits: list[Edit]) -> dict[str, str]:
    """Each edit in turn, relinked and checked against a full link; the path each took."""
    modes = {}
    for name, path, edit in edits:
        edit(project.root)
        after = project.copy()
        after.rescan([path])
        modes[name] = assert_same_as_full_link(project, after).mode
        project = after
    return modes


def test_edits_to_the_models_of_a_shop(tmp_path):
    modes = run_edits(Project.scan(copied(SHOP, tmp_path)), SHOP_EDITS)
    # the abstract base of every model reaches more than half the files; the mixin's save names no other table
    assert modes == {name: MODELS for name, _, _ in SHOP_EDITS} | {"the abstract base gains a field": FULL, "the mixin's method touches another field": LOCAL}


def test_edits_to_the_models_of_a_shop_alone(tmp_path):
    """Without other files, a change that reaches most files links them all."""
    modes = run_edits(Project.scan(copied(SHOP, tmp_path, plain=0)), SHOP_EDITS)
    assert FULL in modes.values() and MODELS in modes.values()


@pytest.mark.parametrize(("sample", "edits", "paths"), [
    ("django_shop", DJANGO_SHOP_EDITS, {MODELS}),
    ("sqlalchemy_service", SQLALCHEMY_EDITS, {MODELS, FULL}),  # `Account` is named in more than half its files
    ("warehouse", WAREHOUSE_EDITS, {FULL}),  # a DAG file: its tasks are read by every file's linking
])
def test_model_edits_to_a_sample(tmp_path, sample, edits, paths):
    modes = run_edits(Project.scan(copied(SAMPLES / sample, tmp_path)), edits)
    assert set(modes.values()) == paths


def test_a_model_added_relinks_the_files_that_can_name_it(tmp_path):
    project = Project.scan(copied(SHOP, tmp_path))
    append(project.root, "shop/orders/models.py", "\n\nclass GiftNote(models.Model):\n    message = models.TextField()\n")
    after = project.copy()
    after.rescan(["shop/orders/models.py"])
    result = assert_same_as_full_link(project, after)
    assert (result.mode, result.relinked) == (MODELS, ("shop/orders/models.py",))


def test_a_changed_table_relinks_what_reaches_the_model_and_its_callers(tmp_path):
    project = Project.scan(copied(SHOP, tmp_path))
    replace(project.root, "shop/orders/models.py", 'db_table = "sales_order"', 'db_table = "shop_order"')
    after = project.copy()
    after.rescan(["shop/orders/models.py"])
    result = assert_same_as_full_link(project, after)
    assert result.mode == MODELS
    # every file that reaches a model: the dashboard's view inherits `model = Order` and its `summary`
    # calls what reads the orders; the mixin's and the repository's bodies are bound to `Order` in core.py
    assert result.relinked == ("shop/core.py", "shop/customers/models.py", "shop/dashboards.py", "shop/orders/models.py", "shop/orders/repositories.py",
                               "shop/orders/views.py", "shop/reports.py")


def _model(name: str, path: str = "shop/models.py", **extra) -> Fact:
    return Fact(MODEL, "", Location(path, 1, 1, symbol=f"shop.models.{name}"), extra={"model": f"shop.models.{name}", **extra})


def test_the_scope_follows_subclasses_relations_binders_and_objects():
    order = _model("Order", bases=["shop.core.Stamped"], fields=[{"name": "customer", "kind": "foreign_key", "related_model": "Customer", "related_name": "orders"}])
    registry = [
        order,
        _model("Customer"),
        _model("Refund", fields=[{"name": "purchase", "kind": "foreign_key", "related_model": "shop.Order", "related_name": None}]),
        _model("PriorityOrder", bases=["shop.models.Order"]),
        Fact(PY_CLASS, "", Location("shop/views.py", 1, 1), extra={"class": "shop.views.OrderList", "bases": ["django.views.generic.ListView"], "class_names": {"model": "shop.models.Order"}}),
        Fact(PY_CLASS, "", Location("shop/dash.py", 1, 1), extra={"class": "shop.dash.Recent", "bases": ["shop.views.OrderList", "django.views.generic.ListView"]}),
        Fact(PY_OBJECT, "", Location("shop/crud.py", 1, 1), extra={"object": "shop.crud.orders", "class": "shop.crud.CRUDBase", "args": ["shop.models.Order"]}),
        Fact(PY_CLASS, "", Location("shop/core.py", 1, 1), extra={"class": "shop.core.Stamped", "bases": ["shop.core.Base"]}),
    ]
    scope = scope_of([order], registry, packages_of(["shop/models.py", "shop/core.py", "shop/crud.py", "shop/views.py", "shop/dash.py", "lint/django/rules.py"]))
    assert scope.names == {"order", "customer", "orders", "refund", "purchase", "priorityorder", "orderlist", "recent", "orders"}
    assert scope.classes == {"stamped", "base", "crudbase", "order", "orderlist"}  # the bases of what is reached (not Django's ListView)
    assert scope.reaches(" x order__status y ") and scope.reaches(" sales_order ") and scope.reaches(" crudbase ")
    assert not scope.reaches(" orderline ") and not scope.reaches(" my_crudbase ")


def test_a_model_moved_by_a_line_above_it_is_no_change():
    before = _model("Order", fields=[{"name": "status", "line": 3}])
    after = Fact(MODEL, "", Location("shop/models.py", 4, 4, symbol="shop.models.Order"), extra={"model": "shop.models.Order", "fields": [{"name": "status", "line": 4}]})
    assert moved([before], [after]) == []
    renamed = _model("Order", fields=[{"name": "state", "line": 3}])
    assert moved([before], [renamed]) == [before, renamed]


def test_a_name_that_is_no_plain_word_cannot_be_looked_for():
    assert not Scope({"ordre\u0301"}).usable() and Scope({"order"}).usable()


def test_the_stored_rows_after_a_model_edit_are_those_of_a_scan_from_scratch(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = copied(SAMPLES / "django_shop", tmp_path)
    age(root)
    build_index(root, jobs=1, use_cache=True)
    relinked = {}
    for name, path, edit in DJANGO_SHOP_EDITS[:6]:
        edit(root)
        index = build_index(root, jobs=1, use_cache=True)
        relinked[name] = index.relinked
        same_index(index, root)
    # the stored words of each file chose them: the gift note's `order` is in 11 files, `Order` in 18
    assert relinked == {
        "a model added": "models: 11 of 46 files linked again",
        "a field added": "models: 18 of 46 files linked again",
        "a field renamed": "models: 18 of 46 files linked again",
        "a field removed": "models: 18 of 46 files linked again",
        "Meta db_table added": "models: 18 of 46 files linked again",
        "db_table changed": "models: 16 of 46 files linked again",
    }


def _rows(root: Path, rows: dict) -> dict:
    """Every stored row a query reads, the tables' rows (`linked_tables`) too."""
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        return {**rows, "tables": sorted(db.execute("SELECT name, data FROM linked_tables").fetchall())}
    finally:
        db.close()


@pytest.mark.parametrize(("sample", "edits"), [("django_shop", DJANGO_SHOP_EDITS), ("sqlalchemy_service", SQLALCHEMY_EDITS)])
def test_every_stored_row_after_model_edits_is_that_of_a_scan_from_scratch(tmp_path, monkeypatch, sample, edits):
    """Model names, tables, spans, the catalog's rows and the summary after each "models" relink."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = copied(SAMPLES / sample, tmp_path)
    age(root)
    build_index(root, jobs=1, use_cache=True)
    paths = set()
    for name, _, edit in edits:
        edit(root)
        paths.add(build_index(root, jobs=1, use_cache=True).relinked.split(":")[0])
        ours = _rows(root, stored_rows(root))
        theirs = _rows(tmp_path / "scratch", from_scratch(root, tmp_path / "scratch"))
        assert ours["blocks"] is True
        for part in theirs:
            assert ours[part] == theirs[part], f"{name}: {part}"
    assert MODELS in paths


def test_a_base_from_no_module_of_the_project_places_nothing_in_it():
    packages = packages_of(["shop/core/models.py", "lint/django/rules.py"])
    assert {"shop.core.models", "core.models", "models", "lint.django.rules", "django.rules"} <= packages
    assert "django.db.models" not in packages and "django" not in packages
