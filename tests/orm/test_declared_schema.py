"""What ORM declarations make the database hold, as the parts of schema operations."""

from __future__ import annotations

from depmap.orm.declared_schema import declared, object_op, together_ops

CUSTOMERS = {"table": "customers_customer", "columns": ["id"]}


def spec(kind: str = "column", **more) -> dict:
    return {"name": "x", "kind": kind, "primary_key": False, "unique": False, **more}


def test_what_a_field_declares() -> None:
    assert declared(spec(primary_key=True), "id", None) == {"column": "id", "primary_key": True}
    assert declared(spec(unique=True), "email", None) == {"column": "email", "unique": True}
    assert declared(spec(db_index=True), "region", None) == {"column": "region", "index": True}
    assert declared(spec(), "note", None) == {}
    # Django indexes a ForeignKey unless told not to, and a OneToOneField is unique
    assert declared(spec("foreign_key"), "customer_id", CUSTOMERS) == {"column": "customer_id", "index": True, "references": CUSTOMERS}
    assert declared(spec("foreign_key", db_index=False), "customer_id", CUSTOMERS) == {"column": "customer_id", "references": CUSTOMERS}
    assert declared(spec("one_to_one"), "customer_id", CUSTOMERS) == {"column": "customer_id", "unique": True, "references": CUSTOMERS}
    # SQLAlchemy indexes only what says index=True
    assert declared(spec("foreign_key"), "customer_id", CUSTOMERS, indexes_relations=False) == {"column": "customer_id", "references": CUSTOMERS}


def test_items_and_together_sets_as_operations() -> None:
    def columns(fields: list[str]) -> list[str]:
        return [f + "_id" if f == "customer" else f for f in fields]

    index = {"kind": "index", "name": "Orders_Open_IDX", "fields": ["customer", "created_at"], "expressions": False,
             "condition": "Q(status='open')", "unique": False}
    assert object_op(index, columns) == ("create_index", ["customer_id", "created_at"], {"name": "orders_open_idx", "where": "Q(status='open')"})
    key = {"kind": "foreign_key", "name": None, "fields": ["customer"], "references": CUSTOMERS}
    assert object_op(key, columns) == ("add_constraint", ["customer_id"], {"name": None, "constraint": "foreign_key", "references": CUSTOMERS})
    custom = {"kind": "constraint", "name": "odd", "fields": [], "check": None}
    assert object_op(custom, columns) == ("add_constraint", [], {"name": "odd", "constraint": None})
    assert together_ops("unique_together", [["customer", "number"]], columns) == [
        ("add_constraint", ["customer_id", "number"], {"constraint": "unique", "option": "unique_together"}),
    ]
    assert together_ops("index_together", [["customer"], ["number"]], columns) == [
        ("create_index", ["customer_id"], {"option": "index_together"}),
        ("create_index", ["number"], {"option": "index_together"}),
    ]
