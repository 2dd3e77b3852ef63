"""The new column flows downstream through `SELECT *` into views, tables, dbt models and tasks.

*Why is this bad?* It may not be: a staging model that passes every column on is often meant to.
But a `SELECT *` carries the column into every relation built from the table, and from there into
whatever is built from those, without anyone deciding it should: a personal-data column lands in
a reporting schema, an `INSERT ... SELECT *` suddenly has one value too many, a dbt contract no
longer matches. depmap reports one finding per statement that selects `*` from the table (each
is a place where you can stop the column), with every relation the column reaches beyond it, and
the statement that moves it there, listed under it (depth 2, 3, …). A plain SQL view over the
table in PostgreSQL or MySQL is `view-star-frozen`'s finding, not a second one here; what is built
on such a view gets its own finding. A `*` that stays inside its statement (`SELECT id FROM
(SELECT * FROM t) s`) carries nothing and is not reported.

*Example*: `select * from {{ source('shop', 'customers') }}` in `stg_customers.sql`, and
`select customers.*, ... from {{ ref('stg_customers') }}` in `dim_customers.sql`: a new
`customers.loyalty_tier` reaches `staging.stg_customers` and then `marts.dim_customers`.

*Use instead*: where the column should not travel, list the columns explicitly instead of `*`;
where it should, plan it: document it in the models' YAML, check contracts and the consumers of
every relation listed.
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import view_star_expanded_at_create
from depmap.graph import Hop
from depmap.impact.context import ImpactContext
from depmap.impact.finding import INFO, Finding, Related
from depmap.impact.rule import Rule
from depmap.impact.rules import view_star_frozen
from depmap.model import TABLE_DEF, Fact, weaker


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    hops = ctx.graph.downstream(spec.table, spec.column)
    if not hops:
        return
    arrival = {(hop.target, hop.target_column): hop for hop in hops}
    definitions = _definitions(ctx.facts)
    # A plain view over the table in PostgreSQL/MySQL is view-star-frozen's finding (one per
    # site); what is built from that view starts its own finding here.
    covered = {id(hop) for hop in hops if hop.depth == 1 and view_star_frozen.reports(ctx, hop.fact)}
    roots = [hop for hop in hops if hop.depth == 1 or id(_parent(hop, arrival)) in covered]
    for first in (hop for hop in roots if id(hop) not in covered):
        beyond = [hop for hop in hops if hop.depth > first.depth and _root(hop, arrival, roots) is first]
        confidence = first.fact.confidence
        for hop in beyond:
            confidence = weaker(confidence, hop.fact.confidence)
        after = _parent(first, arrival).target if first.depth > 1 else None
        yield Finding(
            rule=RULE.id,
            severity=INFO,
            location=first.fact.location,
            message=_message(ctx, first, definitions.get(first.target), beyond, after),
            fix=_fix(ctx, first, beyond, after),
            snippet=first.fact.snippet,
            confidence=confidence,
            related=tuple(Related(hop.fact.location, _note(hop, definitions.get(hop.target))) for hop in beyond),
        )


def _definitions(facts: list[Fact]) -> dict[str, Fact]:
    """The latest definition of each relation (a view, CTAS table, dbt model), by name."""
    found: dict[str, Fact] = {}
    for fact in facts:
        if fact.kind == TABLE_DEF and fact.detail in ("create_view", "create_table_as", "dbt_model"):
            found[fact.table] = fact
    return found


def _parent(hop: Hop, arrival: dict[tuple[str, str | None], Hop]) -> Hop:
    """The hop that reached this one's source (each relation is reached once, breadth first)."""
    return arrival[(hop.source, hop.source_column)]


def _root(hop: Hop, arrival: dict[tuple[str, str | None], Hop], roots: list[Hop]) -> Hop:
    """The hop a finding starts from that a deeper hop descends from."""
    while not any(hop is root for root in roots):
        hop = _parent(hop, arrival)
    return hop


def _kind(hop: Hop, definition: Fact | None) -> str:
    """How the relation is built, in a few words: 'dbt model', 'view', 'table (CREATE TABLE AS)'…"""
    statement = hop.fact.extra.get("statement")
    if statement == "dbt_model" or hop.fact.via == "dbt":
        materialized = definition.extra.get("materialized") if definition is not None else None
        return "dbt snapshot" if materialized == "snapshot" else "dbt model"
    if statement == "create_view":
        return "materialized view" if definition is not None and definition.extra.get("materialized") else "view"
    if statement == "create_table_as":
        return "table (CREATE TABLE AS)"
    if statement == "insert":
        return "table (INSERT ... SELECT)"
    return "relation"


def _is_dbt(hop: Hop) -> bool:
    return hop.fact.extra.get("statement") == "dbt_model" or hop.fact.via == "dbt"


def _task(fact: Fact) -> str:
    return f", Airflow task {fact.extra['dag_id']}.{fact.extra['task_id']}" if fact.extra.get("task_id") else ""


def _how(hop: Hop) -> str:
    return "select *" if hop.fact.detail == "star" else f"selects {hop.source_column} by name"


def _note(hop: Hop, definition: Fact | None) -> str:
    return f"depth {hop.depth}: {hop.source} → {hop.target} ({_kind(hop, definition)}, {_how(hop)}{_task(hop.fact)})"


def _message(ctx: ImpactContext, hop: Hop, definition: Fact | None, beyond: list[Hop], after: str | None) -> str:
    """What happens at this site; `after` is the frozen view (view-star-frozen's finding) the column
    must pass through first, when the site selects from one."""
    spec, fact, source = ctx.spec, hop.fact, hop.source
    if after is not None:
        source += f", itself a view that gets {spec.column} only once it is recreated (see view-star-frozen)"
    kind = _kind(hop, definition)
    statement = fact.extra.get("statement")
    where = f"{kind} {hop.target}{_task(fact)}"
    if _is_dbt(hop):
        materialized = definition.extra.get("materialized") if definition is not None else None
        where += f" (materialized as {materialized})" if materialized and materialized != "snapshot" else ""
        text = f"The {where} selects every column of {source}, so {spec.column} lands in it on its next dbt build"
        if materialized == "incremental":
            text += (" (an incremental model gains it only with on_schema_change 'append_new_columns' or "
                     "'sync_all_columns', or a --full-refresh)")
    elif _frozen(ctx, hop):
        text = (f"The {where} selects every column of {source}; {ctx.dialect.name} fixed its column list when it "
                f"was created, so it carries {spec.column} once it is recreated{f' after {after}' if after else ''}")
    elif statement == "create_view" and ctx.dialect.family == "sqlite":
        text = (f"The {where} selects every column of {source}; SQLite expands that `*` each time the view is "
                f"used, so the view shows {spec.column} as soon as the column exists")
    elif statement == "create_view":
        text = (f"The {where} selects every column of {source}, so it carries {spec.column} (at once, or once "
                f"the view is recreated: {ctx.dialect.name} decides when a view's `*` is expanded)")
    elif statement == "insert":
        runner = f" (Airflow task {fact.extra['dag_id']}.{fact.extra['task_id']})" if fact.extra.get("task_id") else ""
        text = (f"INSERT ... SELECT * here{runner} sends every column of {source} into {hop.target} by position, "
                f"{spec.column} included, so {hop.target} needs a matching column in the same place (see insert-select-star)")
    else:
        text = f"The {where} selects every column of {source}, so {spec.column} lands in it the next time this statement runs"
    if beyond:
        names = ", ".join(h.target for h in beyond)
        text += f", and from there reaches {len(beyond)} more relation{'s' if len(beyond) > 1 else ''}: {names}"
    return text + "."


def _fix(ctx: ImpactContext, hop: Hop, beyond: list[Hop], after: str | None) -> str:
    spec, loc = ctx.spec, hop.fact.location
    reached = ", ".join([hop.target, *(h.target for h in beyond)])
    plan = f"check the consumers of {reached}"
    if any(_is_dbt(h) for h in [hop, *beyond]):
        plan = f"document {spec.column} in the YAML of the dbt models that carry it and {plan}"
    if _frozen(ctx, hop):
        plan = f"recreate {hop.target} after {f'recreating {after}' if after else 'adding the column'} and {plan}"
    return (f"If {spec.column} should not reach {hop.target}, list the columns of {hop.source} explicitly instead of "
            f"`*` at {loc.path}:{loc.line}. If it should, add it downstream on purpose: {plan}.")


def _frozen(ctx: ImpactContext, hop: Hop) -> bool:
    """A plain SQL view in a database that expands its `*` once, at creation."""
    statement = hop.fact.extra.get("statement")
    return statement == "create_view" and not _is_dbt(hop) and view_star_expanded_at_create(ctx.dialect)


RULE = Rule("downstream-propagation", INFO, check, __doc__)
