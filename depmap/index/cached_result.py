"""A file's scan result as a cache row: compact JSON, and a strict reader, because a row is data.

The cache is a file anyone can edit, restore or damage. A row that decodes to the wrong shape (a
fact missing keys, a line that is text, `extra` that is a list) must be a miss, never a fact:
accepted, it would crash the linker on every later run, or reach the report as a wrong answer. So
decoding checks every field against what `Fact.to_json` writes and raises ValueError otherwise.
"""

from __future__ import annotations

import zlib
from typing import Any

from depmap.index import fast_json
from depmap.index.shared_values import shared_fact, shared_location
from depmap.model import CONFIDENCE_ORDER, Fact, ScanResult, Skipped

_FACT_KEYS = frozenset({"kind", "table", "location", "columns", "access", "detail", "via", "confidence", "snippet", "extra"})
_LOCATION_KEYS = frozenset({"path", "line", "end_line", "col", "symbol", "statement_line"})


def encode_result(result: ScanResult) -> bytes:
    document = {"facts": [f.to_json() for f in result.facts], "skipped": [s.to_json() for s in result.skipped]}
    return zlib.compress(fast_json.dumps(document).encode("utf-8"), 1)  # `json.dumps`'s text, faster


def decode_result(blob: object) -> ScanResult:
    """The result stored in `blob`; ValueError when it is not exactly what `encode_result` writes."""
    if not isinstance(blob, bytes):
        raise ValueError(f"a result stored as {type(blob).__name__}")
    try:
        document = fast_json.loads(zlib.decompress(blob))
    except (zlib.error, UnicodeDecodeError, RecursionError) as error:
        raise ValueError(f"a result that does not decode ({error})") from None
    _require(isinstance(document, dict) and document.keys() == {"facts", "skipped"}, "a result of the wrong shape")
    facts, skipped = document["facts"], document["skipped"]
    _require(isinstance(facts, list) and isinstance(skipped, list), "a result of the wrong shape")
    return ScanResult(facts=[fact_from_json(item) for item in facts], skipped=[_skipped(item) for item in skipped])


def fact_from_json(item: Any) -> Fact:
    """One fact as `Fact.to_json` writes it; ValueError otherwise."""
    _require(isinstance(item, dict) and item.keys() == _FACT_KEYS, "a fact of the wrong shape")
    where = item["location"]
    _require(isinstance(where, dict) and where.keys() == _LOCATION_KEYS, "a location of the wrong shape")
    _require(isinstance(where["path"], str) and _is_int(where["line"]) and _optional(where["end_line"], int)
             and _optional(where["col"], int) and _optional(where["symbol"], str)
             and _optional(where["statement_line"], int), "a location of the wrong type")
    columns = item["columns"]
    _require(isinstance(columns, list) and all(isinstance(c, str) for c in columns), "columns of the wrong type")
    _require(isinstance(item["kind"], str) and isinstance(item["table"], str) and isinstance(item["via"], str)
             and _optional(item["access"], str) and _optional(item["detail"], str) and isinstance(item["snippet"], str)
             and isinstance(item["confidence"], str) and item["confidence"] in CONFIDENCE_ORDER and isinstance(item["extra"], dict), "a fact of the wrong type")
    location = shared_location(where["path"], where["line"], where["end_line"], where["col"], where["symbol"], where["statement_line"])
    return shared_fact(item["kind"], item["table"], location, columns, item["access"], item["detail"], item["via"],
                       item["confidence"], item["snippet"], item["extra"])


def _skipped(item: Any) -> Skipped:
    _require(isinstance(item, dict) and item.keys() == {"path", "reason"}
             and isinstance(item["path"], str) and isinstance(item["reason"], str), "a skipped file of the wrong shape")
    return Skipped(item["path"], item["reason"])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional(value: Any, kind: type) -> bool:
    return value is None or (_is_int(value) if kind is int else isinstance(value, kind))


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(what)
