"""dbt data tests in properties YAML: each runs a query on the model, source or seed it is declared
on (and a `relationships` test on the model it points `to`), so each is a reader.

`not_null`, `unique`, `accepted_values`, `relationships`, `dbt_utils.*` and a project's own tests,
under `tests:` or `data_tests:`, on the model (no column named) or on a column (that column);
arguments written directly or under `arguments:` (dbt 1.10). A relationships-like test
(`relationships`, `dbt_utils.relationships_where`: `to`, `field`) also reads the target's field; an
equality-like one (`dbt_utils.equality`, `equal_rowcount`, `fewer_rows_than`: `compare_model`) reads
the compared relation. Each test is located at its own line: a mapping's recorded line, or for a
test written as a bare name (`- not_null`), the first line below its owner that lists it.
"""

from __future__ import annotations

import re
from typing import Any

from depmap.model import READ, Fact, Location
from depmap.frameworks.dbt.symbols import ref_placeholder, source_placeholder

_LINE = "__line__"
DETAIL = "dbt_test"
_REF = re.compile(r"""^\s*(ref|source)\s*\(\s*(['"][^'"]+['"](?:\s*,\s*['"][^'"]+['"])*)\s*\)\s*$""")
_COMPARED = ("compare_model", "to")


def test_reads(path: str, lines: list[str], owner: dict, table: str, name: str) -> list[Fact]:
    """The reads of every data test declared on `owner` (a model, seed or source-table entry),
    whose relation is the placeholder `table` (`name` when the link does not know it)."""
    facts = []
    owner_line = int(owner.get(_LINE, 1))
    for test, line in _tests(owner, lines, owner_line):
        facts.extend(_reads(path, lines, test, line, table, name, ()))
    for column in owner.get("columns") or []:
        if not isinstance(column, dict) or not column.get("name"):
            continue
        column_name = str(column["name"]).lower()
        for test, line in _tests(column, lines, int(column.get(_LINE, owner_line))):
            facts.extend(_reads(path, lines, test, line, table, name, (column_name,)))
    return facts


def _tests(owner: dict, lines: list[str], start: int) -> list[tuple[Any, int]]:
    found = []
    searched = start
    for key in ("data_tests", "tests"):
        for test in owner.get(key) or [] if isinstance(owner.get(key), list) else []:
            if isinstance(test, dict):
                line = int(test.get(_LINE, start))
            else:
                line = _line_of_item(lines, str(test), searched)
                searched = line
            found.append((test, line))
    return found


def _line_of_item(lines: list[str], item: str, start: int) -> int:
    """The first line at or below `start` that lists `item` (`- not_null`, `- "unique"`, or inside a
    flow list: `tests: [not_null, unique]`)."""
    name = rf"""['"]?{re.escape(item)}['"]?"""
    pattern = re.compile(rf"""^\s*-\s*{name}\s*(#.*)?$|[\[,]\s*{name}\s*[,\]]""")
    for number in range(start, len(lines) + 1):
        if pattern.search(lines[number - 1]):
            return number
    return start


def _key_line(lines: list[str], key: str, start: int) -> int:
    """The line of `key:` at or below `start` (where `to: ref('x')` names the other relation)."""
    pattern = re.compile(rf"""(^|[{{,\s]){re.escape(key)}\s*:""")
    for number in range(start, min(len(lines), start + 40) + 1):
        if pattern.search(lines[number - 1]):
            return number
    return start


def _reads(path: str, lines: list[str], test: Any, line: int, table: str, name: str, columns: tuple[str, ...]) -> list[Fact]:
    if isinstance(test, dict):
        keys = [k for k in test if k != _LINE]
        if not keys:
            return []
        test_name, arguments = str(keys[0]), test[keys[0]]
    else:
        test_name, arguments = str(test), None
    location = Location(path, line, line, symbol=name)  # the tested relation stands for the function
    extra = {"test": test_name, "dbt_name": name}
    facts = [Fact("access", table, location, columns, READ, DETAIL, "dbt", snippet=test_name, extra=extra)]
    arguments = arguments.get("arguments", arguments) if isinstance(arguments, dict) else {}
    for key in _COMPARED:
        target = _relation(arguments.get(key)) if isinstance(arguments, dict) else None
        if target is None:
            continue
        field = arguments.get("field") if key == "to" else None
        other = (str(field).lower(),) if field else ()
        data = {"test": test_name, "dbt_name": target[1], "of": name}
        at = _key_line(lines, key, line)
        where = Location(path, at, at, symbol=name)
        facts.append(Fact("access", target[0], where, other, READ, DETAIL, "dbt", snippet=f"{test_name} {key}: {target[1]}", extra=data))
    return facts


def _relation(value: Any) -> tuple[str, str] | None:
    """`ref('x')` / `source('s', 't')` as written in a test's argument: (placeholder, plain name)."""
    match = _REF.match(str(value or ""))
    if match is None:
        return None
    args = [a.strip().strip("'\"") for a in match.group(2).split(",")]
    if match.group(1) == "ref":
        return ref_placeholder(args[-1]), args[-1].lower()
    if len(args) == 2:
        return source_placeholder(args[0], args[1]), f"{args[0]}.{args[1]}".lower()
    return None
