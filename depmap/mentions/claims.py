"""Which lines the index already explains: the spans of facts, per file.

A fact claims the lines of its statement, `location.statement_start`..`end_line`, in its file: a
usage, a definition, a schema operation, a flow, an exposure, or the place where a dbt model's
columns are declared (`extra.declared_at`). A line claimed by a fact of the table (or of a view
named among its forms) is explained; one claimed only by facts of other tables is "inside another
table's statement", which says where to look (a join the analysis attributed to one table only,
a prefetch through an accessor); one inside SQL that did not parse says so.

>>> from depmap.model import ACCESS, Fact, Location
>>> facts = [Fact(ACCESS, "orders", Location("a.py", 4, 6, statement_line=2)),
...          Fact(ACCESS, "payments", Location("a.py", 9, 9))]
>>> claims = Claims(facts, {"orders"})
>>> [claims.explains("a.py", n) for n in (1, 2, 6, 9)], claims.others("a.py", 9)
([False, True, True, False], [('usage', 'payments')])
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

from depmap.model import ACCESS, EXPOSURE, FLOW, PARSE_ERROR, Fact


class _Span(NamedTuple):
    """One claimed span (a tuple: a saleor query places a hundred thousand of them)."""

    start: int
    end: int
    role: str  # "usage" or "definition"
    table: str
    error: str | None = None  # the parser's message, on SQL that did not parse


UNPARSED = "unparsed"
# (path, first line, last line, role, table, where a flow leads, the parser's message): one line span
# a fact claims, as `depmap.index.span_store` keeps it.
SpanRow = tuple[str, int, int, str, str, "str | None", "str | None"]


def spans_of(fact: Fact) -> list[SpanRow]:
    """The spans `fact` claims: its statement, and where a dbt model's columns are declared."""
    loc = fact.location
    start, end = loc.statement_start, max(loc.end_line or loc.line, loc.line)
    if fact.kind == PARSE_ERROR:  # whichever tables its tokens name, if any
        return [(loc.path, start, end, UNPARSED, fact.table, None, str(fact.extra.get("error") or "invalid SQL"))]
    if not fact.table:
        return []  # symbolic facts (models, migrations) name no table: their concrete facts do
    role = "usage" if fact.kind in (ACCESS, EXPOSURE, FLOW) else "definition"
    target = fact.extra.get("to") if fact.kind == FLOW else None
    flows_to = target if isinstance(target, str) else None
    spans = [(loc.path, start, end, role, fact.table, flows_to, None)]
    declared = fact.extra.get("declared_at")
    if isinstance(declared, dict) and isinstance(declared.get("path"), str) and isinstance(declared.get("line"), int):
        spans.append((declared["path"], declared["line"], declared["line"], "definition", fact.table, flows_to, None))
    return spans


class Claims:
    """The spans of every fact that names a table, by path, for one set of claimant tables."""

    def __init__(self, facts: Iterable[Fact], claimants: Iterable[str]) -> None:
        self.claimants = frozenset(claimants)
        self._own: dict[str, list[_Span]] = {}
        self._others: dict[str, list[_Span]] = {}
        self._unparsed: dict[str, list[_Span]] = {}
        for fact in facts:
            self._add(fact)

    @classmethod
    def from_spans(cls, spans: Iterable[SpanRow], claimants: Iterable[str]) -> "Claims":
        """The claims of stored `spans_of` rows, in the order of their facts."""
        claims = cls((), claimants)
        for span in spans:
            claims._place(span)
        return claims

    def _add(self, fact: Fact) -> None:
        for span in spans_of(fact):
            self._place(span)

    def _place(self, span: SpanRow) -> None:
        path, start, end, role, table, flows_to, error = span
        if role == UNPARSED:
            self._unparsed.setdefault(path, []).append(_Span(start, end, role, table, error))
            return
        mine = table in self.claimants or (flows_to is not None and flows_to in self.claimants)
        (self._own if mine else self._others).setdefault(path, []).append(_Span(start, end, role, table))

    def explains(self, path: str, line: int) -> bool:
        """Whether a fact of a claimant table holds this line."""
        return any(s.start <= line <= s.end for s in self._own.get(path, ()))

    def others(self, path: str, line: int) -> list[tuple[str, str]]:
        """(role, table) of the narrowest statements of other tables that hold this line."""
        holding = [s for s in self._others.get(path, ()) if s.start <= line <= s.end]
        if not holding:
            return []
        narrowest = min(s.end - s.start for s in holding)
        return sorted({(s.role, s.table) for s in holding if s.end - s.start == narrowest})

    def unparsed(self, path: str, line: int) -> str | None:
        """The parser's message when this line is inside SQL that did not parse."""
        for span in self._unparsed.get(path, ()):
            if span.start <= line <= span.end:
                return span.error
        return None
