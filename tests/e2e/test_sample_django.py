"""The Django sample through the console script: models, migrations, querysets, serializers."""

from __future__ import annotations

from tests.e2e.conftest import REPO

SAMPLE = REPO / "samples" / "django_shop"
PATH = ["--path", str(SAMPLE)]


def usages(document: dict) -> list[tuple]:
    return [(u["path"], u["line"], u["symbol"], u["access"], u["detail"], u["confidence"]) for u in document["usages"]]


def test_tables_follow_app_labels_db_table_and_migrations(depmap):
    run = depmap("tables", str(SAMPLE), "--format", "json")
    assert run.code == 0, run.err
    tables = {t["name"]: t for t in run.json()["tables"]}
    assert sorted(tables) == [
        "catalog_category", "catalog_product", "customer_addresses", "customers_customer",
        "customers_loyaltyaccount", "sales_daily_revenue", "sales_order", "sales_orderline",
    ]  # fmt: skip
    assert [c["name"] for c in tables["sales_order"]["columns"]] == [
        "id", "created_at", "updated_at", "number", "status", "total_amount", "currency", "placed_at",
        "paid_at", "notes", "customer_id", "shipping_address_id", "discount_code",
    ]  # fmt: skip
    discount = next(c for c in tables["sales_order"]["columns"] if c["name"] == "discount_code")
    assert [(d["path"], d["line"], d["via"]) for d in discount["defined_at"]] == [
        ("orders/migrations/0002_order_discount_code.py", 13, "migration"),  # the AddField's first line
        ("orders/models.py", 47, "orm"),
    ]
    assert [c["name"] for c in tables["customers_loyaltyaccount"]["columns"]] == ["customer_id", "points", "tier"]
    assert tables["sales_daily_revenue"]["view"] is True
    assert not any("drift" in t for t in tables.values())


def test_who_writes_a_column_through_the_orm(depmap):
    run = depmap("who-writes", "sales_order.status", *PATH, "--format", "json")
    assert run.code == 0, run.err
    assert usages(run.json()) == [
        ("orders/admin.py", 12, "orders.admin.OrderAdmin", "write", "admin", "high"),  # its add/change views
        ("orders/models.py", 66, "orders.models.Order.mark_paid", "write", "orm_attribute", "high"),  # self.status = ...
        ("orders/models.py", 68, "orders.models.Order.mark_paid", "write", "orm_update", "high"),
        ("orders/models.py", 71, "orders.models.Order.cancel", "write", "orm_attribute", "high"),  # self.status = ...
        ("orders/models.py", 72, "orders.models.Order.cancel", "write", "orm_update", "high"),
        ("orders/services.py", 39, "orders.services.place_order", "write", "orm_create", "high"),
        # order = Order.objects...get(...); order.mark_paid(...): the method sets and saves status
        ("orders/services.py", 64, "orders.services.confirm_payment", "write", "orm_attribute", "high"),
        ("orders/services.py", 64, "orders.services.confirm_payment", "write", "orm_update", "high"),
        ("orders/services.py", 78, "orders.services.apply_discount", "write", "orm_update", "high"),
        ("orders/services.py", 88, "orders.services.cancel_stale_orders", "write", "orm_update", "high"),
        ("orders/services.py", 116, "orders.services.reorder", "write", "orm_create", "high"),  # calls place_order
    ]
    create = run.json()["usages"][5]
    assert create["notes"]["set_columns"] == ["number", "customer_id", "shipping_address_id", "discount_code", "placed_at"]


def test_who_reads_a_column_across_relations_raw_sql_and_serializers(depmap):
    run = depmap("who-reads", "customers_customer.email", *PATH, "--format", "json")
    assert run.code == 0, run.err
    assert usages(run.json()) == [
        # `return self.email` in the model's __str__: an attribute read of the loaded row
        ("customers/models.py", 16, "customers.models.Customer.__str__", "read", "orm_attribute", "high"),
        # the admin changelist searches `customer__email`
        ("orders/admin.py", 16, "orders.admin.OrderAdmin", "read", "orm_query", "high"),
        ("orders/reports.py", 15, "orders.reports.top_customers", "read", "select", "high"),
        ("orders/serializers.py", 24, "orders.serializers.CustomerSerializer", "read", "serializer", "high"),
        ("orders/services.py", 63, "orders.services.confirm_payment", "read", "orm_query", "high"),  # select_related
        ("orders/services.py", 104, "orders.services.orders_for_email", "read", "orm_query", "high"),
        ("orders/services.py", 121, "orders.services.revenue_by_customer", "read", "orm_query", "high"),
        ("orders/views.py", 26, "orders.views.OrderViewSet.get_queryset", "read", "orm_query", "high"),
        # get_object_or_404(Customer, pk=...) loads the whole row: email is read without being named
        ("orders/views.py", 39, "orders.views.customer_orders", "read", "orm_load", "high"),
        ("orders/views.py", 50, "orders.views.orders_needing_attention", "read", "orm_query", "high"),
        ("orders/views.py", 76, "orders.views.export_paid_orders", "read", "orm_query", "high"),  # select_related
    ]
    load = next(u for u in run.json()["usages"] if u["detail"] == "orm_load")
    assert load["notes"]["loads"] == "the whole row"
    text = depmap("who-reads", "customers_customer.email", *PATH)
    assert text.out.splitlines()[0] == (
        "Code that reads customers_customer.email: 11 usages in 6 files "
        "(9 name it, 1 load the whole row, 1 read the attribute)"
    )


def test_custom_queryset_methods_and_exposures_read_the_table(depmap):
    document = depmap("who-reads", "sales_order", *PATH, "--format", "json").json()
    sites = {(u["path"], u["line"], u["detail"]) for u in document["usages"]}
    assert {("orders/models.py", 16, "orm_query"), ("orders/models.py", 19, "orm_query")} <= sites
    assert {(p, line, d) for p, line, d in sites if d in ("serializer", "admin", "form")} == {
        ("orders/admin.py", 12, "admin"),  # at its @admin.register
        ("orders/serializers.py", 15, "serializer"),
    }


def test_negatives_produce_nothing(depmap):
    everything = []
    for table in ("sales_order", "catalog_product", "customers_customer"):
        for verb in ("who-reads", "who-writes"):
            everything += depmap(verb, table, *PATH, "--format", "json").json()["usages"]
    lines = {(u["path"], u["line"]) for u in everything}
    assert not any(path == "catalog/pricing.py" for path, _ in lines)  # a plain class with `objects`
    assert ("orders/views.py", 75) not in lines and ("orders/views.py", 77) not in lines  # a list named orders
    assert ("orders/services.py", 84) not in lines  # a docstring mentioning Order.objects


def test_who_reads_json_carries_the_unexplained_mentions_apart(depmap):
    run = depmap("who-reads", "sales_order", *PATH, "--format", "json")
    assert run.code == 0, run.err
    document = run.json()
    assert document["mention_search"]["names"] == ["Order", "orders", "sales_daily_revenue", "sales_order"]
    mentions = document["mentions"]
    assert mentions == sorted(mentions, key=lambda m: (m["path"], m["line"]))
    assert not {(m["path"], m["line"]) for m in mentions} & {(u["path"], u["line"]) for u in document["usages"]}
    assert [m for m in mentions if m["why"] in ("unclassified", "other-table", "other-name")] == [
        {"path": "orders/models.py", "line": 81, "why": "other-table", "detail": "inside the definition of sales_orderline",
         "text": 'order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")'},
        {"path": "orders/services.py", "line": 131, "why": "unclassified",
         "text": "settled = Q(orders__status=Order.Status.PAID) | Q(orders__status=Order.Status.SHIPPED)"},
        {"path": "orders/views.py", "line": 75, "text": "orders = []", "why": "other-name"},
        {"path": "orders/views.py", "line": 77, "text": "orders.append(", "why": "other-name"},
        {"path": "orders/views.py", "line": 82, "text": "writer.writerows(orders)", "why": "other-name"},
    ]  # fmt: skip
    text = depmap("who-reads", "sales_order", *PATH).out.splitlines()
    assert text[-1].startswith("39 more lines mention sales_order without a classified usage (")
