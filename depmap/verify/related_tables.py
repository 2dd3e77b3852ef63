"""Which tables a verification builds: the changed table and its foreign-key neighbours.

One hop each way: the tables it references (its parents) and the tables that reference it (its
children). That is enough for every constraint on the table to hold real rows, and few enough
that filling them stays fast; farther tables add load time and tell nothing new about the change.
"""

from __future__ import annotations

from depmap.catalog import Catalog
from depmap.schema_objects import FOREIGN_KEY


def related_tables(catalog: Catalog, table: str) -> list[str]:
    """`table`, then its parents and children in name order; views and unknown tables left out."""
    found = catalog.get(table)
    if found is None:
        return []
    parents = {(item.references or {}).get("table") for item in found.objects.of_kind(FOREIGN_KEY)}
    children = {name for name, _ in catalog.referencing(table)}
    neighbours = sorted(
        name for name in (parents | children) - {table, None}
        if name in catalog.tables and not catalog.tables[name].view
    )  # fmt: skip
    return [table, *neighbours]

