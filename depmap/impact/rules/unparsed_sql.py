"""SQL that mentions the table but could not be parsed: review it by hand.

*Why is this bad?* depmap cannot tell which columns such a statement reads or writes, so none of
the other rules can vouch for it: a `SELECT *` or a positional `INSERT` in it would break
unnoticed. It is usually a template that builds SQL at run time, a dialect feature the parser
does not know, or a typo that fails in production too.

*Example*: `cur.execute("SELECT count(*) FORM orders WHERE status = %s", ...)`

*Use instead*: read the statement and check it against the new column; if it is valid SQL in
another dialect, set `dialect` in `[tool.depmap]` so depmap parses it as the database does.
"""

from __future__ import annotations

import re
from typing import Iterator

from depmap.impact.context import ImpactContext
from depmap.impact.finding import INFO, Finding
from depmap.impact.rule import Rule
from depmap.model import ACCESS, LOW, PARSE_ERROR, Fact


def _mentions(text: str, table: str) -> bool:
    """The table's name as a word outside string literals (`WHERE table_name = 'orders'` is data)."""
    name = table.rsplit(".", 1)[-1]
    code = re.sub(r"'(?:[^']|'')*'", "''", text)
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", code, re.IGNORECASE) is not None


def unparsed_on_table(ctx: ImpactContext) -> list[Fact]:
    """The SQL that mentions the table and could not be parsed (a statement may appear twice)."""
    table = ctx.spec.table
    candidates = [f for f in ctx.facts if f.detail == "unparsed" and f.kind == ACCESS and f.table == table]
    return candidates + [f for f in ctx.facts if f.kind == PARSE_ERROR and _mentions(f.snippet, table)]


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    seen: set[tuple[str, int, int]] = set()
    candidates = unparsed_on_table(ctx)
    errors = {f.location.statement: f.extra.get("error") for f in ctx.facts if f.kind == PARSE_ERROR}
    for fact in sorted(candidates, key=lambda f: f.sort_key()):
        key = fact.location.statement
        if key in seen:
            continue
        seen.add(key)
        error = errors.get(key) or "not parsed"
        yield Finding(
            rule=RULE.id,
            severity=INFO,
            location=fact.location,
            message=f"SQL here mentions {spec.table} but could not be parsed ({error}); depmap cannot tell "
            f"whether it is affected by {spec.column}.",
            fix=f"Read this statement and check it against the new column {spec.table}.{spec.column}; if it is valid "
            f"{ctx.dialect.name} SQL, report it so the parser can learn it.",
            snippet=fact.snippet,
            confidence=LOW,
        )


RULE = Rule("unparsed-sql", INFO, check, __doc__)
