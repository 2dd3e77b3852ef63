"""A cold scan holds every file's `linked_files` row compressed until it writes them: the stored
rows are exactly the texts of `row_update.file_row`, in discovery order."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from depmap.discover import SourceFile
from depmap.index.build import build_index
from depmap.index.packed_rows import PackedRows, packed_file_rows
from depmap.model import Fact, Location, ScanResult, Skipped

SHOP = Path(__file__).resolve().parent / "relink_shop"


def test_rows_come_back_as_added_in_order():
    rows = PackedRows()
    project = json.dumps([{"kind": "orm_call", "table": "", "snippet": "Order.objects.filter(status='late')" * 40}])
    rows.add("app/orders.py", "d1", project, "[]")
    rows.add("app/empty.py", "d2", "[]", '[["app/empty.py","too large"]]')
    assert list(rows) == [("app/orders.py", "d1", project, "[]"), ("app/empty.py", "d2", "[]", '[["app/empty.py","too large"]]')]
    assert len(rows) == 2
    assert list(rows) == list(rows)  # read again, the same rows


def test_packed_rows_hold_the_file_rows_of_the_results():
    from depmap.index.incremental import file_rows

    files = [SourceFile("app/orders.py", "python", 10, 1, 1), SourceFile("db/0001.sql", "sql", 20, 1, 1)]
    call = Fact("orm_call", "", Location("app/orders.py", 3, symbol="late_orders"), via="orm",
                extra={"callable": "app.orders.late_orders", "calls": "app.models.Order.objects.filter"})
    read = Fact("access", "orders", Location("db/0001.sql", 1), ("id",), access="read")
    results = [ScanResult([call], [Skipped("app/orders.py", "line 9: not parsed")]), ScanResult([read], [])]
    assert list(packed_file_rows(files, ["a", "b"], results)) == file_rows(files, ["a", "b"], results)


def test_a_cold_scan_stores_every_file_row(tmp_path):
    shop = tmp_path / "shop"
    shutil.copytree(SHOP, shop)
    build_index(shop, jobs=1, use_cache=True)
    db = sqlite3.connect(shop / ".depmap" / "cache.sqlite")
    stored = db.execute("SELECT path, project FROM linked_files ORDER BY path").fetchall()
    db.close()
    scanned = sorted(str(p.relative_to(shop).as_posix()) for p in shop.rglob("*.py") if ".depmap" not in p.parts)
    assert [path for path, _ in stored if path.endswith(".py")] == scanned
    again = tmp_path / "again"
    shutil.copytree(SHOP, again)
    build_index(again, jobs=2, use_cache=True)  # the same rows when the facts come from scan workers
    db = sqlite3.connect(again / ".depmap" / "cache.sqlite")
    assert db.execute("SELECT path, project FROM linked_files ORDER BY path").fetchall() == stored
    db.close()
