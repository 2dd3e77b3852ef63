"""`SELECT *` consumers see one more column; code that reads the row by position breaks.

*Why is this bad?* `SELECT *` (and `RETURNING *`, `read_sql_table`) returns every column the
table has when the query runs, so the new column reaches code written for the old list. Code that
reads rows by name (`row["status"]`, `.mappings()`, a DataFrame column) only sees an extra
field, but code that takes the row apart by position fails:
`id, status, total = cur.fetchone()` raises `ValueError: too many values to unpack`, so does
`Order(*row)` with a `TypeError` and `pd.DataFrame(rows, columns=[...])`. `row[3]` keeps working
only while the column is appended at the end (MySQL `FIRST`/`AFTER` shifts it; `row[-1]` does not
survive anyway). PostgreSQL drivers that cache server-side prepared statements (psycopg 3 after
`prepare_threshold` runs, asyncpg inside a transaction, SQLAlchemy on asyncpg) fail on the next
run with "cached plan must not change result type", whatever the code does with the rows.

Not reported: a `*` whose columns stay inside the statement (`WITH r AS (SELECT * FROM t)
SELECT id FROM r`, `EXISTS (SELECT * ...)`), views and `CREATE TABLE ... AS` (`view-star-frozen`,
`downstream-propagation`), dbt models (`contract-break`), `COPY t TO` and driver exports such as
psycopg2 `copy_to` (`copy-without-columns`), migrations (a data migration runs once,
against the schema it was written for, not at every request), and Django `Model.objects.raw()`,
which maps columns to fields by name.

*Example*:

    cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))
    order_id, customer_id, status = cur.fetchone()

*Use instead*:

    cur.execute("SELECT id, customer_id, status FROM orders WHERE id = %s", (order_id,))
    order_id, customer_id, status = cur.fetchone()

References: PostgreSQL, "cached plan must not change result type" (plancache.c);
psycopg 3, "Prepared statements"; asyncpg issue #458; pandas `DataFrame` `columns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterator

from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding, Related
from depmap.impact.rule import Rule
from depmap.impact.rules.copy_without_columns import is_copy
from depmap.impact.spec import ColumnSpec
from depmap.model import ACCESS, HIGH, MEDIUM, READ, Fact, Location, weaker

_SKIPPED_VIA = frozenset({"dbt", "migration"})
_STAR = re.compile(r"(?:\b(\w+)\.)?\*")


@dataclass(frozen=True)
class Reason:
    """One way the extra column reaches this site: a sentence, the line it happens on, and
    whether it fails there (`breaks`) or only changes what the code sees."""

    text: str
    line: int | None
    breaks: bool
    confidence: str = HIGH


def check(ctx: ImpactContext) -> Iterator[Finding]:
    sites: dict[tuple[str, int], Fact] = {}
    through_views = [f for f in ctx.readers() if f.extra.get("through")]  # `SELECT *` of a view that stars the table
    for fact in ctx.table_facts(ACCESS) + through_views:
        if _consumer(fact):
            key = (fact.location.path, fact.location.line)
            sites[key] = _merged(sites[key], fact) if key in sites else fact
    for fact in sites.values():
        yield _finding(ctx, fact)


def _consumer(fact: Fact) -> bool:
    """A `*` whose columns reach running code (the module docstring lists what is left out)."""
    extra = fact.extra
    return (
        fact.access == READ
        and fact.detail == "select_star"
        and not extra.get("contained")
        and not str(extra.get("statement") or "").startswith("create")
        and fact.via not in _SKIPPED_VIA
        and extra.get("sink") != "raw"
        and extra.get("direction") != "down"
        and not is_copy(fact)
    )


def _merged(first: Fact, other: Fact) -> Fact:
    """One site, several texts (a query built in branches, a constant run by several functions):
    what any of them does with the rows."""
    extra = dict(first.extra)
    uses = list(extra.get("row_use") or [])
    uses += [use for use in other.extra.get("row_use") or [] if use not in uses]
    if uses:
        extra["row_use"] = sorted(uses, key=lambda use: (use["line"], use["kind"]))
    runs = sorted(set(extra.get("run_at") or []) | set(other.extra.get("run_at") or []))
    if runs:
        extra["run_at"] = runs
    for key in ("driver", "driver_evidence", "in_transaction", "run_by"):
        if key not in extra and key in other.extra:
            extra[key] = other.extra[key]
    return replace(first, extra=extra)


def _finding(ctx: ImpactContext, fact: Fact) -> Finding:
    spec, extra = ctx.spec, fact.extra
    columns = list(ctx.table.columns) if ctx.table is not None else []
    reasons = [reason for use in _grouped(extra.get("row_use") or []) if (reason := use_reason(use, spec, columns))]
    driver = driver_reason(extra, ctx.dialect.family)
    if driver is not None:
        reasons.append(driver)
    breaking = [r for r in reasons if r.breaks]
    confidence = fact.confidence
    if breaking and all(r.confidence != HIGH for r in breaking):
        confidence = weaker(confidence, breaking[0].confidence)
    ordinal = f"an extra {_ordinal(len(columns) + 1)} column" if columns else "an extra column"
    head = f"{_what(fact, spec.table)} at {fact.location.path}:{fact.location.line} returns {spec.column} as {ordinal}"
    if breaking or reasons:
        message = f"{head}; " + "; ".join(r.text for r in breaking or reasons) + "."
    elif _builds_frame(extra):
        message = f"{head}: the DataFrame built from it gains a {spec.column} column, a schema change for its readers."
    else:
        message = f"{head}: every consumer of these rows sees one more column; none was seen reading them by position."
    return Finding(
        rule=RULE.id,
        severity=BREAKING if breaking else WARNING,
        location=fact.location,
        message=message,
        fix=_fix(spec, fact, columns, extra.get("driver") if driver is not None else None),
        snippet=fact.snippet,
        confidence=confidence,
        related=tuple(Related(Location(fact.location.path, r.line, r.line), r.text) for r in reasons if r.line),
    )


def use_reason(use: dict[str, Any], spec: ColumnSpec, columns: list[str]) -> Reason | None:
    """What a positional use recorded by the scanner (`row_use`) does with one more column."""
    kind, line, column, names = use.get("kind"), int(use.get("line") or 0), spec.column, use.get("names")
    at, shifted = f"at line {line}", _shifts(spec, columns)
    if kind == "unpack":
        error = "ValueError: too many values to unpack"
        return Reason(f"the tuple unpacking of {names} names {at} raises {error}", line, True)
    if kind in ("index", "iloc"):
        indexes = use.get("indexes") or [int(use.get("index") or 0)]
        read = ", ".join(f"`row[{i}]`" if kind == "index" else f"`df.iloc[:, {i}]`" for i in indexes)
        if indexes == [-1] and columns:
            return Reason(f"{read} {at} counts from the end and now reads {column}, not {columns[-1]}", line, True)
        if min(indexes) < 0:
            return Reason(f"{read} {at} counts from the end and now reads a different column", line, True)
        if shifted:
            return Reason(f"{read} {at} reads a different column once {column} is added {spec.position}", line, True)
        return Reason(f"{read} {at} read by position, correct only while {column} is appended last", line, False)
    pairs = f"zip() {at} pairs {names} hard-coded names with the row"
    if kind == "zip" and use.get("strict"):
        return Reason(f"zip(..., strict=True) {at} gets one value more than its {names} names: ValueError", line, True)
    if kind == "zip" and shifted:
        shift = f"once {column} is added {spec.position} the names after it get wrong values"
        return Reason(f"{pairs}; {shift}", line, True)
    if kind == "zip":
        return Reason(f"{pairs} and silently drops {column}", line, False)
    if kind == "star_args":
        call = f"`{use.get('callee') or 'the call'}(*row)` {at}"
        return Reason(f"{call} gets one more positional argument: TypeError unless it takes *args", line, True, MEDIUM)
    if kind == "frame_columns" and isinstance(names, int):
        error = f"ValueError: {names} columns passed, passed data had {names + 1} columns"
        return Reason(f"DataFrame(..., columns=[{names} names]) {at} raises {error}", line, True)
    if kind == "set_columns":
        error = "ValueError: Length mismatch"
        width = len(columns) + 1 if columns else "more"
        text = f"`df.columns = [...]` {at} gives {names} names to {width} columns and raises {error}"
        return Reason(text, line, True)
    if kind == "export":
        written = f"the DataFrame written by {use.get('method')}() {at}"
        return Reason(f"{written} gains a {column} column, a new schema for every reader of that output", line, False)
    return None


def driver_reason(extra: dict[str, Any], family: str | None) -> Reason | None:
    """PostgreSQL refuses to run a cached prepared statement whose result columns changed."""
    driver = extra.get("driver")
    if driver is None or family not in ("postgres", None):
        return None
    runs = extra.get("run_at") or []
    line = runs[0] if runs else None
    evidence = extra.get("driver_evidence") or driver
    confidence = MEDIUM if str(evidence).startswith("await") else HIGH
    plan = "cached plan must not change result type"
    if driver == "psycopg":
        text = (
            f"psycopg 3 ({evidence}) prepares a query server-side after `prepare_threshold` (5) runs on a connection, "
            f"and every pooled connection that prepared it fails with FeatureNotSupported: {plan} until it is closed"
        )
        return Reason(text, line, True, confidence)
    if driver == "sqlalchemy+asyncpg":
        text = (
            f"SQLAlchemy's asyncpg dialect ({evidence}) caches it as a prepared statement, so its first run on each "
            f"connection after the column is added raises InvalidCachePlanError: {plan}"
        )
        return Reason(text, line, True, confidence)
    if extra.get("in_transaction"):
        text = (
            f"asyncpg ({evidence}) caches it as a prepared statement, and inside the transaction its next run "
            f"raises InvalidCachedStatementError: {plan}"
        )
        return Reason(text, line, True, confidence)
    text = (
        f"asyncpg ({evidence}) caches it as a prepared statement: outside a transaction it re-prepares it once, "
        f"inside one (opened by a caller) it raises InvalidCachedStatementError: {plan}"
    )
    return Reason(text, line, False, confidence)


def _grouped(uses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`row[0]`, `row[2]` and `row[3]` read on one line make one sentence, not three."""
    out: list[dict[str, Any]] = []
    for use in uses:
        last = out[-1] if out else None
        same = last is not None and use["kind"] == last["kind"] in ("index", "iloc") and use["line"] == last["line"]
        if same and last is not None and min(use["index"], *last.get("indexes", [last["index"]])) >= 0:
            last["indexes"] = [*last.get("indexes", [last["index"]]), use["index"]]
        else:
            out.append(dict(use))
    return out


def _shifts(spec: ColumnSpec, columns: list[str]) -> bool:
    """MySQL `FIRST` / `AFTER x` places the column before others, unless x is the last one."""
    words = (spec.position or "").split()
    if not words:
        return False
    return not (words[0].upper() == "AFTER" and len(words) == 2 and columns and words[1].strip("`\"") == columns[-1])


def _builds_frame(extra: dict[str, Any]) -> bool:
    readers = {"read_sql", "read_sql_query", "read_sql_table"}
    return bool(set(extra.get("run_by") or ()) & readers) or extra.get("sink") in readers


def _what(fact: Fact, table: str) -> str:
    extra = fact.extra
    if extra.get("returning"):
        return f"`RETURNING *` on {fact.table}"
    if extra.get("sink") == "read_sql_table":
        return f"read_sql_table('{fact.table}')"
    if extra.get("through"):  # the view's own `*` carries the new column once it is recreated
        return f"`SELECT *` from {fact.table}, a view passing every column of {table} through (once it is recreated),"
    return f"`SELECT *` from {fact.table}"


_CACHE_OFF = {
    "psycopg": "`prepare_threshold=None` on the connection or `execute(..., prepare=False)`",
    "asyncpg": "`statement_cache_size=0` on the pool",
    "sqlalchemy+asyncpg": "`prepared_statement_cache_size=0` in the engine URL",
}


def _fix(spec: ColumnSpec, fact: Fact, columns: list[str], driver: str | None) -> str:
    rewritten = _rewrite(fact.snippet, columns) if columns else None
    if rewritten is not None:
        text = f"Name the columns this code reads instead of `*`: `{rewritten}`."
    else:
        listed = ", ".join(columns) if columns else "id, ..."
        text = f"Name the columns this code reads instead of `*` ({listed} of {fact.table})."
    text += f" Add {spec.column} to that list, where the code needs it, once the column exists in every environment."
    if driver in _CACHE_OFF:
        text += (
            " An explicit list also keeps the prepared statement's result type fixed; until this query is changed, turn"
            f" statement caching off ({_CACHE_OFF[driver]}) or restart the application right after the migration."
        )
    return text


def _rewrite(snippet: str, columns: list[str]) -> str | None:
    """The statement with its one `*` (or `alias.*`) spelled out, when the snippet is whole."""
    if not snippet or snippet.endswith("…"):
        return None
    stars = [m for m in _STAR.finditer(snippet) if not _in_call(snippet, m)]
    if len(stars) != 1:
        return None
    match = stars[0]
    prefix = f"{match.group(1)}." if match.group(1) else ""
    expanded = ", ".join(prefix + column for column in columns)
    return snippet[: match.start()] + expanded + snippet[match.end() :]


def _in_call(text: str, match: re.Match[str]) -> bool:
    """`count(*)`: a star between parentheses is an argument, not a projection."""
    before, after = text[: match.start()].rstrip(), text[match.end() :].lstrip()
    return before.endswith("(") and after.startswith(")")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


RULE = Rule("select-star", WARNING, check, __doc__)
