"""Django migration operations as schema operations, and what the catalog holds after replay.

The input is the realistic migration files of `tests/frameworks/django/fixtures/shop/orders`
(app folder `orders`, label `sales`, table `shop_orders` by db_table), scanned and linked as a
project scan does; every operation is checked at its first and last line, with its whole extra.
"""

from __future__ import annotations

from pathlib import Path

from depmap.catalog import Catalog
from depmap.model import SCHEMA_OP, SCHEMA_OPS, Fact
from depmap.orm.link import link_orm
from depmap.python.scanner import scan_python
from depmap.registry import PYTHON_ANALYSES
from depmap.scan_context import ScanContext

FIXTURES = Path(__file__).parents[1] / "frameworks" / "django" / "fixtures"
MIGRATIONS = "shop/orders/migrations"
REFUNDS = f"{MIGRATIONS}/0004_refunds_indexes_and_constraints.py"


def linked() -> list[Fact]:
    facts: list[Fact] = []
    for path in sorted([*FIXTURES.glob("shop/*/migrations/*.py"), FIXTURES / "shop/orders/apps.py"]):
        relative = path.relative_to(FIXTURES).as_posix()
        facts += scan_python(relative, path.read_text(), ScanContext(), PYTHON_ANALYSES).facts
    return link_orm(facts)


def at(path: str, needle: str) -> int:
    lines = [n for n, text in enumerate((FIXTURES / path).read_text().splitlines(), 1) if needle in text]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}"
    return lines[0]


def operations(path: str) -> list[tuple[int, int]]:
    """(first line, last line) of each operation of `operations = [...]`, in order."""
    lines = (FIXTURES / path).read_text().splitlines()
    spans, first = [], None
    start = next(n for n, text in enumerate(lines, 1) if text.strip() == "operations = [")
    for number, text in enumerate(lines[start:], start + 1):
        if text.startswith("        migrations."):
            first = number
        if first is not None and (text == "        )," or (text.startswith("        migrations.") and text.endswith("),"))):
            spans.append((first, number))
            first = None
    return spans


def ops(facts: list[Fact], path: str) -> list[tuple]:
    rows = []
    for fact in facts:
        if fact.kind == SCHEMA_OP and fact.location.path == path and fact.via == "migration":
            extra = {k: v for k, v in fact.extra.items() if k != "migration_rank"}
            rows.append((fact.location.line, fact.location.end_line, fact.table, fact.detail, fact.columns, extra))
    return sorted(rows, key=lambda r: (r[0], r[3] != "create_table", r[3], r[4]))  # an operation, then its parts


def test_index_and_constraint_operations_at_their_first_line() -> None:
    f = REFUNDS
    common = {"migration": "sales.0004_refunds_indexes_and_constraints"}
    (create_model, add_field, add_index, add_unique, add_check, alter_unique, alter_index, remove_index, rename_index,
     remove_constraint, alter_field) = operations(f)
    assert ops(linked(), f) == [
        (*create_model, "sales_refund", "create_table", ("id", "reason", "amount", "created_at", "order_id"), {
            "column_constraints": [
                {"column": "id", "primary_key": True},
                # a ForeignKey is indexed by Django, and points at the order model's table (db_table)
                {"column": "order_id", "index": True, "references": {"table": "shop_orders", "columns": ["id"]}},
            ],
            "operation": "CreateModel", **common,
        }),
        # CreateModel's unique_together: at the operation, a constraint of its own
        (*create_model, "sales_refund", "add_constraint", ("order_id", "reason"),
         {"constraint": "unique", "option": "unique_together", "within": "create_table", "operation": "CreateModel", **common}),
        # CreateModel's options: each index and constraint at its own line
        (at(f, '"-created_at"'), at(f, '"-created_at"'), "sales_refund", "create_index", ("created_at",),
         {"name": "refunds_created_idx", "within": "create_table", "operation": "CreateModel", **common}),
        (at(f, "refund_amount_positive"), at(f, "refund_amount_positive"), "sales_refund", "add_constraint", (),
         {"name": "refund_amount_positive", "constraint": "check", "check": 'models.Q(("amount__gt", 0))',
          "within": "create_table", "operation": "CreateModel", **common}),
        # a swappable user model is not resolved to a table: named as written
        (*add_field, "shop_orders", "add_column", ("refunded_by_id",), {
            "column_constraints": [{"column": "refunded_by_id", "index": True,
                                    "references": {"table": None, "columns": [], "model": "settings.AUTH_USER_MODEL"}}],
            "operation": "AddField", **common,
        }),
        # AddIndex: field names become columns (a ForeignKey's, `-` dropped), the condition kept as written
        (*add_index, "shop_orders", "create_index", ("customer_id", "paid_at"),
         {"name": "orders_customer_paid_idx", "where": 'models.Q(("status", "paid"))', "operation": "AddIndex", **common}),
        (*add_unique, "shop_orders", "add_constraint", ("customer_id", "number"),
         {"name": "orders_customer_number_uniq", "constraint": "unique", "operation": "AddConstraint", **common}),
        (*add_check, "shop_orders", "add_constraint", (), {"name": "orders_currency_valid", "constraint": "check",
                                                          "check": 'models.Q(("currency__in", ["EUR", "USD"]))',
                                                          "operation": "AddConstraint", **common}),
        (*alter_unique, "sales_refund", "alter_unique_together", ("order_id", "created_at", "reason"),
         {"together": [["order_id", "created_at"], ["order_id", "reason"]], "operation": "AlterUniqueTogether", **common}),
        # the model was renamed and its table moved (0003): the operation follows it
        (*alter_index, "shop_order_items", "alter_index_together", ("order_id", "quantity"),
         {"together": [["order_id", "quantity"]], "operation": "AlterIndexTogether", **common}),
        (*remove_index, "shop_orders", "drop_index", (), {"name": "orders_status_paid_idx", "operation": "RemoveIndex", **common}),
        (*rename_index, "shop_orders", "rename_index", (),
         {"name": "orders_customer_paid_idx", "new_name": "orders_cust_paid_idx", "operation": "RenameIndex", **common}),
        (*remove_constraint, "shop_orders", "drop_constraint", (),
         {"name": "orders_currency_valid", "operation": "RemoveConstraint", **common}),
        # AlterField states the field whole: no unique any more
        (*alter_field, "shop_orders", "alter_column", ("number",), {"column_constraints": [], "operation": "AlterField", **common}),
    ]
    assert add_index == (at(f, "migrations.AddIndex("), at(f, 'fields=["customer", "-paid_at"]') + 3)


def test_column_operations_sit_at_the_operation_not_at_its_field_line() -> None:
    f = f"{MIGRATIONS}/0002_order_paid_at.py"
    facts = linked()
    common = {"migration": "sales.0002_order_paid_at"}
    paid_at, currency, status, run_sql, _run_python = operations(f)
    lines = (FIXTURES / f).read_text().splitlines()
    assert lines[paid_at[0] - 1].strip() == "migrations.AddField(" and paid_at[1] == at(f, "preserve_default=False") + 1
    assert ops(facts, f) == [
        (*paid_at, "shop_orders", "add_column", ("paid_at",), {"operation": "AddField", **common}),
        (*currency, "shop_orders", "add_column", ("currency",), {"operation": "AddField", **common}),
        (*status, "shop_orders", "alter_column", ("status",),
         {"column_constraints": [{"column": "status", "index": True}], "operation": "AlterField", **common}),
        # RunSQL: its DDL, and its reverse_sql apart (the table found by the index's name, later)
        (run_sql[0] + 1, run_sql[0] + 1, "shop_orders", "create_index", ("paid_at",),
         {"name": "orders_paid_at_idx", "statement": "create_index", "concurrently": True, "sink": "RunSQL", **common}),
        (run_sql[0] + 2, run_sql[0] + 2, "", "drop_index", (),
         {"name": "orders_paid_at_idx", "statement": "other", "sink": "RunSQL", "direction": "down", **common}),
    ]
    # the column definitions the catalog replays sit at the same lines
    added = [(x.location.line, x.location.end_line) for x in facts if x.kind == "column_def" and x.location.path == f]
    assert added == [paid_at, currency, status]


def test_the_catalog_after_every_migration() -> None:
    catalog = Catalog.from_facts(linked())
    assert {fact.detail for fact in catalog.ops} <= SCHEMA_OPS
    orders = catalog.tables["shop_orders"]
    assert [(i.name, i.columns, i.where, i.declared, [d.line for d in i.defined_at]) for i in orders.indexes()] == [
        (None, ["customer_id"], None, True, [18]),  # the ForeignKey's index (0001)
        (None, ["status"], None, True, [25]),  # AlterField db_index=True (0002)
        ("orders_paid_at_idx", ["paid_at"], None, False, [31]),  # RunSQL (0002)
        (None, ["refunded_by_id"], None, True, [33]),
        ("orders_cust_paid_idx", ["customer_id", "paid_at"], 'models.Q(("status", "paid"))', False, [43, 71]),  # renamed
    ]  # orders_status_paid_idx (0003) was removed
    assert [(c.kind, c.name, c.columns, c.references) for c in orders.constraints()] == [
        ("primary_key", None, ["id"], None),
        ("foreign_key", None, ["customer_id"], {"table": "customers_customer", "columns": ["id"]}),
        ("foreign_key", None, ["refunded_by_id"], {"table": None, "columns": [], "model": "settings.AUTH_USER_MODEL"}),
        ("unique", "orders_customer_number_uniq", ["customer_id", "number"], None),
    ]  # number's unique went with AlterField; created_by's foreign key with its column; the check was removed
    refund = catalog.tables["sales_refund"]
    assert [(c.kind, c.name, c.columns, c.option) for c in refund.constraints()] == [
        ("primary_key", None, ["id"], None),
        ("foreign_key", None, ["order_id"], None),
        ("check", "refund_amount_positive", [], None),
        ("unique", None, ["order_id", "created_at"], "unique_together"),  # AlterUniqueTogether replaced the set
        ("unique", None, ["order_id", "reason"], "unique_together"),
    ]
    assert [(i.name, i.columns) for i in refund.indexes()] == [(None, ["order_id"]), ("refunds_created_idx", ["created_at"])]
    assert [(table, item.columns) for table, item in catalog.referencing("shop_orders")] == [
        ("sales_refund", ["order_id"]),
        ("shop_order_items", ["order_id"]),  # created as sales_orderline, renamed twice: its foreign key followed
    ]
    history = catalog.history("shop_orders")
    assert history.last_migration is not None and history.last_migration.extra["migration"] == "sales.0004_refunds_indexes_and_constraints"
    assert [f.location.path.rsplit("/", 1)[-1] for f in history.downgrades] == ["0002_order_paid_at.py"]  # reverse_sql's DROP INDEX


def test_a_many_to_many_field_creates_and_drops_its_join_table() -> None:
    tags = '''\
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bookmarks", "0001_initial")]

    operations = [
        migrations.CreateModel(name="Tag", fields=[("id", models.AutoField(primary_key=True)), ("name", models.CharField(max_length=64))]),
        migrations.AddField(
            model_name="bookmark",
            name="tags",
            field=models.ManyToManyField(to="bookmarks.Tag"),
        ),
        migrations.AddField(model_name="bookmark", name="related", field=models.ManyToManyField(to="self")),
        migrations.RemoveField(model_name="bookmark", name="related"),
    ]
'''
    path = "bookmarks/migrations/0002_tags.py"
    facts = link_orm(scan_python(path, tags, ScanContext(), PYTHON_ANALYSES).facts)
    rows = [(f.location.line, f.table, f.detail, f.columns, f.extra.get("column_constraints"), f.extra.get("through"))
            for f in facts if f.kind == SCHEMA_OP and f.extra.get("through")]
    bookmark = {"table": "bookmarks_bookmark", "columns": ["id"]}
    assert rows == [
        (9, "bookmarks_bookmark_tags", "create_table", ("id", "bookmark_id", "tag_id"), [
            {"column": "bookmark_id", "references": bookmark},
            {"column": "tag_id", "references": {"table": "bookmarks_tag", "columns": ["id"]}},
        ], "auto"),
        (14, "bookmarks_bookmark_related", "create_table", ("id", "from_bookmark_id", "to_bookmark_id"), [
            # "self": the model's own table (its CreateModel is not in this scan: Django's naming rule gives it)
            {"column": "from_bookmark_id", "references": bookmark},
            {"column": "to_bookmark_id", "references": bookmark},
        ], "auto"),
        (15, "bookmarks_bookmark_related", "drop_table", (), None, "auto"),
    ]
