"""Settle unqualified columns once the whole catalog is known.

Scanners are pure functions of one file, so a query joining two tables defined elsewhere leaves
an unqualified column with several candidate tables, each at low confidence. Here, with every
table definition in hand, a column that only one candidate has goes to that table at the
confidence of the rest of the statement; candidates the catalog proves wrong are dropped; what
stays uncertain keeps saying so. A cast to a type named like no known table (`status::order_state`)
was an enum or a domain, not a row type: its whole-row read is dropped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from depmap.model import ACCESS, HIGH, Fact

Schema = Mapping[str, frozenset[str]]


def settle_candidates(facts: list[Fact], schema: Schema) -> list[Fact]:
    settled: list[Fact] = []
    for fact in facts:
        if fact.kind == ACCESS and "row_type" in fact.extra and fact.table not in schema:
            continue  # a cast to an enum or a domain, not to a table's row type
        candidates = fact.extra.get("candidates") if fact.kind == ACCESS else None
        if not candidates:
            settled.append(fact)
            continue
        for column in fact.columns:
            verdict = _owner(column, fact.table, candidates, schema)
            if verdict is None:
                continue
            extra = dict(fact.extra)
            confidence = fact.confidence
            if verdict == "sole-owner":
                extra.pop("candidates")
                extra["attributed_by"] = "catalog"
                confidence = HIGH
            settled.append(replace(fact, columns=(column,), confidence=confidence, extra=extra))
    return settled


def _owner(column: str, table: str, candidates: list[str], schema: Schema) -> str | None:
    """'sole-owner', 'possible' (keep, still uncertain) or None (the catalog rules it out)."""
    has = {c: (column in schema[c]) if c in schema else None for c in candidates}
    if has.get(table) is False:
        return None
    if has.get(table) is True and all(has[c] is False for c in candidates if c != table):
        return "sole-owner"
    return "possible"
