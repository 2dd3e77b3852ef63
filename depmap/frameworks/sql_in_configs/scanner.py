"""SQL kept in YAML and JSON configuration: `sql:`, `query:`, `statement:`, `sql_query:` values.

`scan_config_sql(path, text, ctx)` finds every value under one of those keys, at any depth
(a string, or a list of strings), and hands it to the SQL engine. Facts sit on the exact line of
the value (`via="sql"`, medium confidence: a config value is run by code we do not see) with the
dotted key path as symbol, `jobs.daily_export.sql`; a list item is named by its `name` or `id`
when it has one, by its index otherwise (`jobs[nightly].sql`, `steps[0].sql`), so that the
symbol survives reordering.

- YAML: `yaml.compose_all` builds nodes with marks and never constructs objects, so custom tags
  (`!Ref`) are harmless. A literal block (`sql: |`) keeps its lines: line k of the SQL is the
  k-th line after the `|`. Folded (`>`) and multi-line flow scalars fold their newlines, so every
  statement in them is placed on the value's first line.
- JSON: `json.loads` (pairs kept in order) gives the values; their lines come from one regex
  pass over the text: outside string tokens JSON has no quotes, so the n-th string token of the
  text is the n-th string (key or value) a depth-first walk of the parsed document meets. A JSON
  string cannot span lines, so every statement of a value is placed on that line.

A value under `sql` is analysed whatever it holds (bad SQL there reaches the report as a parse
error). Under the other keys, which also hold search strings and GraphQL, the value must look like
a statement (`looks_like_standalone_sql`) and parse as one: "find active orders" is dropped.
dbt property files (a top-level `sources:` or `models:`) belong to the dbt scanner and are left
alone. A file that is not valid YAML/JSON is skipped with the parser's reason, never a crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from depmap.model import MEDIUM, Fact, ScanResult, Skipped, sorted_facts
from depmap.scan_context import ScanContext
from depmap.frameworks.sql_in_python.recognize import looks_like_standalone_sql
from depmap.sql import analyze_sql, to_facts
from depmap.sql.types import StatementResult

SQL_KEYS = frozenset({"sql", "query", "statement", "sql_query"})
STRICT_KEY = "sql"  # its value is SQL by name: analysed even when it does not parse
DBT_KEYS = frozenset({"sources", "models"})
LABEL_KEYS = ("name", "id")  # a list item that has one is named by it: `jobs[nightly].sql`
_NOT_SQL = frozenset({"unparsed", "other"})
_PREFILTER = re.compile(r"""(?i)\b(?:sql|query|statement|sql_query)["']?\s*:""")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_REASON_LIMIT = 160
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: same nodes, faster


@dataclass(frozen=True)
class ConfigValue:
    """A string found under a SQL key: its dotted key path, key, text and file lines."""

    symbol: str
    key: str
    text: str
    line: int  # the file line of the text's first line
    line_per_line: bool  # True: text line k is file line `line + k - 1`; False: all on `line`


# depmap's own JSON and SARIF reports quote the plan's DDL and every snippet: scanning a report
# left in the project would make the next run find the column it proposed ("column-exists").
_DEPMAP_REPORT = re.compile(r'\A\s*\{\s*"(?:schema_version":\s*\d+,\s*"query"|\$schema":\s*"[^"]*sarif)')


def scan_config_sql(path: str, text: str, ctx: ScanContext) -> ScanResult:
    if not _PREFILTER.search(text) or _DEPMAP_REPORT.match(text):
        return ScanResult()
    is_json = path.lower().endswith(".json")
    try:
        values = list(_json_values(text) if is_json else _yaml_values(text))
    except _DbtFile:
        return ScanResult()
    except (yaml.YAMLError, json.JSONDecodeError, RecursionError, ValueError) as error:
        kind = "JSON" if is_json else "YAML"
        return ScanResult(skipped=[Skipped(path, f"invalid {kind}: {_reason(error)}")])
    facts: list[Fact] = []
    for value in values:
        facts.extend(_value_facts(path, value, ctx))
    return ScanResult(facts=sorted_facts(facts))


def _value_facts(path: str, value: ConfigValue, ctx: ScanContext) -> list[Fact]:
    strict = value.key == STRICT_KEY
    if not value.text.strip() or (not strict and not looks_like_standalone_sql(value.text)):
        return []
    results: list[StatementResult] = analyze_sql(value.text, ctx.dialect)
    if not strict and all(result.kind in _NOT_SQL for result in results):
        return []
    if value.line_per_line:
        line_of = lambda line: value.line + line - 1  # noqa: E731
    else:
        line_of = lambda line: value.line  # noqa: E731
    return to_facts(results, path=path, line_of=line_of, symbol=value.symbol, confidence=MEDIUM)


def _reason(error: BaseException) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}" if mark is not None else ""
        message = f"{error.problem or error.context}{where}"
    elif isinstance(error, json.JSONDecodeError):
        message = f"{error.msg} at line {error.lineno}"
    elif isinstance(error, RecursionError):
        message = "nested too deeply"
    else:
        message = str(error)
    message = " ".join(message.split())
    return message if len(message) <= _REASON_LIMIT else message[: _REASON_LIMIT - 1] + "…"


class _DbtFile(Exception):
    """A dbt property file: another scanner's input."""


def _key_path(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


# -- YAML ------------------------------------------------------------------------------------------


def _yaml_values(text: str) -> Iterator[ConfigValue]:
    documents = list(yaml.compose_all(text, Loader=_LOADER))
    for document in documents:
        if isinstance(document, yaml.MappingNode) and any(
            isinstance(key, yaml.ScalarNode) and key.value in DBT_KEYS for key, _ in document.value
        ):
            raise _DbtFile
    seen: set[int] = set()  # an alias repeats its anchor's node: report it once, where it is written
    for document in documents:
        if document is not None:
            yield from _walk_yaml(document, "", seen)


def _walk_yaml(node: yaml.Node, symbol: str, seen: set[int]) -> Iterator[ConfigValue]:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            path = _key_path(symbol, str(key.value))
            if str(key.value).lower() in SQL_KEYS:
                yield from _yaml_sql(value, path, str(key.value).lower(), seen)
            else:
                yield from _walk_yaml(value, path, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk_yaml(item, f"{symbol}[{_yaml_label(item) or index}]", seen)


def _label(candidates: dict[str, Any]) -> str | None:
    """The `name` (else `id`) of a list item, if it is a word: `[1]` would read as an index."""
    for key in LABEL_KEYS:
        value = candidates.get(key)
        if isinstance(value, str) and value.strip() and not value.isdigit():
            return value
    return None


def _yaml_label(item: yaml.Node) -> str | None:
    if not isinstance(item, yaml.MappingNode):
        return None
    return _label({
        key.value: value.value
        for key, value in item.value
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode) and value.tag.endswith(":str")
    })


def _yaml_sql(node: yaml.Node, symbol: str, key: str, seen: set[int]) -> Iterator[ConfigValue]:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        if id(node) in seen:
            return
        seen.add(id(node))
        if node.style == "|":  # the text starts on the line after the indicator, line for line
            yield ConfigValue(symbol, key, node.value, node.start_mark.line + 2, True)
        elif node.style == ">":
            yield ConfigValue(symbol, key, node.value, node.start_mark.line + 2, False)
        else:
            yield ConfigValue(symbol, key, node.value, node.start_mark.line + 1, False)
    elif isinstance(node, yaml.SequenceNode):  # sql: [stmt, stmt]
        for index, item in enumerate(node.value):
            yield from _yaml_sql(item, f"{symbol}[{index}]", key, seen)
    else:  # query: {sql: ...} and the like: keep looking below
        yield from _walk_yaml(node, symbol, seen)


# -- JSON ------------------------------------------------------------------------------------------


def _json_values(text: str) -> Iterator[ConfigValue]:
    document = json.loads(text, object_pairs_hook=_Pairs)
    if isinstance(document, _Pairs) and any(key in DBT_KEYS for key, _ in document):
        raise _DbtFile
    string_lines = iter(_json_string_lines(text))
    yield from _walk_json(document, "", string_lines, None)


class _Pairs(list):  # type: ignore[type-arg]
    """A JSON object as its (key, value) pairs in written order (duplicates kept)."""


def _json_string_lines(text: str) -> Iterator[int]:
    """The file line of every string token (keys and values), in written order: the order in
    which a depth-first walk of the parsed document meets its strings."""
    line, position = 1, 0
    for match in _JSON_STRING.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        yield line


def _json_label(item: Any) -> str | None:
    return _label(dict(item)) if isinstance(item, _Pairs) else None


def _walk_json(value: Any, symbol: str, lines: Iterator[int], key: str | None) -> Iterator[ConfigValue]:
    if isinstance(value, _Pairs):
        for name, item in value:
            next(lines, 0)  # the key's own token
            inner_key = name.lower() if name.lower() in SQL_KEYS else None
            yield from _walk_json(item, _key_path(symbol, name), lines, inner_key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_json(item, f"{symbol}[{_json_label(item) or index}]", lines, key)
    elif isinstance(value, str):
        line = next(lines, 1)
        if key is not None:
            yield ConfigValue(symbol, key, value, line, False)


__all__ = ["SQL_KEYS", "scan_config_sql"]
