"""JSON documents of the command-line contract (DESIGN.md): stable keys, sorted, `schema_version`
(model.SCHEMA_VERSION). Each document's JSON Schema ships in depmap/schemas/ (`depmap schema`);
the tests validate every document against it, so a key added here is added there too.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from depmap.model import SCHEMA_VERSION, Fact, Skipped

# Usages carry `statement` (the statement's span), `lines` (every line naming the table, when
# several) and `column_lines` (each column's first line) besides `line`.
_PLACEMENT = ("statement", "lines", "column_lines", "through")  # extras that are placement, not notes


def usage(fact: Fact) -> dict[str, Any]:
    loc = fact.location
    data: dict[str, Any] = {
        "path": loc.path,
        "line": loc.line,
        "end_line": loc.end_line if loc.end_line is not None else loc.line,
        "statement": {"line": loc.statement_start, "end_line": loc.end_line if loc.end_line is not None else loc.line},
        "symbol": loc.symbol,
        "table": fact.table,
        "columns": list(fact.columns),
        "access": fact.access,
        "detail": fact.detail,
        "via": fact.via,
        "confidence": fact.confidence,
        "snippet": fact.snippet,
    }
    if lines := fact.extra.get("lines"):
        data["lines"] = list(lines)
    if through := fact.extra.get("through"):  # read through these views, outermost last
        data["through"] = list(through)
    if fact.columns:
        named = fact.extra.get("column_lines") or {}
        data["column_lines"] = {column: int(named.get(column, loc.line)) for column in fact.columns}
    notes = {k: v for k, v in fact.extra.items() if k not in _PLACEMENT}
    if notes:
        data["notes"] = notes
    return data


def usages_document(
    query: dict[str, Any], facts: Iterable[Fact], skipped: Iterable[Skipped], findings: Iterable[dict] = ()
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "query": query,
        "usages": [usage(f) for f in facts],
        "findings": list(findings),
        "skipped": [s.to_json() for s in skipped],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def streamed_dumps(document: dict[str, Any], key: str, items: Iterable[Any]) -> Iterator[str]:
    """The text `dumps` gives `document` with `key` added last, `items` as its list, in pieces of
    about 64 KB: each item is encoded as it comes, so an item a caller makes at a time is never
    held beside the others. The same bytes: the encoder writes a list by iterating it."""
    encoder = json.JSONEncoder(indent=2, sort_keys=False, ensure_ascii=False)
    pieces, size = [], 0
    for piece in encoder.iterencode({**document, key: _Lazy(items)}):
        pieces.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            yield "".join(pieces)
            pieces, size = [], 0
    pieces.append("\n")
    yield "".join(pieces)


def lazy_list(items: Iterable[Any]) -> list:
    """`items` as a list the JSON encoder of `streamed_dumps` writes as they come (a document may
    hold several)."""
    return _Lazy(items)


class _Lazy(list):
    """A list to the JSON encoder (it asks `isinstance(value, list)`, whether it is empty, and
    iterates it) whose items come from an iterator as the encoder asks for them."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__()
        self._items = iter(items)
        self._first = next(self._items, _Lazy)

    def __bool__(self) -> bool:
        return self._first is not _Lazy

    def __iter__(self) -> Iterator[Any]:
        if self._first is not _Lazy:
            yield self._first
            self._first = _Lazy
            yield from self._items


def downstream_document(query: dict[str, Any], hops: Iterable[Any], skipped: Iterable[Skipped]) -> dict[str, Any]:
    """`depmap downstream --format json`: each relation (and column) reached, with its hop."""
    return {
        "schema_version": SCHEMA_VERSION,
        "query": query,
        "downstream": [
            {
                "table": hop.target,
                "column": hop.target_column,
                "depth": hop.depth,
                "from": {"table": hop.source, "column": hop.source_column},
                "kind": {"star": "star", "column": "column"}.get(hop.fact.detail or "", "table"),
                "path": hop.fact.location.path,
                "line": hop.fact.location.line,
                "symbol": hop.fact.location.symbol,
                "via": hop.fact.via,
            }
            for hop in hops
        ],
        "skipped": [s.to_json() for s in skipped],
    }


def impact_document(report: Any, skipped: Iterable[Skipped]) -> dict[str, Any]:
    """`depmap impact --format json`: the usages document plus the verdict, findings and plan."""
    spec = report.spec
    document = usages_document(
        {"table": spec.table, "column": spec.column, "type": spec.type, "not_null": spec.not_null, "default": spec.default},
        report.usages,
        skipped,
        [f.to_json() for f in report.findings],
    )
    dialect = report.dialect
    document["column"] = spec.to_json()
    document["dialect"] = {
        "name": dialect.name,
        "version": ".".join(str(p) for p in dialect.version) if dialect.version else None,
        "source": dialect.source,
    }
    document["verdict"] = report.verdict
    document["counts"] = report.counts()
    if report.in_tests:
        document["findings_in_tests"] = report.in_tests
    document["plan"] = [step.to_json() for step in report.plan]
    if report.errors:
        document["errors"] = list(report.errors)
    if report.suppressed:
        document["suppressed"] = [item.to_json() for item in report.suppressed]
    if report.baselined:
        document["baselined"] = report.baselined
    return document


def operation_document(report: Any) -> dict[str, Any]:
    """One schema operation of a checked migration (an index, a constraint, a SET NOT NULL) and
    what the operation rules found about it."""
    op = report.operation
    return {
        "operation": op.detail,
        "description": report.title,
        "table": op.table,
        "columns": list(op.columns),
        "name": op.extra.get("name"),
        "path": op.location.path,
        "line": op.location.line,
        "verdict": report.verdict,
        "counts": report.counts(),
        "findings": [f.to_json() for f in report.findings],
    }


def check_document(reports: list[Any], migrations: Iterable[str], problems: Iterable[str], skipped: Iterable[Skipped]) -> dict[str, Any]:
    """`depmap check --format json`: one impact document per added column, and every finding."""
    from depmap.impact.engine import overall_verdict

    findings = [f for report in reports for f in report.findings]
    document = {
        "schema_version": SCHEMA_VERSION,
        "query": {"migrations": list(migrations)},
        "verdict": overall_verdict(reports),
        "columns": [impact_document(report, []) for report in reports if report.operation is None],
        "operations": [operation_document(report) for report in reports if report.operation is not None],
        "findings": [f.to_json() for f in findings],
        "problems": list(problems),
        "skipped": [s.to_json() for s in skipped],
    }
    if suppressed := [item.to_json() for report in reports for item in report.suppressed]:
        document["suppressed"] = suppressed
    if baselined := sum(report.baselined for report in reports):
        document["baselined"] = baselined
    return document
