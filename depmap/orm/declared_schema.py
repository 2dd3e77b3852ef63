"""ORM schema declarations as schema operations: what a field, an index, a constraint or a
`unique_together` makes the database hold, in the shared vocabulary of `depmap.model`.

Used for Django migration operations (`depmap.orm.migrations`) and for model declarations of
Django and SQLAlchemy (`depmap.orm.link`, Core tables in `depmap.frameworks.sqlalchemy`) alike.
Items are the dicts of `depmap.frameworks.django.schema_objects` and
`depmap.frameworks.sqlalchemy.table_items` (one shape). Fields are named here by column (the
caller maps field names to columns: a ForeignKey `customer` is `customer_id`); a foreign key's
target is a table the caller resolved, or None.
"""

from __future__ import annotations

from typing import Any, Callable

# Relations whose column Django indexes unless `db_index=False`; a one-to-one is unique instead.
_INDEXED_RELATIONS = frozenset({"foreign_key"})
_UNIQUE_RELATIONS = frozenset({"one_to_one"})


def declared(spec: dict[str, Any], column: str, references: dict[str, Any] | None, indexes_relations: bool = True) -> dict[str, Any]:
    """What a field declares beyond its type (primary key, unique, index, foreign key), as a
    `column_constraints` item; empty when nothing. Django (`indexes_relations`) indexes a
    ForeignKey's column (unless `db_index=False`) and makes a OneToOneField's unique; SQLAlchemy
    indexes a column only when told (`index=True`, read as `db_index`)."""
    kind = spec.get("kind") or "column"
    found: dict[str, Any] = {}
    if spec.get("primary_key"):
        found["primary_key"] = True
    elif spec.get("unique") or (indexes_relations and kind in _UNIQUE_RELATIONS):
        found["unique"] = True
    elif spec.get("db_index") or (indexes_relations and kind in _INDEXED_RELATIONS and spec.get("db_index") is not False):
        found["index"] = True
    if references is not None:
        found["references"] = references
    return {"column": column, **found} if found else {}


def object_op(item: dict[str, Any], columns: Callable[[list[str]], list[str]]) -> tuple[str, list[str], dict[str, Any]]:
    """An index or constraint dict of `depmap.frameworks.django.schema_objects` as
    (op, columns, extra) of a schema operation."""
    extra: dict[str, Any] = {"name": (item.get("name") or "").lower() or None}
    if item.get("expressions"):
        extra["expressions"] = True
    if item.get("condition"):
        extra["where"] = item["condition"]
    if item.get("kind") == "index":
        if item.get("unique"):
            extra["unique"] = True
        return "create_index", columns(list(item.get("fields") or [])), extra
    extra["constraint"] = item.get("kind") if item.get("kind") != "constraint" else None
    if item.get("check"):
        extra["check"] = item["check"]
    if item.get("references"):
        extra["references"] = item["references"]
    return "add_constraint", columns(list(item.get("fields") or [])), extra


def together_ops(op: str, groups: list[list[str]], columns: Callable[[list[str]], list[str]]) -> list[tuple[str, list[str], dict[str, Any]]]:
    """CreateModel's `unique_together` / `index_together`: one unnamed constraint or index a group."""
    if op == "unique_together":
        return [("add_constraint", columns(group), {"constraint": "unique", "option": op}) for group in groups]
    return [("create_index", columns(group), {"option": op}) for group in groups]
