"""The standing findings of every table (`depmap baseline`), judged one table at a time.

`baseline` asks, for each table of the catalog, what a new nullable column would raise about the
code that already reads and writes it. Judged on the whole index, each table's rules walk every
fact of the project (a view's `*`, the frameworks in use, the model registry), so the whole run
costs tables × facts: hours at a million lines. On a warm project's partial index (the stored
rows, `depmap.index.stored_index`) each table reads only what `impact` on it reads
(`Index.for_impact`) and drops it before the next: the time is the sum of the tables' own facts
and the memory that of the largest table, with the same findings the whole index gives.
"""

from __future__ import annotations

from typing import Any, Iterator

from depmap.impact.finding import Finding

PROBE_COLUMN = "depmap_baseline_probe"  # a name no table has: the rules judge the code, not the column


def standing_findings(index: Any, dialect: Any, debug: bool = False) -> Iterator[Finding]:
    """Every finding a new column of each table raises, table by table in name order. A damaged
    stored row met on the way means the whole index (linked again) for the rest."""
    from depmap.index.linked_store import StoreDamaged

    for table in sorted(index.catalog.tables):
        findings = None
        if index.store is not None:
            focused = index.for_impact(table)  # the whole index again when a row is damaged
            try:
                findings = _judged(focused, table, dialect, debug)
            except StoreDamaged:
                findings = None
            if focused.store is None or index.store.damaged:
                index = focused if focused.store is None else index.whole()
                findings = None
        yield from findings if findings is not None else _judged(index, table, dialect, debug)


def _judged(index: Any, table: str, dialect: Any, debug: bool) -> list[Finding]:
    from depmap.impact.engine import impact_context, run_impact
    from depmap.impact.spec import ColumnSpec

    spec = ColumnSpec(table, PROBE_COLUMN, "text", False, None)
    return run_impact(impact_context(index, spec, dialect), debug=debug).findings
