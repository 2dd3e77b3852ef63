"""The stored spans of a cold scan are made a path at a time (`span_store._rows_by_run`): each row
must be the one made with every span held (`_rows_held`), spans a fact claims in another file (a
dbt model's columns declared in its properties file) merged in the order of the facts."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from depmap.index.build import build_index
from depmap.index.span_store import _claimed_paths, _rows_by_run, _rows_held, write_spans
from depmap.model import Fact, Location, sorted_facts

REPO = Path(__file__).resolve().parents[2]


def _access(path: str, line: int, table: str, declared: tuple[str, int] | None = None) -> Fact:
    extra = {"declared_at": {"path": declared[0], "line": declared[1]}} if declared else {}
    return Fact("access", table, Location(path, line, line + 1), ("id",), "read", "select", "sql", "high", "SELECT id", extra)


FACTS = sorted_facts([
    _access("analytics/models/orders.sql", 3, "stg_orders", declared=("analytics/models/schema.yml", 12)),
    _access("analytics/models/orders.sql", 9, "stg_payments"),
    _access("analytics/models/payments.sql", 2, "stg_payments", declared=("analytics/models/schema.yml", 4)),
    _access("analytics/models/schema.yml", 8, "orders"),  # the properties file's own fact, between the two it declares
    _access("analytics/models/customers.sql", 5, "stg_customers", declared=("analytics/seeds/props.yml", 2)),
    Fact("model", "", Location("app/models.py", 1), (), None, None, "orm", "high", "", {}),  # claims nothing
])


def test_rows_made_a_path_at_a_time_are_those_made_with_every_span_held() -> None:
    claimed, elsewhere = _claimed_paths(FACTS)
    assert claimed == {"analytics/models/orders.sql", "analytics/models/payments.sql", "analytics/models/schema.yml",
                       "analytics/models/customers.sql", "analytics/seeds/props.yml"}
    assert sorted(elsewhere) == ["analytics/models/schema.yml", "analytics/seeds/props.yml"]
    streamed = list(_rows_by_run(FACTS, elsewhere))
    assert sorted(streamed) == sorted(_rows_held(FACTS))
    assert dict(streamed)["analytics/models/schema.yml"] == (
        '[[12,12,"definition","stg_orders",null,null],[4,4,"definition","stg_payments",null,null],'
        '[8,9,"usage","orders",null,null]]')


def test_facts_out_of_canonical_order_are_held_whole(tmp_path: Path) -> None:
    shuffled = [FACTS[1], FACTS[3], FACTS[0], *FACTS[2:]]
    assert _claimed_paths(shuffled) == (None, {})
    db = sqlite3.connect(tmp_path / "spans.sqlite")
    write_spans(db, "key", shuffled)
    assert sorted(db.execute("SELECT path, spans FROM linked_spans")) == sorted(_rows_held(shuffled))
    assert db.execute("SELECT key, paths FROM linked_spans_stamp").fetchall() == [("key", 5)]


def test_a_cold_scan_of_a_dbt_project_stores_the_rows_held_spans_make(tmp_path: Path) -> None:
    root = tmp_path / "warehouse"
    shutil.copytree(REPO / "samples" / "warehouse", root, ignore=shutil.ignore_patterns(".depmap"))
    index = build_index(root, use_cache=True)
    _, elsewhere = _claimed_paths(index.facts)
    assert elsewhere  # the sample's models declare columns in properties files
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    stored = db.execute("SELECT path, spans FROM linked_spans").fetchall()
    assert sorted(stored) == sorted(_rows_held(index.facts))
    assert db.execute("SELECT paths FROM linked_spans_stamp").fetchone()[0] == len(stored)
