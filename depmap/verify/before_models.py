"""The schema a migration's added column is verified on: the catalog before the migrations under
review, less the columns they add that only the ORM models define.

`engine.catalog_before` leaves the reviewed migrations' operations out, but not the models: a
model states the schema after every migration, the reviewed ones included. So the column a
reviewed Django migration adds was still in its model's table, the fresh schema was built with it,
and the migration's own ADD COLUMN then failed on the engine as a duplicate column. A column whose
every definition is a model's is left out of the table the migration adds it to. One that a
migration or SQL file outside the review defines stays: adding it again is the engine's error to
report, as it would be in production.
"""

from __future__ import annotations

from copy import copy
from dataclasses import replace
from typing import Any, Iterable


def without_model_only_additions(catalog: Any, specs: Iterable[Any]) -> Any:
    """`catalog`, or a copy whose tables lack the columns `specs` add that only models define
    (the tables it shares are the same objects: a catalog is never changed once built)."""
    trimmed: dict[str, Any] = {}
    for spec in specs:
        if not spec.adds:
            continue
        table = trimmed.get(spec.table) or catalog.get(spec.table)
        column = table.columns.get(spec.column) if table is not None else None
        if column is None or not column.defined_at or any(where.via != "orm" for where in column.defined_at):
            continue
        trimmed[table.name] = replace(table, columns={name: c for name, c in table.columns.items() if name != spec.column})
    if not trimmed:
        return catalog
    before = copy(catalog)
    before.tables = {**catalog.tables, **trimmed}
    return before
