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

from bisect import bisect_left, bisect_right
from itertools import compress
from operator import itemgetter, not_
from typing import Any, Iterable, Mapping, Sequence

from depmap.model import ACCESS, EXPOSURE, FLOW, PARSE_ERROR, Fact


UNPARSED = "unparsed"
# (path, first line, last line, role, table, where a flow leads, the parser's message): one line span
# a fact claims, as `depmap.index.span_store` keeps it.
SpanRow = tuple[str, int, int, str, str, "str | None", "str | None"]
# One span of a path, its path left out: a list as stored, or a tuple (a saleor query places a
# hundred thousand of them: placed by list comprehension, never one object each).
Span = Sequence[Any]
_START, _END, _ROLE, _TABLE, _FLOWS_TO, _ERROR = range(6)


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
        self._own: dict[str, list[Span]] = {}
        self._others: dict[str, list[Span]] = {}
        self._unparsed: dict[str, list[Span]] = {}
        self._sorted: dict[tuple[bool, str], tuple[list[int], list[Span], int]] = {}
        by_path: dict[str, list[Span]] = {}
        for fact in facts:
            for span in spans_of(fact):
                by_path.setdefault(span[0], []).append(span[1:])
        self._place(by_path)

    @classmethod
    def from_stored(cls, spans: Mapping[str, list[Span]], claimants: Iterable[str]) -> "Claims":
        """The claims of stored spans (`span_store.spans_at`: each path's in its facts' order)."""
        claims = cls((), claimants)
        claims._place(spans)
        return claims

    def _place(self, by_path: Mapping[str, list[Span]]) -> None:
        claimants = self.claimants
        for path, spans in by_path.items():
            if any(span[_ROLE] == UNPARSED for span in spans):
                self._unparsed[path] = [span for span in spans if span[_ROLE] == UNPARSED]
                spans = [span for span in spans if span[_ROLE] != UNPARSED]
            mine = [span[_TABLE] in claimants or (span[_FLOWS_TO] is not None and span[_FLOWS_TO] in claimants) for span in spans]
            self._own[path] = list(compress(spans, mine))
            self._others[path] = list(compress(spans, map(not_, mine)))

    def explains(self, path: str, line: int) -> bool:
        """Whether a fact of a claimant table holds this line."""
        return bool(self._holding(True, path, line))

    def others(self, path: str, line: int) -> list[tuple[str, str]]:
        """(role, table) of the narrowest statements of other tables that hold this line."""
        holding = self._holding(False, path, line)
        if not holding:
            return []
        narrowest = min(s[_END] - s[_START] for s in holding)
        return sorted({(s[_ROLE], s[_TABLE]) for s in holding if s[_END] - s[_START] == narrowest})

    def _holding(self, own: bool, path: str, line: int) -> list[Span]:
        """The spans of a claimant (`own`) or of another table that hold this line. A path's spans
        are sorted by first line when it is first asked about, so a line looks only at the spans
        that start at most the longest span's length before it: a saleor file holds a thousand
        spans of other tables, and asking each of them about each line was a fifth of a search."""
        entry = self._sorted.get((own, path))
        if entry is None:
            ordered = sorted((self._own if own else self._others).get(path, ()), key=itemgetter(_START))
            entry = ([s[_START] for s in ordered], ordered, max((s[_END] - s[_START] for s in ordered), default=0))
            self._sorted[own, path] = entry
        starts, ordered, longest = entry
        high = bisect_right(starts, line)
        return [s for s in ordered[bisect_left(starts, line - longest, 0, high):high] if line <= s[_END]]

    def unparsed(self, path: str, line: int) -> str | None:
        """The parser's message when this line is inside SQL that did not parse."""
        for span in self._unparsed.get(path, ()):
            if span[_START] <= line <= span[_END]:
                return span[_ERROR]
        return None
