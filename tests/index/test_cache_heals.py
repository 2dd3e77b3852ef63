"""A cache that heals: whatever is wrong in `.depmap/` costs one warning and one rebuild, never a
failed run, and the answer is always what a scan without the cache gives."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zlib

import pytest

from depmap.index.build import build_index
from tests.index.test_cache import ORDERS, REPO, age, drop_stored_index, facts_of, fresh, shop  # noqa: F401 (fixture)

WHOLE = "discarded the scan cache .depmap/cache.sqlite ({}); rebuilding it"
ONE_ROW = "discarded a damaged row of the scan cache .depmap/cache.sqlite; scanned those files again"
FACT = {"kind": "access", "table": "orders", "location": {"path": ORDERS, "line": 1, "end_line": None, "col": None, "symbol": None, "statement_line": None},
        "columns": [], "access": "read", "detail": None, "via": "sql", "confidence": "high", "snippet": "", "extra": {}}


def blob(document: object) -> bytes:
    return zlib.compress(json.dumps(document).encode())


def edit(shop, statement: str, *values) -> None:
    """Change the cache by hand, and drop the stored index so the rows are read."""
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        db.execute(statement, values)
    db.close()
    drop_stored_index(shop)


def heals(shop, warnings: list[str], parsed: int) -> None:
    """This run warns and scans `parsed` files; the next is silent, scans nothing and agrees."""
    index = build_index(shop, jobs=1, use_cache=True)
    assert (index.warnings, index.files_parsed) == (warnings, parsed)
    assert facts_of(index) == facts_of(fresh(shop))
    again = build_index(shop, jobs=1, use_cache=True)
    assert (again.warnings, again.files_parsed, again.timings["graph"]) == ([], 0, 0.0)  # the index was stored again


@pytest.fixture
def cached(shop):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    return shop


@pytest.mark.parametrize("statement, values, reason", [
    ("UPDATE files SET size = 'big' WHERE path = ?", (ORDERS,), f"a row holds values of the wrong type: '{ORDERS}'"),
    ("UPDATE files SET mtime_ns = x'00' WHERE path = ?", (ORDERS,), f"a row holds values of the wrong type: '{ORDERS}'"),
    ("UPDATE files SET path = x'00' WHERE path = ?", (ORDERS,), "a row holds values of the wrong type: b'\\x00'"),
    ("UPDATE meta SET value = '7' WHERE key = 'schema'", (), "not a depmap scan cache"),
    ("UPDATE meta SET value = 'somebody-else' WHERE key = 'format'", (), "not a depmap scan cache"),
    ("DELETE FROM meta WHERE key = 'stamp'", (), "not a depmap scan cache"),
    ("ALTER TABLE files ADD COLUMN note TEXT", (), "its files table was changed"),
    ("DROP TABLE files", (), "its files table was changed"),
])
def test_rows_and_tables_edited_by_hand_are_discarded_whole(cached, statement, values, reason):
    edit(cached, statement, *values)
    heals(cached, [WHOLE.format(reason)], 19)


def test_nullable_columns_made_by_hand_are_discarded_whole(cached):
    edit(cached, "ALTER TABLE files RENAME TO old")
    with sqlite3.connect(cached / ".depmap" / "cache.sqlite") as db:
        db.execute("CREATE TABLE files (path TEXT, context TEXT, size INTEGER, mtime_ns INTEGER, digest TEXT, result BLOB)")
        db.execute("INSERT INTO files SELECT path, context, NULL, mtime_ns, NULL, NULL FROM old")
    db.close()
    heals(cached, [WHOLE.format("its files table was changed")], 19)


@pytest.mark.parametrize("result", [
    7, "text", b"not zlib", blob([1, 2]), blob({"facts": 5, "skipped": []}), blob({"facts": [], "skipped": [], "more": 1}),
    blob({"facts": [{"kind": "access", "table": "orders"}], "skipped": []}),  # a fact missing keys
    blob({"facts": [{**FACT, "location": {**FACT["location"], "line": "1"}}], "skipped": []}),
    blob({"facts": [{**FACT, "columns": "id"}], "skipped": []}),
    blob({"facts": [{**FACT, "extra": [1]}], "skipped": []}),
    blob({"facts": [{**FACT, "confidence": ["high"]}], "skipped": []}),
    blob({"facts": [], "skipped": [{"path": 1, "reason": "x"}]}),
])
def test_a_result_of_the_wrong_type_or_shape_is_one_row_scanned_again(cached, result):
    edit(cached, "UPDATE files SET result = ? WHERE path = ?", result, ORDERS)
    heals(cached, [ONE_ROW], 1)


def test_several_damaged_rows_are_one_warning(cached):
    edit(cached, "UPDATE files SET result = x'00' WHERE path LIKE 'migrations/%'")
    heals(cached, ["discarded 5 damaged rows of the scan cache .depmap/cache.sqlite; scanned those files again"], 5)


@pytest.mark.parametrize("name, parsed", [("cache.sqlite", 19), ("index.pickle", 0)])
def test_a_folder_in_place_of_a_file_is_removed(cached, name, parsed):
    path = cached / ".depmap" / name
    path.unlink()
    (path / "inside").mkdir(parents=True)
    heals(cached, [f"discarded .depmap/{name} (a folder); rebuilding it"], parsed)
    assert path.is_file()


def test_a_pipe_in_place_of_the_database_is_removed_not_opened(cached):
    (cached / ".depmap" / "cache.sqlite").unlink()
    os.mkfifo(cached / ".depmap" / "cache.sqlite")
    heals(cached, ["discarded .depmap/cache.sqlite (not a regular file); rebuilding it"], 19)


def test_a_truncated_database_is_rebuilt(cached):
    path = cached / ".depmap" / "cache.sqlite"
    path.write_bytes(path.read_bytes()[:1000])
    drop_stored_index(cached)
    heals(cached, [WHOLE.format("database disk image is malformed")], 19)


def test_the_command_line_warns_once_then_runs_clean(cached):
    edit(cached, "UPDATE files SET size = 'big' WHERE path = ?", ORDERS)
    command = [sys.executable, "-m", "depmap", "who-reads", "orders", "--path", str(cached)]
    first = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert (first.returncode, first.stderr.splitlines()) == (
        0, [f"depmap: warning: {WHOLE.format(f'a row holds values of the wrong type: {ORDERS!r}')}"])
    second = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert (second.returncode, second.stderr, second.stdout) == (0, "", first.stdout)


def unreadable_once(monkeypatch, failures: int = 1) -> None:
    """The cache file cannot be opened (as when it is unreadable: the suite may run as root, which
    reads any file, so SQLite's own refusal is what is simulated)."""
    real = sqlite3.connect
    left = [failures]

    def connect(path, *args, **kwargs):
        if str(path).endswith("cache.sqlite") and left[0]:
            left[0] -= 1
            raise sqlite3.OperationalError("unable to open database file")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_an_unreadable_database_is_replaced(cached, monkeypatch):
    drop_stored_index(cached)
    unreadable_once(monkeypatch)
    heals(cached, [WHOLE.format("unable to open database file")], 19)


def test_a_database_that_can_be_neither_read_nor_removed_means_a_scan_without_the_cache(cached, monkeypatch):
    drop_stored_index(cached)
    unreadable_once(monkeypatch)

    def refuse(self, missing_ok=False):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(cached), "unlink", refuse)
    index = build_index(cached, jobs=1, use_cache=True)
    assert index.warnings == ["the scan cache .depmap/cache.sqlite is damaged (unable to open database file) and cannot be removed "
                              "(Permission denied); scanning without it"]
    assert (index.files_parsed, facts_of(index)) == (19, facts_of(fresh(cached)))
    assert not (cached / ".depmap" / "index.pickle").exists()
