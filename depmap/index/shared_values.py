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
    return shared_rows([fact.__reduce__()[1] for fact in result.facts], result.skipped)


class SharedOnArrival:
    """A scan worker's result, sent so that the main process builds its facts from shared values
    as it receives them (`shared_rows`): each fact is built once there, not unpickled as it was
    and then built again."""

    def __init__(self, result: ScanResult) -> None:
        self.result = result

    def __reduce__(self) -> tuple:
        return shared_rows, ([fact.__reduce__()[1] for fact in self.result.facts], self.result.skipped)


def shared_rows(rows: list[tuple], skipped: list[Any]) -> ScanResult:
    """A ScanResult of facts made, from shared values, of rows of `Fact.__reduce__`'s fields: what
    `shared_fact` and `shared_location` make, in one loop (the main process does it for every fact
    of a cold scan while the workers scan, on the same cores: 1.8 s at a million lines as calls)."""
    intern, number, columns_of, shared_dict = sys.intern, _numbers.setdefault, _columns.setdefault, _shared_dict
    facts = []
    for kind, table, path, line, end_line, col, symbol, statement_line, columns, access, detail, via, confidence, snippet, extra in rows:
        where = Location(
            intern(path) if type(path) is str else path,
            number(line, line) if type(line) is int else line,
            number(end_line, end_line) if type(end_line) is int else end_line,
            number(col, col) if type(col) is int else col,
            intern(symbol) if type(symbol) is str else symbol,
            number(statement_line, statement_line) if type(statement_line) is int else statement_line,
        )
        found = tuple([intern(column) if type(column) is str else column for column in columns])
        facts.append(Fact(
            intern(kind) if type(kind) is str else kind,
            intern(table) if type(table) is str else table,
            where,
            columns_of(found, found),
            intern(access) if type(access) is str else access,
            intern(detail) if type(detail) is str else detail,
            intern(via) if type(via) is str else via,
            intern(confidence) if type(confidence) is str else confidence,
            intern(snippet) if type(snippet) is str else snippet,
            shared_dict(extra) if extra else {},
        ))
    return ScanResult(facts, skipped)


def _text(value: Any) -> Any:
    """A string interned; anything else (None, a str subclass `sys.intern` refuses) as it is."""
    return sys.intern(value) if type(value) is str else value


def _number(value: int | None) -> int | None:
    if type(value) is not int:  # None (or a bool, which must stay one)
        return value
    return _numbers.setdefault(value, value)


def _shared_dict(data: dict[str, Any]) -> dict[str, Any]:
    intern = sys.intern
    shared = {}
    for key, value in data.items():  # `_shared` written out for the common values: strings, numbers, None
        kind = type(value)
        if kind is str:
            value = intern(value)
        elif kind is dict or kind is list or kind is tuple:
            value = _shared(value)
        shared[intern(key) if type(key) is str else key] = value
    return shared


def _shared(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return sys.intern(value)
    if kind is dict:
        return _shared_dict(value)
    if kind is list:
        return [_shared(item) for item in value]
    if kind is tuple:
        return tuple([_shared(item) for item in value])
    return value  # numbers, booleans, None (and anything a worker's plain-data check let through)
