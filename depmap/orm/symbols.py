"""Symbolic ORM facts: what per-file scanners can know before the whole project is seen.

A scanner is a pure function of one file, but a Django model's table depends on its app's label
(set in another file), its fields on abstract bases and mixins (other files), and a queryset's
table on which class the name `Order` was imported from. So ORM scanners emit symbolic facts,
naming models by qualified class name (`shop.orders.models.Order`), and the project-level linker
(`depmap.orm.link`) turns them into concrete `table_def`/`column_def`/`access` facts once every
file is scanned. Scanners stay cacheable and parallel; linking is cheap.

Every symbolic fact has `via="orm"` (or `"migration"`), `table=""` unless the table is known
literally, and its data in `extra` as plain JSON values.

MODEL — one per model class (Django `models.Model`, SQLAlchemy declarative, Flask-SQLAlchemy
`db.Model`, SQLModel `table=True`, and abstract bases/mixins that declare fields). Located at
the `class` line; `location.symbol` is the qualified class name. `extra`:
    framework     "django" | "sqlalchemy" | "flask_sqlalchemy" | "sqlmodel"
    model         qualified class name, e.g. "shop.orders.models.Order"
    bases         qualified names of the bases, as far as imports tell (unknown → the name as written)
    abstract      Meta.abstract / __abstract__ = True
    proxy         Meta.proxy = True (Django)
    table         explicit table name if written: Meta.db_table, __tablename__, Table("name") in
                  __table__, or None (the linker applies the framework's naming rule)
    schema        explicit schema (__table_args__ = {"schema": ...}), or None
    app_label     Meta.app_label if written, else None
    is_model_root True when the class derives directly from the framework's base
                  (models.Model, Base/DeclarativeBase subclass, db.Model, SQLModel with table=True)
    fields        list of field dicts, in class order:
        name          attribute name
        line          line of the field's assignment
        kind          "column" | "foreign_key" | "one_to_one" | "many_to_many" | "relationship"
        db_column     explicit column name (db_column=, Column("name"), mapped_column("name")), or None
        type          the field/column type as written, e.g. "CharField" or "String(20)"
        nullable      bool or None when the framework default applies (Django: False;
                      SQLAlchemy: True unless primary key or Mapped[...] without Optional)
        default       client-side default as source text, or None
        db_default    server-side default (db_default=, server_default=) as source text, or None
        primary_key   bool
        unique        bool
        related_model qualified name of the target model for relations ("self" allowed; a string
                      "app.Model" kept as written), or None
        related_name  Django related_name / SQLAlchemy back_populates/backref, or None
        related_query_name  Django related_query_name, only when written
        through       M2M through model (qualified or as written), or None
        references    SQLAlchemy: the ForeignKey target as written ("customers.id"), else None
    default_related_name  Django Meta.default_related_name, only when written
    attributes    names of methods, properties and other non-field class attributes
    attribute_lines  attribute name -> line of its definition (a method's `def` line), where known
    managers      Django: manager attribute -> the QuerySet/Manager class giving its methods
                  ({"objects": "shop.orders.models.OrderQuerySet"}), so that `self.filter()`
                  inside that class is tied to this model
    factory       SQLAlchemy: True on the abstract root a `Base = declarative_base()` stands for
    table_binding SQLAlchemy: `__table__ = orders_table` names a Core table defined elsewhere
    schema_items  indexes and constraints the model declares (Django `Meta.indexes`/`constraints`,
                  SQLAlchemy `__table_args__`), as dicts of one shape: {"kind": "index" | "unique" |
                  "check" | "foreign_key" | "primary_key" | "exclude", "name", "fields",
                  "expressions", "condition", "check", "unique", "references", "line", "end_line"}
                  (only when the model declares some)
    unique_together / index_together   Django: lists of field names (only when written)
  Field dicts may also carry `db_index` (Django, when written) and `index` (SQLAlchemy, when True).

APP_CONFIG — a Django `AppConfig` subclass: `extra = {"name": "shop.orders", "label": "orders"}`
(label None when not set). Located at the class line.

ORM_ACCESS — one ORM operation at its call line; `location.symbol` is the enclosing function.
`access` is "read" or "write" and `detail` one of "orm_query", "orm_create", "orm_update",
"orm_delete", or "orm_attribute" (`task.state` read on a row held in a name: `fields` the one
attribute; the linker keeps it only if it is a field). `extra["rows"]`: the query loads model
instances (`get`, `first`, a `for` over it, without `only`/`defer`/`values`): the linker adds an
"orm_load" read of every other column of the model, apart from the columns the query names. `confidence` says how sure the scanner is of the model. `extra`:
    model         qualified class name of the model, or None when it could not be determined
    model_name    the name as written at the site (e.g. "Order", "models.Order", "order")
    relation      related-manager path from `model` (e.g. ["orders"] for customer.orders.filter)
    fields        field references as written in the ORM's own language: Django lookups
                  ("status", "status__in", "customer__email", "-created_at", "pk"), SQLAlchemy
                  attribute names ("status")
    all_fields    True when the operation touches every field of the model (instance .save()
                  without update_fields, a constructor with **kwargs)
    aliases       names introduced by annotate()/alias() that later lookups may use (not columns)
    reason        why the model is uncertain, when confidence is not high
    queryset      Django: `self.<method>()` inside a custom QuerySet/Manager class (model None):
                  the linker finds the model through MODEL `managers`
    table_binding SQLAlchemy Core: the qualified name of the Table variable (`orders_table.insert()`),
                  model None: the linker maps it through TABLE_BINDING

After linking, an access keeps `model` and, for a Django create, `set_columns`: a Django INSERT
lists every model field, so the access writes them all, and `set_columns` says which ones the code
set explicitly (the rest take their defaults).

TABLE_BINDING — a SQLAlchemy Core `Table("orders", ...)` assigned to a name, so that usages of the
name (`orders_table.insert()`) reach the table: `table="orders"`,
`extra = {"binding": "shop.db.orders_table"}`. The Table's own columns are emitted directly as
`table_def`/`column_def` facts (detail "model_definition"): the table is known literally.

MIGRATION — one per migration file:
    alembic: extra = {"tool": "alembic", "revision": "ae1027a6acf", "down_revision": "1975ea83b712"
             | ["a", "b"] | None}
    django:  extra = {"tool": "django", "app": "orders", "name": "0002_add_paid_at",
             "dependencies": [["orders", "0001_initial"], ["customers", "0003_x"]]}
Alembic operations with literal table names are emitted directly as `table_def`/`column_def`
facts (via "migration"); the linker only orders them.

DJANGO_MIGRATION_OP — a Django migration operation on a model, whose table the linker computes
from the app label: extra = {"app": "orders", "op": "CreateModel" | "AddField" | "AlterField" |
"RemoveField" | "RenameField" | "DeleteModel" | "RenameModel" | "AlterModelTable" | "AddIndex" |
"RemoveIndex" | "RenameIndex" | "AddConstraint" | "RemoveConstraint" | "AlterUniqueTogether" |
"AlterIndexTogether" | "AddIndexConcurrently" | "RemoveIndexConcurrently" | "AddConstraintNotValid",
"model_name": "order", "fields": [field dicts as in MODEL] (CreateModel, AddField, AlterField),
"old_name"/"new_name" (RenameField, RenameModel, RenameIndex), "table" (AlterModelTable or CreateModel
options db_table), "proxy"/"managed" (CreateModel options: no table is created),
"index"/"constraint" (AddIndex, AddConstraint: `depmap.frameworks.django.schema_objects` dicts),
"index_name"/"constraint_name" (RemoveIndex, RemoveConstraint), "old_fields" (RenameIndex),
"together" (AlterUniqueTogether/AlterIndexTogether: lists of field names), CreateModel's
"indexes"/"constraints"/"unique_together"/"index_together" when its options write them,
"state_only" (inside SeparateDatabaseAndState.state_operations: the database is untouched)}.
Field dicts may carry "preserve_default": False (AddField's default is dropped afterwards) and
"db_index" when written. Located from the operation's first line to its last.

Any fact of a migration file whose SQL only runs when migrating down (an Alembic `downgrade()`,
RunSQL's `reverse_sql`) carries `direction: "down"`; the catalog never replays it.

EXPOSURE — a serializer, form, admin or schema class bound to a model: `access="read"`,
`detail` "serializer" | "form" | "admin" | "schema", extra = {"model": qualified name or None,
"model_name": as written, "fields": [...] or "__all__", "exclude": [...], "automatic": True when
a new column would be exposed without a code change (fields "__all__", exclude lists, admin
without fields, auto schemas)}.

ORM_CALL — a call of a method that may run ORM operations on a model the call site knows, whose
body another file holds: `Category.get_by(id=x)` / `report.save()` (a model's class or instance:
`model`, `on` "class" | "instance", `origin` how the instance was had), `crud.users.get(db, id)`
(a module-level object: `object`, from `depmap.orm.objects`), `cls.get_by(**kw)` inside a mixin
(`receiver`, `callable`: an effect of that method, applied where it is called). `extra["method"]`
names the method. The linker (`depmap.orm.calls`) finds the method through the class's bases and
applies the ORM operations its body does on `cls`/`self`/`self.model` at the call site.

An ORM_ACCESS fact whose subject is `cls`, `self` or a bound attribute of `self` in a method
carries `receiver` ("cls" | "self" | "self.model") and `callable` (the method's qualified name):
in a model's own methods it is also an ordinary access of that model; in a mixin or a generic
class (model None) it is only an effect, reported where the method is called (and, for an object
built at module level with its model, in the method's body once per bound model).

PY_CLASS / PY_OBJECT — classes and module-level objects (`depmap.orm.objects`), for the above.
"""

from __future__ import annotations

MODEL = "model"
APP_CONFIG = "app_config"
ORM_ACCESS = "orm_access"
TABLE_BINDING = "table_binding"
MIGRATION = "migration"
DJANGO_MIGRATION_OP = "django_migration_op"
EXPOSURE = "exposure"
ORM_CALL = "orm_call"
PY_CLASS = "py_class"
PY_OBJECT = "py_object"

SYMBOLIC_KINDS = frozenset(
    {MODEL, APP_CONFIG, ORM_ACCESS, TABLE_BINDING, MIGRATION, DJANGO_MIGRATION_OP, ORM_CALL, PY_CLASS, PY_OBJECT}
)

# ORM access details.
ORM_QUERY, ORM_CREATE, ORM_UPDATE, ORM_DELETE = "orm_query", "orm_create", "orm_update", "orm_delete"
# Reads that are not statements of their own: `task.state` on a loaded row (an attribute read)
# and, after linking, the rest of the row a query loads whole (`Task.objects.get(...)`).
ORM_ATTRIBUTE, ORM_LOAD = "orm_attribute", "orm_load"
