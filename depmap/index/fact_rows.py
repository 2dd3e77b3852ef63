"""A linked fact as its stored row: a JSON array of its fields in order, read back strictly.

The linked index's rows (`depmap.index.linked_store`) are a quarter of a million facts in a large
project, most of them interprocedural copies of a few thousand statements at every call of their
function. Written as `Fact.to_json`'s object, a fifth of each row was key names, and reading an
object back costs orjson three times what the same values in an array cost (a warm query decodes
thousands of rows, a relink tens of thousands). So a row is the array of the fact's fifteen fields,
the location's six inline: `[kind, table, path, line, end_line, col, symbol, statement_line, columns,
access, detail, via, confidence, snippet, extra]`. A row is data anyone can edit: one of another
length or with a value of the wrong type raises ValueError, as `cached_result.fact_from_json` does
for the object form.
"""

from __future__ import annotations

from typing import Any

from depmap.index import fast_json
from depmap.index.shared_values import shared_fact, shared_location
from depmap.model import CONFIDENCE_ORDER, Fact, Location

FIELDS = 15
CONFIDENCES = frozenset(CONFIDENCE_ORDER)


def encode_row(fact: Fact) -> str:
    """The row of a fact (`json.dumps`'s compact text of the array, `fast_json.dumps`)."""
    loc = fact.location
    return fast_json.dumps((fact.kind, fact.table, loc.path, loc.line, loc.end_line, loc.col, loc.symbol, loc.statement_line,
                            fact.columns, fact.access, fact.detail, fact.via, fact.confidence, fact.snippet, fact.extra))


def fact_of_row(item: Any, shared: bool = True) -> Fact:
    """The fact of a loaded row; ValueError for a row `encode_row` never writes. `shared`: its values
    shared with the other facts read so (`depmap.index.shared_values`), for facts that stay."""
    kind, table, path, line, end_line, col, symbol, statement_line, columns, access, detail, via, confidence, snippet, extra = checked(item)
    if shared:
        location = shared_location(path, line, end_line, col, symbol, statement_line)
        return shared_fact(kind, table, location, columns, access, detail, via, confidence, snippet, extra)
    return Fact(kind, table, Location(path, line, end_line, col, symbol, statement_line), tuple(columns), access, detail, via,
                confidence, snippet, extra)


def checked(item: Any) -> list[Any]:
    """`item` when it is a row as `encode_row` writes it (a bool is no number); ValueError otherwise."""
    if type(item) is not list or len(item) != FIELDS:
        raise ValueError("a fact of the wrong shape")
    kind, table, path, line, end_line, col, symbol, statement_line, columns, access, detail, via, confidence, snippet, extra = item
    if not (type(kind) is str and type(table) is str and type(path) is str and type(line) is int and _number(end_line)
            and _number(col) and _text(symbol) and _number(statement_line) and type(columns) is list and _text(access)
            and _text(detail) and type(via) is str and type(confidence) is str and confidence in CONFIDENCES
            and type(snippet) is str and type(extra) is dict):
        raise ValueError("a fact of the wrong type")
    if not all(type(name) is str for name in columns):
        raise ValueError("columns of the wrong type")
    return item


def _number(value: Any) -> bool:
    return value is None or type(value) is int


def _text(value: Any) -> bool:
    return value is None or type(value) is str
