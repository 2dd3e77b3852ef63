"""A view selects `*` from the table: it keeps its old column list until it is recreated.

*Why is this bad?* PostgreSQL and MySQL expand `*` (and `t.*`) when the view is created and store
the resulting column list, so after `ALTER TABLE ... ADD COLUMN` the view still has the old
columns: readers of the view do not see the new one, however much its author meant "every
column". Recreating it is not always a one-liner either: PostgreSQL's `CREATE OR REPLACE VIEW` may
only append columns at the end, so it fails ("cannot change name of view column") when other
columns follow the `t.*`, and a materialized view must be dropped and created again (`REFRESH`
keeps the old column list). SQLite re-expands the `*` at every use, so it is not reported there.
dbt models are not reported either: dbt recreates its views on every run; nor is a `*` the view's
own SELECT narrows (`SELECT id FROM (SELECT * FROM t) s`), which fixes nothing.

*Example*:
```sql
CREATE VIEW reporting.customer_orders AS
SELECT c.*, count(o.id) AS order_count FROM customers AS c LEFT JOIN orders AS o ON ...
```

*Use instead*: recreate the view in the migration that adds the column (in one transaction:
`DROP VIEW reporting.customer_orders; CREATE VIEW reporting.customer_orders AS ...`), or list the
columns explicitly so the view's shape is a decision, not an accident.
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import view_star_expanded_at_create
from depmap.impact.context import ImpactContext
from depmap.impact.finding import INFO, Finding
from depmap.impact.rule import Rule
from depmap.model import FLOW, TABLE_DEF, Fact, migration_order


def check(ctx: ImpactContext) -> Iterator[Finding]:
    seen: set[tuple[str, tuple[str, int, int]]] = set()
    for flow in ctx.facts:
        definition = _frozen_definition(ctx, flow)
        view = str(flow.extra.get("to") or "")
        key = (view, flow.location.statement)
        if definition is None or key in seen:
            continue
        seen.add(key)
        yield _finding(ctx, view, flow, definition)


def reports(ctx: ImpactContext, flow: Fact) -> bool:
    """Whether this rule reports the star flow (downstream-propagation leaves such views to it)."""
    return _frozen_definition(ctx, flow) is not None


def _frozen_definition(ctx: ImpactContext, flow: Fact) -> Fact | None:
    """The CREATE VIEW of a plain SQL view whose `*` over the table was expanded when it was created
    and is still what the database has when the column arrives; None for anything else. Only a
    star that reaches the view's columns makes a star flow (`SELECT id FROM (SELECT * FROM t) s`
    does not), so a contained `*` never gets here."""
    if not (view_star_expanded_at_create(ctx.dialect) and flow.kind == FLOW and flow.detail == "star"):
        return None
    if flow.table != ctx.spec.table or flow.extra.get("statement") != "create_view" or flow.via == "dbt":
        return None
    definition = _definition(ctx, str(flow.extra.get("to") or ""), flow)
    return definition if definition is not None and _still_frozen(ctx, definition) else None


def _definition(ctx: ImpactContext, view: str, flow: Fact) -> Fact | None:
    """The CREATE VIEW the star flow belongs to (same statement)."""
    for fact in ctx.facts:
        if fact.kind == TABLE_DEF and fact.table == view and fact.location.statement == flow.location.statement:
            return fact
    return None


def _still_frozen(ctx: ImpactContext, definition: Fact) -> bool:
    """Whether this definition is the view as it stands when the column arrives.

    A view redefined or dropped later is judged by its later definition (or not at all); a view
    the change under review creates or recreates after its ADD COLUMN already sees the column."""
    path, line = definition.location.path, definition.location.line
    order = migration_order(definition)
    if any(
        f.kind == TABLE_DEF and f.table == definition.table and f.location.path in ctx.changed_paths
        and migration_order(f) > order
        for f in ctx.facts
    ):
        return False  # the change under review drops or recreates the view after this definition
    if path in ctx.changed_paths:
        origin = ctx.adding_fact
        return origin is not None and order < migration_order(origin)
    table = ctx.catalog.get(definition.table)
    if table is None or not table.view:
        return False  # dropped (or replaced by a table) later on
    ddl = [d for d in table.defined_at if d.via != "orm"]
    return bool(ddl) and (ddl[-1].path, ddl[-1].line) == (path, line)


def _star_is_last(definition: Fact, table: str) -> bool:
    """Whether the table's columns end the view's column list, so new ones land at the end."""
    projection = definition.extra.get("projection") or []
    return bool(projection) and projection[-1] == f"{table}.*" and projection.count(f"{table}.*") == 1


def _finding(ctx: ImpactContext, view: str, flow: Fact, definition: Fact) -> Finding:
    spec, loc = ctx.spec, flow.location
    materialized = bool(definition.extra.get("materialized"))
    noun = "materialized view" if materialized else "view"
    where = f"{loc.path}:{loc.line}"
    message = (
        f"The {noun} {view} selects every column of {spec.table}, but {ctx.dialect.name} expanded that `*` when the "
        f"view was created: it keeps its old column list, and its readers will not see {spec.column} until it is recreated."
    )
    add = f"ALTER TABLE {spec.table} ADD COLUMN {spec.column}{' ' + spec.type if spec.type else ''};"
    body = f"<the SELECT at {where}>"
    if ctx.dialect.family == "mysql":
        steps = f"{add} CREATE OR REPLACE VIEW {view} AS {body};"
    elif materialized:
        steps = (f"BEGIN; {add} DROP MATERIALIZED VIEW {view}; CREATE MATERIALIZED VIEW {view} AS {body}; COMMIT; "
                 f"(REFRESH MATERIALIZED VIEW keeps the old column list; recreate its indexes too)")
    elif _star_is_last(definition, spec.table):
        steps = f"BEGIN; {add} CREATE OR REPLACE VIEW {view} AS {body}; COMMIT;"
    else:
        steps = (f"BEGIN; {add} DROP VIEW {view}; CREATE VIEW {view} AS {body}; COMMIT; (CREATE OR REPLACE VIEW fails "
                 f"here: other columns follow the `*`, and PostgreSQL only lets a replaced view add columns at the end)")
    fix = (
        f"If readers of {view} should see {spec.column}, recreate the {noun} in the migration that adds the column: "
        f"{steps} If they should not, list the columns of {spec.table} explicitly in the view instead of `*`, so its "
        f"shape does not depend on when it was last created."
    )
    return Finding(RULE.id, INFO, loc, message, fix, snippet=flow.snippet, confidence=flow.confidence)


RULE = Rule("view-star-frozen", INFO, check, __doc__)
