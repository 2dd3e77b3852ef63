"""Stored facts read back in bulk, for a run that reads them once and drops them: checked field by
field as `cached_result.fact_from_json` (an object) or `fact_rows.fact_of_row` (a linked row) checks
them, written out, their repeated values shared.

A relink whose changed files define tables builds the catalog again from every stored TABLE_DEF,
COLUMN_DEF and SCHEMA_OP (107,000 facts at a million lines), and one whose files hold model facts
rebuilds the stored model names from every stored MODEL, APP_CONFIG and TABLE_BINDING (23,000):
decoding them was most of that time, a call per field checked and every value shared with the
whole index's (`depmap.index.shared_values`). Here the checks are inline, and the values repeated
from fact to fact (paths, tables, kinds, snippets, column lists, the strings of `extra`) are shared
within one read only, which keeps its memory as low. The facts are equal to `fact_from_json`'s; a
row of another shape raises ValueError the same way.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from depmap.index import fast_json
from depmap.index.cached_result import fact_from_json
from depmap.index.fact_rows import checked
from depmap.model import CONFIDENCE_ORDER, Fact, Location

_FACT_KEYS = frozenset({"kind", "table", "location", "columns", "access", "detail", "via", "confidence", "snippet", "extra"})
_LOCATION_KEYS = frozenset({"path", "line", "end_line", "col", "symbol", "statement_line"})
_CONFIDENCES = frozenset(CONFIDENCE_ORDER)


def facts_of_rows(texts: Iterable[Any]) -> Iterator[Fact]:
    """The fact of each stored row (`depmap.index.fact_rows`), in order, checked as `fact_of_row`
    checks it, its repeated values shared within this read; ValueError for a row depmap never writes."""
    values: dict[Any, Any] = {}  # a repeated value -> its one object
    columns_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    share = values.setdefault
    for text in texts:
        kind, table, path, line, end_line, col, symbol, statement_line, columns, access, detail, via, confidence, snippet, extra = \
            checked(fast_json.loads(text))
        names = tuple(columns)
        yield Fact(share(kind, kind), share(table, table), Location(share(path, path), line, end_line, col, symbol, statement_line),
                   columns_of.setdefault(names, names), share(access, access), share(detail, detail), share(via, via),
                   share(confidence, confidence), share(snippet, snippet),
                   {key: share(value, value) if type(value) is str else value for key, value in extra.items()})


def facts_of_items(items: Iterable[Any]) -> Iterator[Fact]:
    """The fact of each item of loaded JSON, in order; ValueError (or TypeError) for one `Fact.to_json` never writes."""
    values: dict[Any, Any] = {}  # a repeated value -> its one object
    columns_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    share = values.setdefault
    for item in items:
        if type(item) is not dict or item.keys() != _FACT_KEYS:
            yield fact_from_json(item)  # raises, with the reason
            continue
        where, columns = item["location"], item["columns"]
        if not (type(where) is dict and where.keys() == _LOCATION_KEYS and _plain_location(where) and type(columns) is list
                and type(item["kind"]) is str and type(item["table"]) is str and type(item["via"]) is str
                and _optional_text(item["access"]) and _optional_text(item["detail"]) and type(item["snippet"]) is str
                and type(item["confidence"]) is str and item["confidence"] in _CONFIDENCES and type(item["extra"]) is dict):
            yield fact_from_json(item)  # the rare shape this check is too strict for, or a damaged row: raises
            continue
        names = tuple(columns)
        if not all(type(name) is str for name in names):
            raise ValueError("columns of the wrong type")
        location = Location(share(where["path"], where["path"]), where["line"], where["end_line"], where["col"],
                            where["symbol"], where["statement_line"])
        yield Fact(share(item["kind"], item["kind"]), share(item["table"], item["table"]), location, columns_of.setdefault(names, names),
                   share(item["access"], item["access"]), share(item["detail"], item["detail"]), share(item["via"], item["via"]),
                   share(item["confidence"], item["confidence"]), share(item["snippet"], item["snippet"]),
                   {key: share(value, value) if type(value) is str else value for key, value in item["extra"].items()})


def _plain_location(where: dict[str, Any]) -> bool:
    """The location's types, as `fact_from_json` checks them (a bool is no line number)."""
    return (type(where["path"]) is str and type(where["line"]) is int and _optional_number(where["end_line"])
            and _optional_number(where["col"]) and _optional_text(where["symbol"]) and _optional_number(where["statement_line"]))


def _optional_number(value: Any) -> bool:
    return value is None or type(value) is int


def _optional_text(value: Any) -> bool:
    return value is None or type(value) is str
