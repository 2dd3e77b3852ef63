"""An unqualified column that another joined table has becomes ambiguous.

*Why is this bad?* `SELECT discount_code FROM orders o JOIN coupons c ON c.order_id = o.id`
works while only `coupons` has `discount_code`: the database finds one owner for the bare name.
Once `orders` gets a column of that name too, the same query has two candidates and fails every
time it runs (PostgreSQL: column reference "discount_code" is ambiguous; MySQL error 1052;
SQLite: ambiguous column name). The query is not in the migration: it is in a repository, a
report, a dbt model, a view script, and it breaks on the deploy after the column is added.

Only real conflicts are reported: the other table must have the column in depmap's catalog, and
the bare name must be resolved in a query scope where the table gaining the column is a source
(directly, or through a CTE or derived table that selects `*` from it). Qualified references,
queries where the table is alone, and subqueries whose own FROM does not include the table are
safe. A NATURAL JOIN merges same-named columns (no ambiguity; `natural-join-change` covers it).
Not detected: a correlated subquery over the table whose bare name today resolves to the outer
query's table would silently switch to the new column (depmap does not record the outer scope).

*Example*: `SELECT o.id, discount_code FROM orders o JOIN coupons c ON c.order_id = o.id`

*Use instead*: `SELECT o.id, c.discount_code FROM orders o JOIN coupons c ON c.order_id = o.id`
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import MYSQL, SQLITE
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, Finding
from depmap.impact.rule import Rule
from depmap.impact.rules.positional_insert import runs_after_change
from depmap.model import ACCESS, CONFIDENCE_ORDER, Fact, Location


def ambiguity_error(ctx: ImpactContext, column: str) -> str:
    family = ctx.dialect.family
    if family == MYSQL:
        return f"Column '{column}' in field list is ambiguous (error 1052)"
    if family == SQLITE:
        return f"ambiguous column name: {column}"
    return f'column reference "{column}" is ambiguous'


def _statement_confidence(ctx: ImpactContext, fact: Fact) -> str:
    """How sure we are that the statement runs: its strongest fact whose confidence attribution did
    not touch (an unqualified column is low while its owner is unsure, high once the catalog
    settles it; neither says whether the SQL reaches a database)."""
    same = [
        f
        for f in ctx.facts_at([fact.location.path])
        if f.location.statement == fact.location.statement and f.snippet == fact.snippet and f.kind == ACCESS
        and not {"candidates", "attributed_by"} & set(f.extra)
    ]
    return min((f.confidence for f in same), key=CONFIDENCE_ORDER.__getitem__, default=fact.confidence)


def _natural_partners(ctx: ImpactContext) -> set[tuple[Location, str]]:
    found = set()
    for fact in ctx.table_facts(ACCESS):
        if fact.detail == "natural_join":
            found.update((fact.location, partner) for partner in fact.extra.get("partners", []))
    return found


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    natural = _natural_partners(ctx)
    seen: set[tuple[Location, str]] = set()
    for fact in ctx.facts:
        if fact.kind != ACCESS or fact.table == spec.table or spec.column not in fact.columns:
            continue
        scope = fact.extra.get("scope") or fact.extra.get("candidates") or []
        if spec.table not in scope or (fact.location, fact.table) in seen or (fact.location, fact.table) in natural:
            continue
        other = ctx.catalog.get(fact.table)
        if other is None or spec.column not in other.columns or not runs_after_change(ctx, fact):
            continue
        seen.add((fact.location, fact.table))
        message = (
            f"This query reads {spec.column} without a table name while joining {spec.table} with {fact.table}; "
            f"once {spec.table} has {spec.column} too, the name has two owners and every run fails with: "
            f"{ambiguity_error(ctx, spec.column)}."
        )
        fix = (
            f"Qualify the column with the table it means today, `{fact.table}.{spec.column}` (or that table's "
            f"alias), everywhere in this query, and deploy that before adding {spec.table}.{spec.column}."
        )
        yield Finding(RULE.id, BREAKING, fact.location, message, fix, fact.snippet, _statement_confidence(ctx, fact))


RULE = Rule("ambiguous-column", BREAKING, check, __doc__)
