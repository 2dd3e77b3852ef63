"""The stored rows' form is versioned (`linked_store.ROWS_FORMAT`): a store an earlier depmap wrote,
each fact an object, is no store to this one. It is linked again and written anew, never read as rows."""

from __future__ import annotations

import json
import sqlite3

from depmap.index.build import build_index
from depmap.index.fact_rows import fact_of_row
from depmap.index.linked_store import ROWS_FORMAT, LinkedStore
from tests.index.test_migration_edits import same_rows, shop  # noqa: F401 (fixture)


def _rows(root) -> list[tuple[int, str]]:
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        return db.execute("SELECT id, fact FROM linked_facts ORDER BY id").fetchall()
    finally:
        db.close()


def test_a_store_of_the_object_form_is_linked_again_and_written_as_rows(shop, tmp_path):  # noqa: F811
    rows = _rows(shop)
    assert ROWS_FORMAT == "2" and all(text.startswith('["') for _, text in rows)
    db = sqlite3.connect(shop / ".depmap" / "cache.sqlite", isolation_level=None)
    try:  # what depmap wrote before: `Fact.to_json`'s object, and no 'rows' in linked_meta
        db.executemany("UPDATE linked_facts SET fact = ? WHERE id = ?",
                       [(json.dumps(fact_of_row(json.loads(text)).to_json()), number) for number, text in rows])
        db.execute("DELETE FROM linked_meta WHERE name = 'rows'")
    finally:
        db.close()
    assert LinkedStore.open(shop) is None
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.relinked == ""
    assert _rows(shop) == rows
    store = LinkedStore.open(shop)
    assert store is not None and store.meta("rows") == ROWS_FORMAT
    store.close()
    same_rows(shop, tmp_path)


def test_a_store_of_another_rows_format_is_no_store(shop):  # noqa: F811
    db = sqlite3.connect(shop / ".depmap" / "cache.sqlite", isolation_level=None)
    try:
        db.execute("UPDATE linked_meta SET value = '3' WHERE name = 'rows'")
    finally:
        db.close()
    assert LinkedStore.open(shop) is None
