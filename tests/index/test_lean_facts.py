"""Stored facts read back in bulk (`depmap.index.lean_facts`): the facts `fact_of_row` reads, their
repeated values shared, and the same refusals of a row depmap never writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from depmap.config import load_config
from depmap.discover import SCANNED_KINDS, discover
from depmap.index import fast_json
from depmap.index.fact_rows import encode_row, fact_of_row
from depmap.index.lean_facts import facts_of_rows
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
def test_every_fact_reads_back_as_fact_of_row_reads_it(sample):
    facts = _facts(sample)
    assert sum(fact.kind in (TABLE_DEF, COLUMN_DEF, SCHEMA_OP) for fact in facts) > 5
    texts = [encode_row(fact) for fact in facts]
    read = list(facts_of_rows(texts))
    assert read == [fact_of_row(fast_json.loads(text)) for text in texts] == [fact_of_row(fast_json.loads(text), shared=False) for text in texts]
    assert read == facts
    assert [encode_row(fact) for fact in read] == texts
    assert all(type(fact.columns) is tuple for fact in read)


def _row(**changes):
    item = {"kind": "table_def", "table": "t", "path": "a.sql", "line": 1, "end_line": None, "col": None, "symbol": None,
            "statement_line": None, "columns": ["id"], "access": None, "detail": "create_table", "via": "sql", "confidence": "high",
            "snippet": "", "extra": {}}
    item.update(changes)
    return json.dumps(list(item.values()))


def test_a_row_is_the_array_of_the_fields():
    assert _row() == '["table_def", "t", "a.sql", 1, null, null, null, null, ["id"], null, "create_table", "sql", "high", "", {}]'
    assert encode_row(fact_of_row(json.loads(_row()))) == json.dumps(json.loads(_row()), separators=(",", ":"))


def test_repeated_values_are_one_object_within_a_read():
    base = _row(kind="column_def", table="orders", path="db/0001_init.sql", line=3, snippet="CREATE TABLE orders (id int, total int)",
                extra={"type": "INT", "nullable": True})
    other = _row(kind="column_def", table="orders", path="db/0001_init.sql", line=4, columns=["total"],
                 snippet="CREATE TABLE orders (id int, total int)", extra={"type": "INT", "nullable": True})
    first, second = facts_of_rows([base, other])
    assert first.location.path is second.location.path and first.table is second.table and first.snippet is second.snippet
    assert first.extra["type"] is second.extra["type"]
    assert (first.columns, second.columns, second.location.line) == (("id",), ("total",), 4)


@pytest.mark.parametrize("text", [
    _row(line=True),  # a bool is no line number
    _row(line="1"),
    _row(end_line=1.5),
    _row(columns=["id", 2]),
    _row(columns="id"),
    _row(extra=[]),
    _row(confidence="certain"),
    _row(table=None),
    _row(symbol=3),
    _row(via=None),
    _row(snippet=None),
    _row()[:-1] + ', "more"]',  # sixteen fields
    json.dumps([1, 2]),
    json.dumps({"kind": "table_def"}),  # the object form: not a row
    "{not json",
])
def test_a_row_depmap_never_writes_is_refused(text):
    with pytest.raises(ValueError):
        list(facts_of_rows([_row(), text]))
    with pytest.raises(ValueError):
        fact_of_row(fast_json.loads(text))
    with pytest.raises(ValueError):
        fact_of_row(fast_json.loads(text), shared=False)
