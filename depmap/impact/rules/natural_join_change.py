"""A NATURAL JOIN silently starts joining on the new column.

*Why is this bad?* `orders NATURAL JOIN coupons` joins on every column name the two tables
share, decided each time the query runs. If `coupons` already has `discount_code`, adding
`orders.discount_code` adds `orders.discount_code = coupons.discount_code` to the join
condition without any query changing. Existing rows hold NULL (or the default) there, NULL
equals nothing, so they stop matching: an inner join drops them, an outer join returns them
without their partner's columns. No error is raised; reports and jobs just return less.

`JOIN ... USING (a, b)` is not reported: it names its join columns, so a new column never
enters the condition. What a USING join does share with other joins is that both tables'
columns stay visible: a bare `discount_code` after it becomes ambiguous (`ambiguous-column`)
and `SELECT *` returns the name twice (`select-star`).

A partner table whose columns depmap does not know is reported as a low-confidence warning:
check by hand whether it has a column of the new name.

*Example*: `SELECT * FROM orders NATURAL JOIN coupons`

*Use instead*: `SELECT * FROM orders JOIN coupons USING (coupon_id)` (the columns it joins on today).
"""

from __future__ import annotations

from typing import Iterator

from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.rule import Rule
from depmap.impact.rules.positional_insert import current_columns, runs_after_change
from depmap.model import ACCESS, LOW, Fact


def _shared(ctx: ImpactContext, partner: str) -> str:
    """The columns the NATURAL JOIN compares today, in the table's order."""
    mine, theirs = current_columns(ctx, ctx.spec.table), set(current_columns(ctx, partner))
    shared = [c for c in mine if c in theirs]
    return ", ".join(shared) if shared else "<the columns they share today>"


def _finding(ctx: ImpactContext, fact: Fact, partner: str) -> Finding | None:
    spec = ctx.spec
    known = ctx.catalog.get(partner)
    fix = (
        f"Spell the join out so a new column cannot join it: replace `NATURAL JOIN` with "
        f"`JOIN ... USING ({_shared(ctx, partner)})` (or an explicit ON), and deploy that before adding "
        f"{spec.table}.{spec.column}."
    )
    if known is None:
        message = (
            f"NATURAL JOIN of {spec.table} with {partner}, whose columns depmap does not know: if {partner} has a "
            f"column named {spec.column}, the join also compares it once {spec.table} has it and rows stop matching."
        )
        return Finding(RULE.id, WARNING, fact.location, message, fix, fact.snippet, LOW)
    if spec.column not in known.columns:
        return None
    condition = f"{spec.table}.{spec.column} = {partner}.{spec.column}"
    if spec.fill_value is None:
        outcome = (
            f"Every existing row has NULL in {spec.table}.{spec.column} and NULL equals nothing, so none of them "
            f"matches any more"
        )
    else:
        outcome = (
            f"Existing rows get {spec.fill_value} in {spec.table}.{spec.column}, so only those whose "
            f"{partner}.{spec.column} is also {spec.fill_value} still match"
        )
    message = (
        f"NATURAL JOIN of {spec.table} with {partner} joins on every column name they share; {partner} has "
        f"{spec.column}, so once {spec.table} has it too the join silently adds {condition}. {outcome}: the query "
        f"returns fewer rows without any error (an outer join returns them without {partner}'s columns)."
    )
    return Finding(RULE.id, BREAKING, fact.location, message, fix, fact.snippet, fact.confidence)


def check(ctx: ImpactContext) -> Iterator[Finding]:
    seen: set = set()
    for fact in ctx.table_facts(ACCESS):
        if fact.detail != "natural_join" or not runs_after_change(ctx, fact):
            continue
        for partner in fact.extra.get("partners", []):
            if partner == ctx.spec.table or (fact.location, partner) in seen:
                continue
            seen.add((fact.location, partner))
            if (finding := _finding(ctx, fact, partner)) is not None:
                yield finding


RULE = Rule("natural-join-change", BREAKING, check, __doc__)
