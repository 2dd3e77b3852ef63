"""The impact report of each sample's target column, built in-process, shared by the renderer tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from depmap.dialects.capabilities import Dialect, parse_version
from depmap.impact.engine import ImpactReport, impact_context, run_impact
from depmap.impact.spec import ColumnSpec, parse_type
from depmap.index.build import Index, build_index

REPO = Path(__file__).resolve().parents[2]

# sample -> (table, column, type, not null)
TARGETS = {
    "shop_sql": ("orders", "discount_code", "text", True),
    "django_shop": ("sales_order", "priority", "integer", True),
    "sqlalchemy_service": ("invoices", "po_number", "text", True),
    "warehouse": ("customers", "loyalty_tier", "text", False),
}


@cache
def index_of(sample: str) -> Index:
    return build_index(REPO / "samples" / sample)


def dialect_of(index: Index) -> Dialect:
    return Dialect(index.dialect, parse_version(index.server_version or index.config.server_version), index.dialect_source)


@cache
def report_of(sample: str, target: tuple[str, str, str, bool] | None = None) -> ImpactReport:
    """The impact of the sample's target column, or of `target` (table, column, type, not null)."""
    index = index_of(sample)
    name, column, kind, not_null = target or TARGETS[sample]
    (table,) = index.graph.resolve_table(name, list(index.catalog.tables))  # as `depmap impact` resolves it
    dialect = dialect_of(index)
    spec = ColumnSpec(table, column, parse_type(kind, dialect.name), not not_null)
    return run_impact(impact_context(index, spec, dialect))
