"""Facts built from decoded data share their repeated values, so a large index holds each once.

Every file's facts arrive in the main process as new objects: decoded from a cache row's JSON or
unpickled from a scan worker. Each brings its own copy of the path, the table and column names,
the kind, the model a column belongs to, the snippet of a statement other files repeat, and its own
line numbers. At a million lines that is millions of small equal objects held for the whole run
(and written into the pickled index as such). Here equal strings become one (`sys.intern`), equal
column tuples and line numbers one object, with the same values and the same order: only identity
changes, never what a fact says, how it sorts or how it prints.
"""

from __future__ import annotations

import sys
from typing import Any

from depmap.model import Fact, Location, ScanResult

_columns: dict[tuple[str, ...], tuple[str, ...]] = {}
_numbers: dict[int, int] = {}


def shared_fact(kind: str, table: str, location: Location, columns: Any, access: str | None, detail: str | None, via: str,
                confidence: str, snippet: str, extra: dict[str, Any]) -> Fact:
    """A fact like `Fact(...)`, its strings interned and `columns` a shared tuple."""
    return Fact(_text(kind), _text(table), location, shared_columns(columns), _text(access), _text(detail), _text(via),
                _text(confidence), _text(snippet), _shared_dict(extra))


def shared_location(path: str, line: int, end_line: int | None, col: int | None, symbol: str | None,
                    statement_line: int | None) -> Location:
    return Location(_text(path), _number(line), _number(end_line), _number(col), _text(symbol), _number(statement_line))


def shared_columns(columns: Any) -> tuple[str, ...]:
    found = tuple(_text(column) for column in columns)
    return _columns.setdefault(found, found)


def shared_result(result: ScanResult) -> ScanResult:
    """`result` with every fact rebuilt from shared values (a scan worker's answer)."""
    return ScanResult([_rebuilt(fact) for fact in result.facts], result.skipped)


def _rebuilt(fact: Fact) -> Fact:
    at = fact.location
    where = shared_location(at.path, at.line, at.end_line, at.col, at.symbol, at.statement_line)
    return shared_fact(fact.kind, fact.table, where, fact.columns, fact.access, fact.detail, fact.via, fact.confidence,
                       fact.snippet, fact.extra)


def _text(value: Any) -> Any:
    """A string interned; anything else (None, a str subclass `sys.intern` refuses) as it is."""
    return sys.intern(value) if type(value) is str else value


def _number(value: int | None) -> int | None:
    if type(value) is not int:  # None (or a bool, which must stay one)
        return value
    return _numbers.setdefault(value, value)


def _shared_dict(data: dict[str, Any]) -> dict[str, Any]:
    return {_text(key): _shared(value) for key, value in data.items()}


def _shared(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return sys.intern(value)
    if kind is dict:
        return _shared_dict(value)
    if kind is list:
        return [_shared(item) for item in value]
    if kind is tuple:
        return tuple(_shared(item) for item in value)
    return value  # numbers, booleans, None (and anything a worker's plain-data check let through)
