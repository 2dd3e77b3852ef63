"""MODEL facts: declarative classes, their fields, and the classes that are not models.

Fixtures are realistic modules (`fixtures/shop/models.py` is a 2.0 service, `legacy.py` classic
declarative, `blog/models.py` Flask-SQLAlchemy, `heroes/app.py` SQLModel); each model's fact is
checked whole: where it is, what it derives from, its table, and every field in class order.
"""

from __future__ import annotations

from depmap.orm.symbols import MODEL
from depmap.frameworks.sqlalchemy.models import might_define_models

from .helpers import field_rows, models, of_kind, scan_fixture, scan_source

ALL_KEYS = ("db_column", "type", "nullable", "default", "db_default", "primary_key", "unique", "related_model", "related_name", "through", "references")


def summary(fact) -> dict:
    extra = fact.extra
    return {
        key: extra[key]
        for key in ("framework", "bases", "abstract", "proxy", "table", "schema", "app_label", "is_model_root")
    } | {"line": fact.location.line, "symbol": fact.location.symbol, "via": fact.via, "fact_table": fact.table}


# -- SQLAlchemy 2.0 -------------------------------------------------------------------------------


def test_declarative_base_subclass_is_an_abstract_root():
    result, at = scan_fixture("shop/models.py")
    base = models(result)["shop.models.Base"]
    assert summary(base) == {
        "framework": "sqlalchemy", "bases": ["sqlalchemy.orm.DeclarativeBase"], "abstract": True, "proxy": False,
        "table": None, "schema": None, "app_label": None, "is_model_root": True,
        "line": at["base"], "symbol": "shop.models.Base", "via": "orm", "fact_table": "",
    }  # fmt: skip
    assert base.extra["fields"] == []
    assert base.extra["attributes"] == ["metadata"]


def test_mixin_with_mapped_columns_and_declared_attr():
    result, at = scan_fixture("shop/models.py")
    mixin = models(result)["shop.models.TimestampMixin"]
    assert (mixin.location.line, mixin.extra["abstract"], mixin.extra["is_model_root"], mixin.extra["bases"]) == (at["mixin"], True, False, [])
    assert field_rows(mixin, *ALL_KEYS) == [
        ("created_at", at["mixin.created_at"], "column", None, "dt.datetime", False, None, "func.now()", False, False, None, None, None, None),
        ("updated_at", at["mixin.updated_at"], "column", None, "dt.datetime", True, None, None, False, False, None, None, None, None),
        ("created_by_id", at["mixin.created_by_id"], "foreign_key", None, "int", True, None, None, False, False, None, None, None, "users.id"),
    ]


def test_model_with_annotated_aliases_optional_and_table_args_tuple():
    result, at = scan_fixture("shop/models.py")
    customer = models(result)["shop.models.Customer"]
    assert summary(customer) == {
        "framework": "sqlalchemy", "bases": ["shop.models.TimestampMixin", "shop.models.Base"], "abstract": False,
        "proxy": False, "table": "customers", "schema": "crm", "app_label": None, "is_model_root": True,
        "line": at["customer"], "symbol": "shop.models.Customer", "via": "orm", "fact_table": "crm.customers",
    }  # fmt: skip
    assert field_rows(customer, *ALL_KEYS) == [
        # `id: Mapped[intpk]` with `intpk = Annotated[int, mapped_column(primary_key=True)]`
        ("id", at["customer.id"], "column", None, "int", False, None, None, True, False, None, None, None, None),
        # the alias's String(50) is the type; `unique=True` comes from the field's own mapped_column
        ("email", at["customer.email"], "column", None, "String(50)", False, None, None, False, True, None, None, None, None),
        ("nickname", at["customer.nickname"], "column", None, "str", True, None, None, False, False, None, None, None, None),
        ("vip", at["customer.vip"], "column", None, "bool", False, "False", 'text("false")', False, False, None, None, None, None),
        ("orders", at["customer.orders"], "relationship", None, None, None, None, None, False, False, "shop.models.Order", "customer", None, None),
    ]
    assert customer.extra["attributes"] == ["display_name"]


def test_model_with_db_column_name_foreign_key_deferred_and_secondary():
    result, at = scan_fixture("shop/models.py")
    order = models(result)["shop.models.Order"]
    assert (order.extra["table"], order.extra["schema"], order.table, order.extra["is_model_root"]) == ("orders", "sales", "sales.orders", True)
    assert field_rows(order, *ALL_KEYS) == [
        ("id", at["order.id"], "column", None, "int", False, None, None, True, False, None, None, None, None),
        ("status", at["order.status"], "column", "order_status", "String(20)", False, '"new"', None, False, False, None, None, None, None),
        ("customer_id", at["order.customer_id"], "foreign_key", None, "int", False, None, None, False, False, None, None, None, "crm.customers.id"),
        ("total", at["order.total"], "column", None, "Numeric(10, 2)", False, None, None, False, False, None, None, None, None),
        ("note", at["order.note"], "column", None, "sa.Text", True, None, None, False, False, None, None, None, None),
        ("customer", at["order.customer"], "relationship", None, None, None, None, None, False, False, "shop.models.Customer", "orders", None, None),
        ("tags", at["order.tags"], "relationship", None, None, None, None, None, False, False, "shop.models.Tag", None, "shop.models.order_tags", None),
    ]
    assert order.extra["attributes"] == ["cancel"]


def test_model_mapped_to_an_explicit_table():
    result, at = scan_fixture("shop/models.py")
    tag = models(result)["shop.models.Tag"]
    assert (tag.location.line, tag.extra["table"], tag.table, tag.extra["is_model_root"]) == (at["tag"], "tags", "tags", True)
    assert field_rows(tag, "type", "nullable", "primary_key") == [
        ("id", at["tag.id"], "column", "Integer", False, True),
        ("label", at["tag.label"], "column", "String(30)", False, False),
    ]
    # `__table__ = Table(...)` is the model's table: no separate binding or table_def for it
    assert not [f for f in result.facts if f.table == "tags" and f.kind != MODEL]


def test_abstract_model_and_its_subclass():
    result, at = scan_fixture("shop/models.py")
    soft, refund = models(result)["shop.models.SoftDeletable"], models(result)["shop.models.Refund"]
    assert (soft.location.line, soft.extra["abstract"], soft.extra["is_model_root"], soft.extra["table"]) == (at["soft"], True, True, None)
    assert field_rows(soft, "type", "nullable") == [("deleted_at", at["soft.deleted_at"], "column", "sa.DateTime", True)]
    # Refund derives from the abstract class, not from Base directly: the linker follows the chain
    assert (refund.extra["bases"], refund.extra["abstract"], refund.extra["is_model_root"], refund.extra["table"]) == (
        ["shop.models.SoftDeletable"], False, False, "refunds"
    )
    assert field_rows(refund, *ALL_KEYS) == [
        ("id", at["refund.id"], "column", None, "Integer", False, None, None, True, False, None, None, None, None),
        ("order_id", at["refund.order_id"], "foreign_key", "order_ref", "Integer", False, None, None, False, False, None, None, None, "Order.id"),
        ("amount", at["refund.amount"], "column", None, "Numeric(10, 2)", None, "0", None, False, False, None, None, None, None),
        ("order", at["refund.order"], "relationship", None, None, None, None, None, False, False, "shop.models.Order", "refunds", None, None),
    ]


def test_every_class_of_the_2_0_module_is_accounted_for():
    result, _ = scan_fixture("shop/models.py")
    assert sorted(models(result)) == [
        "shop.models.Base", "shop.models.Customer", "shop.models.Order", "shop.models.Refund",
        "shop.models.SoftDeletable", "shop.models.Tag", "shop.models.TimestampMixin",
    ]  # fmt: skip


# -- classic declarative_base(), bases from other files -------------------------------------------


def test_declarative_base_result_is_reported_so_other_files_can_link_to_it():
    result, at = scan_fixture("shop/legacy.py")
    base = models(result)["shop.legacy.LegacyBase"]
    assert (base.location.line, base.extra["abstract"], base.extra["is_model_root"], base.extra["factory"]) == (
        at["legacy_base"], True, True, "sqlalchemy.ext.declarative.declarative_base"
    )
    warehouse = models(result)["shop.legacy.Warehouse"]
    assert (warehouse.extra["bases"], warehouse.extra["is_model_root"], warehouse.extra["table"]) == (["shop.legacy.LegacyBase"], True, "warehouses")
    assert field_rows(warehouse, "type", "nullable", "db_default", "unique") == [
        ("id", at["warehouse"] + 3, "column", "Integer", False, None, False),
        ("code", at["warehouse"] + 4, "column", "String(8)", False, None, True),
        ("active", at["warehouse"] + 5, "column", "Boolean", None, '"1"', False),
    ]


def test_base_imported_from_another_file_is_a_model_but_not_a_known_root():
    result, at = scan_fixture("shop/legacy.py")
    shelf = models(result)["shop.legacy.Shelf"]
    assert (shelf.location.line, shelf.extra["bases"], shelf.extra["is_model_root"], shelf.extra["abstract"]) == (
        at["shelf"], ["shop.db.Base"], False, False
    )
    assert field_rows(shelf, "related_model", "related_name", "references") == [
        ("id", at["shelf"] + 3, "column", None, None, None),
        ("warehouse_id", at["shelf"] + 4, "foreign_key", None, None, "warehouses.id"),
        ("warehouse", at["shelf"] + 5, "relationship", "shop.legacy.Warehouse", "shelves", None),
    ]


def test_plain_mixin_is_abstract_and_plain_classes_are_not_models():
    result, at = scan_fixture("shop/legacy.py")
    mixin = models(result)["shop.legacy.AuditMixin"]
    assert (mixin.location.line, mixin.extra["abstract"], mixin.extra["is_model_root"]) == (at["audit_mixin"], True, False)
    assert "shop.legacy.Helper" not in models(result)


# -- Flask-SQLAlchemy -----------------------------------------------------------------------------


def test_flask_models_with_implicit_and_explicit_table_names():
    result, at = scan_fixture("blog/models.py")
    found = models(result)
    assert sorted(found) == ["blog.models.Post", "blog.models.Tag", "blog.models.User"]
    user, post = found["blog.models.User"], found["blog.models.Post"]
    assert summary(user) == {
        "framework": "flask_sqlalchemy", "bases": ["blog.extensions.db.Model"], "abstract": False, "proxy": False,
        "table": None, "schema": None, "app_label": None, "is_model_root": True,
        "line": at["user"], "symbol": "blog.models.User", "via": "orm", "fact_table": "",
    }  # fmt: skip
    assert user.extra["attributes"] == []  # __repr__ is not an attribute a column could shadow
    assert [f["name"] for f in user.extra["fields"]] == ["id", "username", "email", "posts"]
    assert (post.extra["table"], post.location.line) == ("posts", at["post"])
    assert field_rows(post, "type", "nullable", "default", "db_default", "references", "related_model", "related_name", "through") == [
        ("id", at["post"] + 3, "column", "db.Integer", False, None, None, None, None, None, None),
        ("title", at["post"] + 4, "column", "db.String(120)", False, None, None, None, None, None, None),
        ("body", at["post"] + 5, "column", "db.Text", None, None, None, None, None, None, None),
        ("views", at["post"] + 6, "column", "db.Integer", None, "0", '"0"', None, None, None, None),
        ("published_at", at["post"] + 7, "column", "db.DateTime", None, "datetime.utcnow", None, None, None, None, None),
        ("author_id", at["post"] + 8, "foreign_key", "db.Integer", False, None, None, "user.id", None, None, None),
        ("tags", at["post"] + 9, "relationship", None, None, None, None, None, "blog.models.Tag", "posts", "blog.models.post_tags"),
    ]


# -- SQLModel -------------------------------------------------------------------------------------


def test_sqlmodel_table_models_and_schemas():
    result, at = scan_fixture("heroes/app.py")
    found = models(result)
    assert sorted(found) == ["heroes.app.Hero", "heroes.app.HeroBase", "heroes.app.HeroCreate", "heroes.app.HeroUpdate", "heroes.app.Team"]
    flags = {name: (f.location.line, f.extra["framework"], f.extra["abstract"], f.extra["is_model_root"], f.extra["table"]) for name, f in found.items()}
    assert flags == {
        "heroes.app.Team": (at["team"], "sqlmodel", False, True, None),
        "heroes.app.HeroBase": (at["hero_base"], "sqlmodel", True, False, None),  # no table=True: a schema
        "heroes.app.Hero": (at["hero"], "sqlmodel", False, True, "heroes"),  # table=True on a schema subclass
        "heroes.app.HeroCreate": (at["hero_create"], "sqlmodel", True, False, None),
        "heroes.app.HeroUpdate": (at["hero_update"], "sqlmodel", True, False, None),
    }
    assert field_rows(found["heroes.app.Team"], "type", "nullable", "default", "primary_key", "unique", "related_model", "related_name") == [
        ("id", at["team.id"], "column", "int", False, "None", True, False, None, None),
        ("name", at["team.name"], "column", "str", False, None, False, True, None, None),
        ("headquarters", at["team.headquarters"], "column", "str", False, None, False, False, None, None),
        ("heroes", at["team.heroes"], "relationship", None, None, None, False, False, "heroes.app.Hero", "team"),
    ]
    assert field_rows(found["heroes.app.HeroBase"], "type", "nullable", "default") == [
        ("name", at["hero_base.name"], "column", "str", False, None),
        ("secret_name", at["hero_base.secret_name"], "column", "str", False, None),
        ("age", at["hero_base.age"], "column", "int", True, "None"),
    ]
    assert field_rows(found["heroes.app.Hero"], "type", "nullable", "default", "db_default", "references", "related_model") == [
        ("id", at["hero.id"], "column", "int", False, "None", None, None, None),
        ("team_id", at["hero.team_id"], "foreign_key", "int", True, "None", None, "team.id", None),
        ("rank", at["hero.rank"], "column", "str", False, '"recruit"', '"recruit"', None, None),
        ("team", at["hero.team"], "relationship", None, None, None, None, None, "heroes.app.Team"),
    ]


# -- awkward forms, one at a time -----------------------------------------------------------------


def only_model(result, name: str):
    return models(result)[name]


def test_module_aliases_and_string_annotations():
    result = scan_source(
        """\
        import sqlalchemy as sa
        import sqlalchemy.orm as orm
        from app.db import Base

        class Invoice(Base):
            __tablename__ = "invoices"
            id: "orm.Mapped[int]" = orm.mapped_column(sa.Integer, primary_key=True)
            number: orm.Mapped["str"] = orm.mapped_column(sa.String(12), nullable=True)
            paid_at: orm.Mapped["Optional[datetime]"]
            lines: orm.Mapped[list["InvoiceLine"]] = orm.relationship(back_populates="invoice", lazy="selectin")
        """,
        path="app/billing/models.py",
    )
    invoice = only_model(result, "app.billing.models.Invoice")
    assert (invoice.extra["bases"], invoice.extra["is_model_root"]) == (["app.db.Base"], False)
    assert field_rows(invoice, "type", "nullable", "primary_key", "related_model") == [
        ("id", 7, "column", "sa.Integer", False, True, None),
        ("number", 8, "column", "sa.String(12)", True, False, None),  # explicit nullable= wins over Mapped[str]
        ("paid_at", 9, "column", "datetime", True, False, None),
        ("lines", 10, "relationship", None, None, False, "InvoiceLine"),
    ]


def test_registry_generate_base_mapped_decorator_and_as_declarative():
    result = scan_source(
        """\
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import as_declarative, registry

        mapper_registry = registry()
        Base = mapper_registry.generate_base()

        @mapper_registry.mapped
        class Account:
            __tablename__ = "accounts"
            id = Column(Integer, primary_key=True)

        class Note(Base):
            __tablename__ = "notes"
            body = Column(String)

        @as_declarative()
        class LegacyRoot:
            id = Column(Integer, primary_key=True)
        """,
        path="app/models.py",
    )
    found = models(result)
    rows = {name: (f.location.line, f.extra["abstract"], f.extra["is_model_root"], f.extra["table"]) for name, f in found.items()}
    assert rows == {
        "app.models.Base": (5, True, True, None),
        "app.models.Account": (8, False, True, "accounts"),
        "app.models.Note": (12, False, True, "notes"),
        "app.models.LegacyRoot": (17, True, True, None),
    }


def test_table_bound_by_name_and_dynamic_tablename():
    result = scan_source(
        """\
        from sqlalchemy import Column, Integer, Table, MetaData
        from sqlalchemy.orm import declared_attr
        from app.db import Base, shared_table

        metadata = MetaData()
        local = Table("local_things", metadata, Column("id", Integer, primary_key=True), schema="ops")

        class LocalThing(Base):
            __table__ = local

        class SharedThing(Base):
            __table__ = shared_table

        class Tenanted(Base):
            @declared_attr
            def __tablename__(cls):
                return cls.__name__.lower()
            id = Column(Integer, primary_key=True)
        """,
        path="app/models.py",
    )
    found = models(result)
    local = found["app.models.LocalThing"]
    assert (local.extra["table"], local.extra["schema"], local.table) == ("local_things", "ops", "ops.local_things")
    assert field_rows(local, "primary_key") == [("id", 6, "column", True)]
    shared = found["app.models.SharedThing"]
    assert (shared.extra["table"], shared.extra["table_binding"], shared.extra["fields"]) == (None, "app.db.shared_table", [])
    tenanted = found["app.models.Tenanted"]
    assert (tenanted.extra["table"], tenanted.extra["abstract"], [f["name"] for f in tenanted.extra["fields"]]) == (None, False, ["id"])


def test_classes_that_are_not_sqlalchemy_models():
    result = scan_source(
        """\
        from dataclasses import dataclass
        from django.db import models
        from pyspark.sql import Column
        from sqlalchemy.orm import Session

        class Ticket(models.Model):
            title = models.CharField(max_length=20)

        class Frame:
            total = Column("total")

        @dataclass
        class Point:
            x: int
            y: int

        class Service:
            def __init__(self, session: Session):
                self.session = session
        """,
        path="app/misc.py",
    )
    assert of_kind(result, MODEL) == []


def test_prefilter():
    assert might_define_models("from sqlalchemy.orm import Mapped")
    assert might_define_models("class Post(db.Model):\n    id = db.Column(db.Integer)")
    assert might_define_models("class Hero(SQLModel, table=True): ...")
    assert might_define_models("model_config = ConfigDict(from_attributes=True)")
    assert not might_define_models("import requests\nrequests.get('https://example.com')\n")
    assert not might_define_models("from django.db import models\nclass A(models.Model): pass\n")


def test_the_projects_own_column_alias_declares_columns():
    # redash: `Column = functools.partial(db.Column, nullable=False)` in redash/models/base.py.
    source = (
        "from redash.models.base import Column, db\n"
        "\n"
        "\n"
        "class Query(db.Model):\n"
        "    version = Column(db.Integer, default=1)\n"
        '    query_text = Column("query", db.Text)\n'
    )
    result = scan_source(source, "redash/models/queries.py")
    (query,) = [fact for name, fact in models(result).items() if name == "redash.models.queries.Query"]
    assert [(f["name"], f["line"], f["db_column"]) for f in query.extra["fields"]] == [("version", 5, None), ("query_text", 6, "query")]


def test_another_librarys_column_is_not_a_column():
    source = (
        "from pyspark.sql import Column\n"
        "from app.db import db\n"
        "\n"
        "\n"
        "class Event(db.Model):\n"
        "    __tablename__ = 'events'\n"
        "    kind = Column('kind')\n"
    )
    (event,) = models(scan_source(source, "app/models.py")).values()
    assert event.extra["fields"] == []
