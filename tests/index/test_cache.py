"""The scan cache: a hit is exactly what a scan would give; anything doubtful is scanned again."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from depmap.index import cache as cache_module
from depmap.index.build import Index, build_index

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "samples" / "shop_sql"
ORDERS = "shop/repositories/orders.py"


def facts_of(index: Index) -> list[dict]:
    return [fact.to_json() for fact in index.facts]


def fresh(root: Path) -> Index:
    return build_index(root, use_cache=False, jobs=1)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    return root


def drop_stored_index(root: Path) -> None:
    """Remove the linked index (the signed pickle and the stored rows' key), so that the next run
    reads the scan cache's rows and links again."""
    (root / ".depmap" / "index.pickle").unlink()
    try:
        with sqlite3.connect(root / ".depmap" / "cache.sqlite") as db:
            db.execute("DELETE FROM linked_meta WHERE name = 'key'")
    except sqlite3.DatabaseError:
        pass  # a damaged file: nothing in it is used


def age(root: Path, seconds: int = 60) -> None:
    """Make every file's mtime old, as in a checkout that did not just happen (see RACY_NS)."""
    for path in root.rglob("*"):
        if path.is_file() and ".depmap" not in path.parts:
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


def test_warm_run_parses_nothing_and_gives_the_same_facts(shop):
    age(shop)
    cold = build_index(shop, jobs=1, use_cache=True)
    assert cold.files_parsed == cold.files_scanned == 19
    assert (shop / ".depmap" / "cache.sqlite").exists()
    assert (shop / ".depmap" / ".gitignore").read_text().splitlines()[-1] == "*"
    warm = build_index(shop, jobs=1, use_cache=True)
    assert warm.files_parsed == 0
    assert facts_of(warm) == facts_of(cold) == facts_of(fresh(shop))
    assert warm.skipped == cold.skipped
    assert warm.warnings == cold.warnings == []


def test_one_changed_file_costs_that_file(shop):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    path = shop / ORDERS
    path.write_text(path.read_text().replace("SELECT * FROM orders WHERE id = %s", "SELECT id, status FROM orders WHERE id = %s"))
    warm = build_index(shop, jobs=1, use_cache=True)
    assert warm.files_parsed == 1
    assert facts_of(warm) == facts_of(fresh(shop))
    assert not [f for f in warm.facts if f.location.path == ORDERS and f.detail == "select_star" and f.location.line == 81]


def test_a_touched_file_with_the_same_content_is_a_hit_and_its_stat_is_refreshed(shop):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    os.utime(shop / ORDERS)  # e.g. a git checkout rewrote it
    age(shop, 10)
    assert build_index(shop, jobs=1, use_cache=True).files_parsed == 0
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        size, mtime = db.execute("SELECT size, mtime_ns FROM files WHERE path = ?", (ORDERS,)).fetchone()
    assert (size, mtime) == ((shop / ORDERS).stat().st_size, (shop / ORDERS).stat().st_mtime_ns)


def test_a_same_size_edit_within_the_same_mtime_is_not_missed(shop):
    """Written moments before the scan: the stat alone is not trusted (git's "racy clean" case)."""
    path = shop / ORDERS
    text = path.read_text()
    path.write_text(text)  # just saved by an editor
    build_index(shop, jobs=1, use_cache=True)
    before = path.stat()
    changed = text.replace("FROM orders WHERE id = %s", "FROM ordrs  WHERE id = %s", 1)
    assert len(changed.encode()) == len(text.encode())
    path.write_text(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = build_index(shop, jobs=1, use_cache=True)
    assert again.files_parsed == 1  # the others are unchanged, old files
    assert "ordrs" in {f.table for f in again.facts}
    assert facts_of(again) == facts_of(fresh(shop))


def test_paths_are_relative_so_a_restored_cache_works_elsewhere(shop, tmp_path):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        paths = [row[0] for row in db.execute("SELECT path FROM files ORDER BY path")]
    assert paths[:3] == ["migrations/0001_initial.sql", "migrations/0002_add_payments.sql", "migrations/0003_order_status_index.sql"]
    assert not any(path.startswith("/") for path in paths)
    moved = tmp_path / "elsewhere" / "shop"
    shutil.copytree(shop, moved)  # copy2 keeps mtimes, as a CI cache restore and a checkout at the same commit would
    index = build_index(moved, jobs=1, use_cache=True)
    assert index.files_parsed == 0
    assert facts_of(index) == facts_of(fresh(moved))


def test_corrupt_cache_is_discarded_with_a_warning(shop):
    (shop / ".depmap").mkdir()
    (shop / ".depmap" / "cache.sqlite").write_bytes(b"this is not a database, just bytes" * 100)
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.warnings == ["discarded the scan cache .depmap/cache.sqlite (file is not a database); rebuilding it"]
    assert facts_of(index) == facts_of(fresh(shop))
    assert build_index(shop, jobs=1, use_cache=True).warnings == []  # rebuilt, valid


def test_foreign_database_is_not_trusted(shop):
    (shop / ".depmap").mkdir()
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('format', 'somebody-else')")
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.warnings == ["discarded the scan cache .depmap/cache.sqlite (not a depmap scan cache); rebuilding it"]
    assert index.files_parsed == 19


def test_damaged_row_is_a_miss(shop):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        db.execute("UPDATE files SET result = ? WHERE path = ?", (b"\x00junk", ORDERS))
    drop_stored_index(shop)  # else the unchanged project loads whole, rows unread
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.files_parsed == 1
    assert facts_of(index) == facts_of(fresh(shop))


def test_another_depmap_version_empties_the_cache(shop, monkeypatch):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    monkeypatch.setattr(cache_module, "scanner_stamp", lambda: "another-version")
    assert build_index(shop, jobs=1, use_cache=True).files_parsed == 19
    assert build_index(shop, jobs=1, use_cache=True).files_parsed == 0


def test_the_stamp_covers_every_package_of_depmap():
    stamped = {path.relative_to(REPO).as_posix() for path in cache_module.stamped_sources()}
    assert {"depmap/model.py", "depmap/registry.py", "depmap/python/tree.py", "depmap/sql/resolve.py",
            "depmap/frameworks/django/queries.py", "depmap/frameworks/dbt/link.py", "depmap/orm/link.py"} <= stamped
    assert stamped == {path.relative_to(REPO).as_posix() for path in (REPO / "depmap").rglob("*.py")}


def test_another_dialect_is_another_context_and_deleted_files_leave(shop):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    assert build_index(shop, jobs=1, dialect="mysql", use_cache=True).files_parsed == 19
    assert build_index(shop, jobs=1, use_cache=True).files_parsed == 0  # the postgres rows are still there
    (shop / ORDERS).unlink()
    build_index(shop, jobs=1, use_cache=True)
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        assert db.execute("SELECT count(*) FROM files WHERE path = ?", (ORDERS,)).fetchone() == (0,)


def test_no_cache_neither_reads_nor_writes(shop):
    index = build_index(shop, jobs=1)  # the library default; the command line turns it on
    assert index.files_parsed == 19
    assert not (shop / ".depmap").exists()


def test_unwritable_cache_folder_warns_and_completes(shop):
    (shop / ".depmap").write_text("a file where the folder should be")
    index = build_index(shop, jobs=1, use_cache=True)
    assert len(index.warnings) == 1 and index.warnings[0].startswith("could not update the scan cache")
    assert facts_of(index) == facts_of(fresh(shop))


def test_cached_results_round_trip_exactly():
    index = fresh(SHOP)
    from depmap.index.cache import decode_result, encode_result
    from depmap.model import ScanResult

    result = ScanResult(facts=list(index.facts), skipped=list(index.skipped))
    back = decode_result(encode_result(result))
    assert back.facts == result.facts
    assert json.dumps([f.to_json() for f in back.facts]) == json.dumps([f.to_json() for f in result.facts])
    assert back.skipped == result.skipped


def test_unreadable_files_are_remembered_by_their_stat(shop):
    (shop / "migrations" / "0099_dump.sql").write_bytes(b"\x00\x01binary\x00" * 100)
    age(shop)
    cold = build_index(shop, jobs=1, use_cache=True)
    assert [s for s in cold.skipped if s.path == "migrations/0099_dump.sql"][0].reason == "binary file"
    warm = build_index(shop, jobs=1, use_cache=True)
    assert warm.files_parsed == 0
    assert warm.skipped == cold.skipped


def test_a_same_size_edit_with_the_old_mtime_put_back_is_not_missed(shop):
    """Size and mtime can be restored by hand; the ctime the edit left cannot."""
    age(shop)
    cold = build_index(shop, jobs=1, use_cache=True)
    assert (shop / ".depmap" / "index.pickle").exists()
    path = shop / ORDERS
    before = path.stat()
    text = path.read_text()
    changed = text.replace("FROM orders WHERE id = %s", "FROM ordrs  WHERE id = %s", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    path.write_text(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = build_index(shop, jobs=1, use_cache=True)
    assert again.files_parsed == 1
    assert "ordrs" in {f.table for f in again.facts} and "ordrs" not in {f.table for f in cold.facts}
    assert facts_of(again) == facts_of(fresh(shop))


def test_a_warm_run_of_an_unchanged_project_reads_no_file(shop, monkeypatch):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    drop_stored_index(shop)  # the rows themselves are used, not the stored index

    def no_reading(*args):
        raise AssertionError("a file was read")

    monkeypatch.setattr("depmap.discover.read_source", no_reading)
    index = build_index(shop, jobs=1, use_cache=True)
    assert (index.files_parsed, index.warnings) == (0, [])


def test_a_new_ctime_alone_costs_one_hash_per_file_once(shop, monkeypatch):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    os.chmod(shop / ORDERS, 0o644)  # changes the ctime only, as a checkout of the same content does
    import depmap.index.cache as cache

    hashed = []
    real = cache.content_digest
    monkeypatch.setattr(cache, "content_digest", lambda text: hashed.append(text) or real(text))
    first = build_index(shop, jobs=1, use_cache=True, debug=True)  # in this process, where `hashed` counts
    assert (first.files_parsed, len(hashed), first.relinked) == (0, 1, "unchanged: 0 of 19 files linked again")  # the last index holds
    second = build_index(shop, jobs=1, use_cache=True, debug=True)
    assert (second.files_parsed, len(hashed), second.timings["graph"]) == (0, 1, 0.0)


def test_an_earlier_depmaps_cache_is_replaced_without_a_warning(shop):
    (shop / ".depmap").mkdir()
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        db.executescript("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE files (path TEXT NOT NULL, context TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                                digest TEXT NOT NULL, result BLOB NOT NULL, PRIMARY KEY (path, context));
            INSERT INTO meta VALUES ('format', 'depmap-scan-cache'), ('schema', '1'), ('stamp', 'old');
            INSERT INTO files VALUES ('shop/repositories/orders.py', 'x', 1, 1, 'd', x'00');
        """)
    db.close()
    age(shop)
    index = build_index(shop, jobs=1, use_cache=True)
    assert (index.files_parsed, index.warnings) == (19, [])
    assert build_index(shop, jobs=1, use_cache=True).files_parsed == 0
