"""A dbt model with an enforced contract selects `*` upstream of the new column: `dbt build` fails.

*Why is this bad?* With `contract: {enforced: true}`, dbt compares the columns the model's SQL
returns with the columns its YAML lists, before it builds the model, and refuses any difference
("This model has an enforced contract that failed"). A model that selects `*` from the table,
directly or through upstream models that select `*` themselves, returns the new column on the
next run, its contract does not list it, and the model (and everything downstream of it) stops
building the day the column is added to the source.

*Example*: `stg_customers.sql` is `select * from {{ source('shop', 'customers') }}`;
`dim_customers.sql` selects `customers.*` from it and `_marts.yml` enforces a contract listing
the current columns: adding `customers.loyalty_tier` breaks `dim_customers`.

*Use instead*: add the column to the contract in the same change (its name and `data_type`), or
select the model's columns explicitly so a new upstream column does not reach it.
"""

from __future__ import annotations

from typing import Iterator

from depmap.graph import Hop
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, Finding, Related
from depmap.impact.rule import Rule
from depmap.model import TABLE_DEF, Fact, Location, weaker


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    hops = ctx.graph.downstream(spec.table, spec.column)
    arrival = {(hop.target, hop.target_column): hop for hop in hops}
    models = {f.table: f for f in ctx.facts if f.kind == TABLE_DEF and f.detail == "dbt_model"}
    for hop in hops:
        model = models.get(hop.target)
        if model is None or not model.extra.get("contract_enforced") or hop.target_column is None:
            continue
        declared = [str(c).lower() for c in model.extra.get("declared_columns") or []]
        if not declared or hop.target_column.lower() in declared:
            continue  # no YAML columns: dbt refuses the contract already; listed: nothing changes
        chain = _chain(hop, arrival)
        yield _finding(ctx, model, hop, chain)


def _chain(hop: Hop, arrival: dict[tuple[str, str | None], Hop]) -> list[Hop]:
    """The hops from the table to the model, first to last."""
    chain = [hop]
    while chain[0].depth > 1:
        chain.insert(0, arrival[(chain[0].source, chain[0].source_column)])
    return chain


def _finding(ctx: ImpactContext, model: Fact, hop: Hop, chain: list[Hop]) -> Finding:
    spec = ctx.spec
    name = model.extra.get("model") or model.table
    column = hop.target_column or spec.column
    declared_at = model.extra.get("declared_at") or {}
    related: list[Related] = []
    yaml = ""
    if declared_at.get("path"):
        line = int(declared_at.get("line") or 1)
        yaml = f" in {declared_at['path']}:{line}"
        related.append(Related(Location(declared_at["path"], line, line), f"the contract of {name}: it does not list {column}"))
    related += [Related(h.fact.location, f"depth {h.depth}: {h.source} → {h.target} (select *)") for h in chain[:-1]]
    confidence = model.confidence
    for step in chain:
        confidence = weaker(confidence, step.fact.confidence)
    via = "directly" if len(chain) == 1 else "through " + " → ".join(h.target for h in chain[:-1])
    message = (
        f"dbt model {name} ({model.table}) enforces a contract and selects every column of {spec.table} {via}: "
        f"once {column} exists it returns a column its contract does not list, and `dbt build` fails with "
        f"\"This model has an enforced contract that failed\"."
    )
    data_type = spec.type.lower() if spec.type else "<its type>"
    fix = (
        f"Add the column to the contract{yaml} in the same change, under `columns:`: "
        f"`- name: {column}` with `data_type: {data_type}`. Or, if {name} should not carry it, select its columns "
        f"explicitly at {model.location.path}:{model.location.line} instead of `*`."
    )
    return Finding(RULE.id, BREAKING, model.location, message, fix, snippet=model.snippet, confidence=confidence,
                   related=tuple(related))


RULE = Rule("contract-break", BREAKING, check, __doc__)
