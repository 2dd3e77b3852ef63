"""Stored facts read back in bulk (`depmap.index.lean_facts`): the facts `fact_from_json` reads, their
repeated values shared, and the same refusals of a row depmap never writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from depmap.config import load_config
from depmap.discover import SCANNED_KINDS, discover
from depmap.index import fast_json
from depmap.index.cached_result import fact_from_json
from depmap.index.lean_facts import facts_of
from depmap.index.linked_store import encode_fact
from depmap.index.pool import read_and_scan
from depmap.model import COLUMN_DEF, SCHEMA_OP, TABLE_DEF, Fact
from depmap.scan_context import ScanContext

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _facts(name: str) -> list[Fact]:
    root = SAMPLES / name
    found = []
    for file in discover(root, load_config(root)[0]).files:
        if file.kind in SCANNED_KINDS:
            found += read_and_scan(root, file, "", ScanContext())[1].facts
    return found


@pytest.mark.parametrize("sample", ["shop_sql", "django_shop", "sqlalchemy_service", "warehouse"])
def test_every_fact_reads_back_as_fact_from_json_reads_it(sample):
    facts = _facts(sample)
    assert sum(fact.kind in (TABLE_DEF, COLUMN_DEF, SCHEMA_OP) for fact in facts) > 5
    texts = [encode_fact(fact) for fact in facts]
    read = list(facts_of(texts))
    expected = [fact_from_json(fast_json.loads(text)) for text in texts]
    assert read == expected
    assert [encode_fact(fact) for fact in read] == texts
    assert all(type(fact.columns) is tuple for fact in read)


def test_repeated_values_are_one_object_within_a_read():
    base = {"kind": "column_def", "table": "orders", "location": {"path": "db/0001_init.sql", "line": 3, "end_line": None, "col": None,
            "symbol": None, "statement_line": None}, "columns": ["id"], "access": None, "detail": "create_table", "via": "sql",
            "confidence": "high", "snippet": "CREATE TABLE orders (id int, total int)", "extra": {"type": "INT", "nullable": True}}
    other = json.loads(json.dumps(base))
    other["columns"], other["location"]["line"] = ["total"], 4
    first, second = facts_of([json.dumps(base), json.dumps(other)])
    assert first.location.path is second.location.path and first.table is second.table and first.snippet is second.snippet
    assert first.extra["type"] is second.extra["type"]
    assert (first.columns, second.columns, second.location.line) == (("id",), ("total",), 4)


def _fact_json(**changes):
    item = {"kind": "table_def", "table": "t", "location": {"path": "a.sql", "line": 1, "end_line": None, "col": None, "symbol": None,
            "statement_line": None}, "columns": ["id"], "access": None, "detail": "create_table", "via": "sql", "confidence": "high",
            "snippet": "", "extra": {}}
    for key, value in changes.items():
        if key in item["location"]:
            item["location"][key] = value
        else:
            item[key] = value
    return json.dumps(item)


@pytest.mark.parametrize("text", [
    _fact_json(line=True),  # a bool is no line number
    _fact_json(line="1"),
    _fact_json(columns=["id", 2]),
    _fact_json(columns="id"),
    _fact_json(extra=[]),
    _fact_json(confidence="certain"),
    _fact_json(table=None),
    _fact_json(symbol=3),
    json.dumps({"kind": "table_def"}),
    json.dumps([1, 2]),
    "{not json",
])
def test_a_row_depmap_never_writes_is_refused(text):
    with pytest.raises(ValueError):
        list(facts_of([_fact_json(), text]))
    with pytest.raises(ValueError):
        fact_from_json(fast_json.loads(text))
