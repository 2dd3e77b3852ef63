"""The linker on hand-written symbolic facts: tables, columns, lookups, relations, migrations.

Scanners are tested on source elsewhere; here the input is exactly the contract of
`depmap/orm/symbols.py`, so a failure points at the linker alone.
"""

from __future__ import annotations

from depmap.catalog import Catalog
from depmap.model import Fact, Location
from depmap.orm.link import link_orm


def field(name, line, kind="column", **spec):
    return {"name": name, "line": line, "kind": kind, "db_column": None, "type": spec.pop("type", "CharField"),
            "nullable": spec.pop("nullable", None), "default": None, "db_default": None, "primary_key": False,
            "unique": False, "related_model": None, "related_name": None, "through": None, **spec}


def model(path, line, qualname, fields, bases=("django.db.models.Model",), **extra):
    data = {"framework": "django", "model": qualname, "bases": list(bases), "abstract": False, "proxy": False,
            "table": None, "schema": None, "app_label": None, "is_model_root": True, "fields": fields, "attributes": []}
    data.update(extra)
    return Fact("model", "", Location(path, line, line, symbol=qualname), via="orm", extra=data)


def orm(path, line, symbol, access, detail, model_qualname, fields=(), confidence="high", **extra):
    data = {"model": model_qualname, "model_name": model_qualname.rsplit(".", 1)[-1] if model_qualname else None,
            "relation": [], "fields": list(fields), "all_fields": False, "aliases": []}
    data.update(extra)
    return Fact("orm_access", "", Location(path, line, line, symbol=symbol), access=access, detail=detail, via="orm", confidence=confidence, extra=data)


PROJECT = [
    model("core/models.py", 4, "core.models.TimeStamped", [field("created_at", 5, type="DateTimeField")], abstract=True),
    model("customers/models.py", 6, "customers.models.Customer", [field("email", 7, unique=True), field("name", 8)],
          bases=["core.models.TimeStamped"]),
    model("orders/models.py", 9, "orders.models.Order", [
        field("customer", 10, "foreign_key", related_model="customers.models.Customer", related_name="orders", type="ForeignKey"),
        field("status", 11, db_default="'new'"),
        field("total", 12, db_column="total_cents", type="IntegerField"),
        field("tags", 13, "many_to_many", related_model="orders.models.Tag", type="ManyToManyField"),
    ]),
    model("orders/models.py", 20, "orders.models.Tag", [field("label", 21)]),
    model("orders/models.py", 25, "orders.models.PaidOrder", [], bases=["orders.models.Order"], proxy=True),
    Fact("app_config", "", Location("orders/apps.py", 3, 3), via="orm", extra={"name": "orders", "label": "sales"}),
]


def rows(facts, kind="access"):
    return sorted((f.location.path, f.location.line, f.table, f.columns, f.access, f.detail, f.confidence)
                  for f in facts if f.kind == kind)


def test_tables_follow_app_labels_abstract_bases_and_explicit_columns():
    catalog = Catalog.from_facts(link_orm(PROJECT))
    assert sorted(catalog.tables) == ["customers_customer", "sales_order", "sales_order_tags", "sales_tag"]
    assert list(catalog.tables["customers_customer"].columns) == ["id", "created_at", "email", "name"]
    assert list(catalog.tables["sales_order"].columns) == ["id", "customer_id", "status", "total_cents"]
    assert list(catalog.tables["sales_order_tags"].columns) == ["id", "order_id", "tag_id"]
    status = catalog.tables["sales_order"].columns["status"]
    assert (status.type, status.nullable, status.default) == ("CharField", False, "'new'")
    created = catalog.tables["customers_customer"].columns["created_at"]
    assert [(d.path, d.line) for d in created.defined_at] == [("core/models.py", 5)]


def test_lookups_span_relations_and_stop_at_lookup_suffixes():
    facts = PROJECT + [
        orm("orders/views.py", 30, "orders.views.recent", "read", "orm_query", "orders.models.Order",
            ["customer__email__iexact", "status__in", "-total", "pk"]),
    ]
    assert rows(link_orm(facts)) == [
        ("orders/views.py", 30, "customers_customer", ("email",), "read", "orm_query", "high"),
        ("orders/views.py", 30, "sales_order", ("customer_id", "status", "total_cents", "id"), "read", "orm_query", "high"),
    ]


def test_reverse_relations_and_related_managers():
    facts = PROJECT + [
        orm("customers/views.py", 40, "customers.views.big_spenders", "read", "orm_query", "customers.models.Customer",
            ["orders__total__gte"]),
        orm("customers/views.py", 44, "customers.views.open_orders", "read", "orm_query", "customers.models.Customer",
            ["status"], relation=["orders"]),
    ]
    assert rows(link_orm(facts)) == [
        ("customers/views.py", 40, "customers_customer", (), "read", "orm_query", "high"),
        ("customers/views.py", 40, "sales_order", ("customer_id", "total_cents"), "read", "orm_query", "high"),
        ("customers/views.py", 44, "sales_order", ("status", "customer_id"), "read", "orm_query", "high"),
    ]


def test_writes_all_fields_proxies_and_unknown_fields():
    facts = PROJECT + [
        orm("orders/services.py", 50, "orders.services.touch", "write", "orm_update", "orders.models.Order", all_fields=True),
        orm("orders/services.py", 51, "orders.services.pay", "write", "orm_update", "orders.models.PaidOrder", ["status"]),
        orm("orders/services.py", 52, "orders.services.typo", "read", "orm_query", "orders.models.Order", ["stauts", "n"],
            aliases=["n"]),
    ]
    assert rows(link_orm(facts)) == [
        ("orders/services.py", 50, "sales_order", ("id", "customer_id", "status", "total_cents"), "write", "orm_update", "high"),
        ("orders/services.py", 51, "sales_order", ("status",), "write", "orm_update", "high"),
        ("orders/services.py", 52, "sales_order", (), "read", "orm_query", "high"),
        ("orders/services.py", 52, "sales_order", ("stauts",), "read", "orm_query", "low"),
    ]


def test_names_that_are_not_models_and_ambiguous_names():
    facts = PROJECT + [
        model("billing/models.py", 3, "billing.models.Tag", [field("code", 4)]),
        orm("x.py", 1, "x.f", "read", "orm_query", "x.Inventory", ["sku"]),  # no such model: nothing
        orm("x.py", 2, "x.g", "read", "orm_query", None, ["label"], model_name="Tag", confidence="low"),
        orm("x.py", 3, "x.h", "read", "orm_query", "django.contrib.auth.models.User", ["email"]),
    ]
    linked = [f for f in link_orm(facts) if f.kind == "access"]
    assert rows(linked) == [
        ("x.py", 2, "billing_tag", (), "read", "orm_query", "low"),
        ("x.py", 2, "sales_tag", (), "read", "orm_query", "low"),
        ("x.py", 3, "auth_user", ("email",), "read", "orm_query", "high"),
    ]
    assert linked[0].extra["candidates"] == ["billing.models.Tag", "orders.models.Tag"]


def test_exposures_list_the_columns_a_serializer_shows():
    exposure = Fact("exposure", "", Location("orders/serializers.py", 8, 8, symbol="orders.serializers.OrderSerializer"),
                    access="read", detail="serializer", via="orm",
                    extra={"model": "orders.models.Order", "model_name": "Order", "fields": "__all__", "exclude": ["tags"], "automatic": True})
    (fact,) = [f for f in link_orm(PROJECT + [exposure]) if f.kind == "exposure"]
    assert (fact.table, fact.columns, fact.extra["automatic"]) == ("sales_order", ("id", "customer_id", "status", "total_cents"), True)


def test_alembic_revisions_replay_in_chain_order_not_file_order():
    def migration(path, revision, down):
        return Fact("migration", "", Location(path, 2, 2), via="migration", extra={"tool": "alembic", "revision": revision, "down_revision": down})

    def ddl(path, detail, column, **extra):
        return Fact("column_def" if column else "table_def", "invoices", Location(path, 20, 20), (column,) if column else ("id",),
                    "schema", detail, "migration", extra={"type": "TEXT", "nullable": True, "default": None, **extra})

    facts = [
        migration("versions/ff_third.py", "ff", "0a"),
        ddl("versions/ff_third.py", "rename_column", "note", new_name="memo"),
        migration("versions/0a_second.py", "0a", "c3"),
        ddl("versions/0a_second.py", "add_column", "note"),
        migration("versions/c3_first.py", "c3", None),
        ddl("versions/c3_first.py", "create_table", None),
        ddl("versions/c3_first.py", "create_table", "id"),
    ]
    catalog = Catalog.from_facts(link_orm(facts))
    assert list(catalog.tables["invoices"].columns) == ["id", "memo"]
    ranks = {f.location.path: f.extra.get("migration_rank") for f in link_orm(facts) if f.kind == "column_def"}
    assert ranks == {"versions/c3_first.py": 0, "versions/0a_second.py": 1, "versions/ff_third.py": 2}


def test_django_operations_become_ddl_in_dependency_order():
    def migration(path, app, name, deps):
        return Fact("migration", "", Location(path, 5, 5), via="migration",
                    extra={"tool": "django", "app": app, "name": name, "dependencies": deps})

    def op(path, line, op_name, model_name, **extra):
        return Fact("django_migration_op", "", Location(path, line, line), via="migration",
                    extra={"app": "orders", "op": op_name, "model_name": model_name, **extra})

    second = "orders/migrations/0002_discount.py"
    first = "orders/migrations/0001_initial.py"
    facts = PROJECT[-1:] + [
        migration(second, "orders", "0002_discount", [["orders", "0001_initial"]]),
        op(second, 12, "AddField", "order", fields=[field("discount_code", 14, nullable=True, preserve_default=False)]),
        op(second, 20, "RenameField", "order", old_name="customer", new_name="buyer"),
        migration(first, "orders", "0001_initial", []),
        op(first, 10, "CreateModel", "order", fields=[
            field("id", 11, type="BigAutoField", primary_key=True),
            field("customer", 12, "foreign_key", related_model="customers.customer", type="ForeignKey"),
        ]),
    ]
    catalog = Catalog.from_facts(link_orm(facts))
    assert list(catalog.tables["sales_order"].columns) == ["id", "buyer_id", "discount_code"]
    discount = catalog.tables["sales_order"].columns["discount_code"]
    # an AddField sits at the operation's first line, not at its `field=` line
    assert (discount.nullable, [(d.path, d.line, d.via) for d in discount.defined_at]) == (True, [(second, 12, "migration")])


def test_the_catalog_shows_where_models_and_migrations_disagree():
    migration = Fact("column_def", "sales_order", Location("orders/migrations/0001_initial.py", 12, 12), ("legacy_flag",),
                     "schema", "create_table", "migration", extra={"type": "BooleanField", "nullable": False, "default": None})
    table = Fact("table_def", "sales_order", Location("orders/migrations/0001_initial.py", 10, 10), ("id", "status", "legacy_flag"),
                 "schema", "create_table", "migration")
    columns = [Fact("column_def", "sales_order", Location("orders/migrations/0001_initial.py", 11, 11), (name,), "schema",
                    "create_table", "migration", extra={"type": "X", "nullable": False, "default": None}) for name in ("id", "status")]
    catalog = Catalog.from_facts(link_orm(PROJECT + [table, migration, *columns]))
    assert catalog.tables["sales_order"].drift() == {"only_in_models": ["customer_id", "total_cents"], "only_in_migrations": ["legacy_flag"]}
    assert catalog.tables["customers_customer"].drift() is None
    status = catalog.tables["sales_order"].columns["status"]
    assert status.type == "X"  # the migration's word wins: it is what the database has


def _django_migration(path, name, deps):
    return Fact("migration", "", Location(path, 5, 5), via="migration",
                extra={"tool": "django", "app": path.split("/")[0], "name": name, "dependencies": deps})


def _op(path, line, op_name, model_name, **extra):
    return Fact("django_migration_op", "", Location(path, line, line), via="migration",
                extra={"app": path.split("/")[0], "op": op_name, "model_name": model_name, **extra})


def test_django_dependencies_name_apps_by_label_not_folder():
    # orders/ has label "sales": 0002 depends on ("sales", "0001_initial"), and must replay after it.
    first, second = "orders/migrations/0001_initial.py", "orders/migrations/0002_z.py"
    facts = PROJECT[-1:] + [
        _django_migration(second, "0002_z", [["sales", "0001_initial"]]),
        _op(second, 9, "AddField", "order", fields=[field("a_late_field", 10)]),
        _django_migration(first, "0001_initial", []),
        _op(first, 9, "CreateModel", "order", fields=[field("id", 10, primary_key=True), field("status", 11)]),
    ]
    catalog = Catalog.from_facts(link_orm(facts))
    assert list(catalog.tables["sales_order"].columns) == ["id", "status", "a_late_field"]


def test_state_only_proxy_and_unmanaged_operations_touch_no_table():
    path = "orders/migrations/0001_initial.py"
    facts = PROJECT[-1:] + [
        _django_migration(path, "0001_initial", []),
        _op(path, 9, "CreateModel", "order", fields=[field("id", 10, primary_key=True)]),
        _op(path, 12, "CreateModel", "paidorder", fields=[], proxy=True),
        _op(path, 14, "CreateModel", "legacyview", fields=[field("id", 15)], managed=False),
        _op(path, 17, "DeleteModel", "order", state_only=True),
    ]
    assert sorted(Catalog.from_facts(link_orm(facts)).tables) == ["sales_order"]


def test_rollback_sql_does_not_replay_into_the_catalog():
    path = "versions/ab12_add_tags.py"
    def ddl(line, kind, detail, symbol, **extra):
        return Fact(kind, "tags", Location(path, line, line, symbol=symbol), ("id",) if kind == "table_def" else ("label",),
                    "schema", detail, "sql", extra={"type": "TEXT", "nullable": True, "default": None, **extra})
    facts = [
        Fact("migration", "", Location(path, 3, 3), via="migration", extra={"tool": "alembic", "revision": "ab12", "down_revision": None}),
        ddl(10, "table_def", "create_table", "versions.ab12_add_tags.upgrade"),
        ddl(11, "column_def", "add_column", "versions.ab12_add_tags.upgrade"),
        ddl(20, "table_def", "drop_table", "versions.ab12_add_tags.downgrade"),
        ddl(21, "column_def", "drop_column", "shop.migrations.x", direction="down"),  # RunSQL reverse_sql
    ]
    catalog = Catalog.from_facts(link_orm(facts))
    assert list(catalog.tables["tags"].columns) == ["id", "label"]


def test_custom_queryset_methods_belong_to_the_model_that_uses_them():
    with_manager = [
        model("orders/models.py", 9, "orders.models.Order", PROJECT[2].extra["fields"], managers={"objects": "orders.models.OrderQuerySet"})
        if f.extra.get("model") == "orders.models.Order" else f
        for f in PROJECT
    ]
    method = orm("orders/models.py", 5, "orders.models.OrderQuerySet.paid", "read", "orm_query", None, ["status"],
                 confidence="low", model_name="self", queryset="orders.models.OrderQuerySet")
    orphan = orm("orders/models.py", 7, "orders.models.Unused.x", "read", "orm_query", None, ["status"],
                 confidence="low", model_name="self", queryset="orders.models.Unused")
    assert rows(link_orm(with_manager + [method, orphan])) == [
        ("orders/models.py", 5, "sales_order", ("status",), "read", "orm_query", "high"),
    ]


def test_models_imported_relative_to_an_inner_project_root_still_resolve():
    # Scanned from the repository root, the Django project lives in web/: its modules are
    # `web.core.models`, while its code imports `core.models`.
    base = model("web/core/models.py", 4, "web.core.models.Stamped", [field("created_at", 5)], abstract=True)
    child = model("web/blog/models.py", 6, "web.blog.models.Post", [field("title", 7)], bases=["core.models.Stamped"])
    other = model("tests/fixtures/core/models.py", 2, "tests.fixtures.core.models_old.Stamped", [field("x", 3)], abstract=True)
    catalog = Catalog.from_facts(link_orm([base, child, other]))
    assert list(catalog.tables["blog_post"].columns) == ["id", "created_at", "title"]


def test_a_django_create_inserts_every_field_and_remembers_which_were_set():
    create = orm("orders/services.py", 60, "orders.services.place", "write", "orm_create", "orders.models.Order", ["customer", "total"])
    (fact,) = [f for f in link_orm(PROJECT + [create]) if f.kind == "access"]
    assert fact.columns == ("id", "customer_id", "status", "total_cents")
    assert fact.extra["set_columns"] == ["customer_id", "total_cents"]


def test_each_column_carries_the_line_of_its_first_reference():
    # Order.objects.filter(            <- 30
    #     status="open",               <- 31
    #     customer__email__iexact=e,   <- 32
    # ).values("total", "status")      <- 33
    facts = PROJECT + [
        orm("orders/views.py", 30, "orders.views.recent", "read", "orm_query", "orders.models.Order",
            ["status", "customer__email__iexact", "total", "pk"],
            field_lines={"status": 31, "customer__email__iexact": 32, "total": 33}),
        # Order.objects.create(customer=c,   <- 40
        #     status="new")                  <- 41: the columns no keyword names are at the call's line
        orm("orders/views.py", 40, "orders.views.place", "write", "orm_create", "orders.models.Order",
            ["customer", "status"], field_lines={"status": 41}),
    ]
    lines = {(f.location.line, f.table, f.access): f.extra.get("column_lines") for f in link_orm(facts) if f.kind == "access"}
    assert lines == {
        # the lookup's join column and its column on the related table both get the lookup's line
        (30, "sales_order", "read"): {"status": 31, "customer_id": 32, "total_cents": 33},
        (30, "customers_customer", "read"): {"email": 32},
        (40, "sales_order", "write"): {"status": 41},
    }


def test_select_and_prefetch_related_load_the_related_rows_whole():
    facts = PROJECT + [
        orm("orders/views.py", 50, "orders.views.detail", "read", "orm_query", "orders.models.Order",
            ["customer", "status"], related=["customer"]),
        orm("customers/views.py", 60, "customers.views.with_orders", "read", "orm_query", "customers.models.Customer",
            ["orders__tags"], related=["orders__tags"]),
        orm("orders/views.py", 70, "orders.views.broken", "read", "orm_query", "orders.models.Order",
            ["nothing__here"], related=["nothing__here"]),
    ]
    assert rows(link_orm(facts)) == [
        # Customer -> its orders (every column) -> their tags (every column), through the
        # many-to-many's join table and its two keys
        ("customers/views.py", 60, "customers_customer", (), "read", "orm_query", "high"),
        ("customers/views.py", 60, "sales_order", ("customer_id", "id", "status", "total_cents"), "read", "orm_query", "high"),
        ("customers/views.py", 60, "sales_order_tags", ("order_id", "tag_id"), "read", "orm_query", "high"),
        ("customers/views.py", 60, "sales_tag", ("id", "label"), "read", "orm_query", "high"),
        ("orders/views.py", 50, "customers_customer", ("id", "created_at", "email", "name"), "read", "orm_query", "high"),
        ("orders/views.py", 50, "sales_order", ("customer_id", "status"), "read", "orm_query", "high"),
        ("orders/views.py", 70, "sales_order", (), "read", "orm_query", "high"),
        ("orders/views.py", 70, "sales_order", ("nothing",), "read", "orm_query", "low"),  # unknown: no table loaded
    ]


def test_related_managers_of_unknown_receivers_resolve_by_a_unique_relation_name():
    second = model("invoices/models.py", 3, "invoices.models.Invoice", [
        field("customer", 4, "foreign_key", related_model="customers.models.Customer", type="ForeignKey"),
        field("order", 5, "foreign_key", related_model="orders.models.Order", related_name="invoices", type="ForeignKey"),
    ])
    extra = {"by_accessor": True, "model_name": "customer"}
    facts = link_orm([*PROJECT, second,
        # `customer.orders.filter(status="paid")`, `customer` an unannotated parameter
        orm("svc.py", 3, "svc.f", "read", "orm_query", None, ["status"], relation=["orders"], **extra),
        # the default reverse name of Invoice.customer
        orm("svc.py", 4, "svc.f", "write", "orm_delete", None, relation=["invoice_set"], **extra),
        # a many-to-many of Order
        orm("svc.py", 5, "svc.f", "read", "orm_query", None, ["label"], relation=["tags"], **extra),
        # no model has `items`: nothing
        orm("svc.py", 6, "svc.f", "read", "orm_query", None, relation=["items"], **extra),
    ])  # fmt: skip
    assert rows(facts) == [
        ("svc.py", 3, "sales_order", ("status", "customer_id"), "read", "orm_query", "medium"),
        ("svc.py", 4, "invoices_invoice", ("customer_id",), "write", "orm_delete", "medium"),
        # a many-to-many: filtered on the order's key in the join table
        ("svc.py", 5, "sales_order_tags", ("order_id",), "read", "orm_query", "medium"),
        ("svc.py", 5, "sales_tag", ("label",), "read", "orm_query", "medium"),
    ]
    first = next(f for f in facts if f.kind == "access" and f.location.line == 3)
    assert first.extra["inferred_from"] == "relation name `orders`"
    assert first.extra["reason"] == "taken for Customer.orders: the only model with a relation `orders`"
    # two models with `invoices`: each, unsure, naming the candidates
    other = model("refunds/models.py", 3, "refunds.models.Refund", [
        field("invoices", 4, "many_to_many", related_model="invoices.models.Invoice", type="ManyToManyField")])
    linked = link_orm([*PROJECT, second, other, orm("svc.py", 8, "svc.g", "read", "orm_query", None, relation=["invoices"], **extra)])
    found = [(f.table, f.confidence, f.extra["reason"]) for f in linked if f.kind == "access"]
    assert ("invoices_invoice", "low", "several models have a relation `invoices` (Order, Refund)") in found


def test_a_class_of_the_project_that_is_no_model_is_never_guessed_by_its_name():
    schema = Fact("py_class", "", Location("app/schemas.py", 4, 4), via="orm",
                  extra={"class": "app.schemas.Order", "bases": ["pydantic.BaseModel"], "init_parameters": {}, "class_names": {}})
    # `order: Order` annotated with the pydantic schema, whose name the model shares
    read = orm("app/tasks.py", 9, "app.tasks.run", "read", "orm_attribute", "app.schemas.Order", ["status"])
    assert rows(link_orm([*PROJECT, schema, read])) == []
    # without the class's fact the name is still guessed, unsure
    assert rows(link_orm([*PROJECT, read])) == [("app/tasks.py", 9, "sales_order", ("status",), "read", "orm_attribute", "medium")]


def test_a_related_manager_filters_on_its_last_foreign_key_and_a_held_row_on_none():
    invoice = model("invoices/models.py", 3, "invoices.models.Invoice", [
        field("order", 4, "foreign_key", related_model="orders.models.Order", related_name="invoices", type="ForeignKey"),
        field("amount", 5, type="IntegerField"),
    ])
    facts = link_orm([*PROJECT, invoice,
        # `order = customer.orders.get(); order.invoices.count()`: WHERE order_id = <order>, no sales_order
        orm("svc.py", 3, "svc.f", "read", "orm_query", "customers.models.Customer", relation=["orders", "invoices"]),
        # `for invoice in order.invoices.all(): invoice.save()`: the row's own UPDATE, no join read
        orm("svc.py", 5, "svc.f", "write", "orm_update", "orders.models.Order", all_fields=True, relation=["invoices"], held=True),
    ])  # fmt: skip
    assert rows(facts) == [
        ("svc.py", 3, "invoices_invoice", ("order_id",), "read", "orm_query", "high"),
        ("svc.py", 5, "invoices_invoice", ("id", "order_id", "amount"), "write", "orm_update", "high"),
    ]


def test_lookups_across_many_to_many_read_the_join_table_and_related_query_names_resolve():
    member = model("teams/models.py", 3, "teams.models.Member", [
        field("teams", 4, "many_to_many", related_model="teams.models.Team", type="ManyToManyField", through="teams.models.Seat"),
    ])
    team = model("teams/models.py", 8, "teams.models.Team", [field("name", 9)])
    seat = model("teams/models.py", 12, "teams.models.Seat", [
        field("member", 13, "foreign_key", related_model="teams.models.Member", type="ForeignKey", related_query_name="seat"),
        field("team", 14, "foreign_key", related_model="teams.models.Team", type="ForeignKey"),
    ])
    facts = link_orm([*PROJECT, member, team, seat,
        # Order.tags, an automatic join table; Member.teams through the Seat model
        orm("q.py", 3, "q.f", "read", "orm_query", "orders.models.Order", ["tags__label"]),
        orm("q.py", 4, "q.f", "read", "orm_query", "teams.models.Member", ["teams__name"]),
        # from Team back to its members (the reverse of a many-to-many), and Seat's related_query_name
        orm("q.py", 5, "q.f", "read", "orm_query", "teams.models.Team", ["member__id"]),
        orm("q.py", 6, "q.f", "read", "orm_query", "teams.models.Member", ["seat__team"]),
    ])  # fmt: skip
    assert [row for row in rows(facts) if row[0] == "q.py"] == [
        ("q.py", 3, "sales_order", (), "read", "orm_query", "high"),
        ("q.py", 3, "sales_order_tags", ("order_id", "tag_id"), "read", "orm_query", "high"),
        ("q.py", 3, "sales_tag", ("label",), "read", "orm_query", "high"),
        ("q.py", 4, "teams_member", (), "read", "orm_query", "high"),
        ("q.py", 4, "teams_seat", ("member_id", "team_id"), "read", "orm_query", "high"),
        ("q.py", 4, "teams_team", ("name",), "read", "orm_query", "high"),
        ("q.py", 5, "teams_member", ("id",), "read", "orm_query", "high"),
        ("q.py", 5, "teams_seat", ("team_id", "member_id"), "read", "orm_query", "high"),
        ("q.py", 5, "teams_team", (), "read", "orm_query", "high"),
        ("q.py", 6, "teams_member", (), "read", "orm_query", "high"),
        ("q.py", 6, "teams_seat", ("member_id", "team_id"), "read", "orm_query", "high"),
    ]
