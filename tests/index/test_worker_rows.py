"""A cold scan's per-file rows (`linked_files`, the grouped project facts, the words) are made by
the workers that scanned the files: the cache written is the one the main process wrote when it
made them itself, row for row, with one worker or two."""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from depmap.index import fast_json, project_facts, row_update, word_store, worker_rows
from depmap.index.build import build_index

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ["shop_sql", "django_shop", "sqlalchemy_service", "warehouse"]
OLD = time.time() - 3600  # files older than the racy window: their words are stored


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    root = tmp_path / "monorepo"
    for sample in SAMPLES:
        shutil.copytree(REPO / "samples" / sample, root / sample, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    for path in [root, *root.rglob("*")]:
        os.utime(path, (OLD, OLD))
    return root


def stored(root: Path) -> dict[str, list[tuple]]:
    """Every table of the cache file, in rowid order, but the discovery snapshot (the folders'
    stats: removing `.depmap/` changes the root's)."""
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        names = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {name: db.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall() for name in names}
    finally:
        db.close()
    tables["linked_meta"] = [row for row in tables["linked_meta"] if row[0] != "discovery"]
    return tables


def cold(root: Path, jobs: int) -> dict[str, list[tuple]]:
    shutil.rmtree(root / ".depmap", ignore_errors=True)
    os.utime(root, (OLD, OLD))
    build_index(root, jobs=jobs, use_cache=True)
    return stored(root)


def test_the_cache_is_the_same_with_rows_made_by_the_workers_or_the_main_process(monorepo, monkeypatch):
    two = cold(monorepo, 2)
    one = cold(monorepo, 1)

    def fails(*args, **kwargs):
        raise RuntimeError("made in the main process instead")

    monkeypatch.setattr(worker_rows, "parts_of", fails)  # the workers (forked from here) send no parts
    by_main = cold(monorepo, 2)
    assert two == one == by_main
    scanned = {row[0] for row in two["files"]}
    assert len(scanned) > 80
    assert {row[0] for row in two["linked_files"]} == scanned
    assert len(two["linked_context"]) > 0 and len(two["linked_callees"]) > 0
    code = {path for path in scanned if path.endswith((".py", ".sql"))}
    assert len(code) > 60 and code <= {row[0] for row in two["mention_words"]}  # their words, the old files' stat trusted


def test_the_main_process_makes_no_row_a_worker_made(monorepo, monkeypatch):
    main = os.getpid()
    made_here: list[str] = []

    def counted(function):
        def wrapper(*args, **kwargs):
            if os.getpid() == main:
                made_here.append(f"{function.__name__} {args[2].path if function.__name__ == 'word_row' else args[0]}")
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(row_update, "file_row", counted(row_update.file_row))
    monkeypatch.setattr(project_facts, "rows_of", counted(project_facts.rows_of))
    monkeypatch.setattr(word_store, "word_row", counted(word_store.word_row))
    build_index(monorepo, jobs=2, use_cache=True)
    scanned = {row[0] for row in stored(monorepo)["files"]}
    assert len(scanned) > 80
    # the main process read only the words of files the mention search reads and no scanner does
    assert made_here and all(made.startswith("word_row ") for made in made_here)
    read_here = {made.split(" ", 1)[1] for made in made_here}
    assert not read_here & scanned
    assert {"django_shop/README.md", "shop_sql/pyproject.toml"} <= read_here


@pytest.mark.parametrize("value", [
    {"kind": "access", "table": "orders", "columns": ["id", "total"], "line": 12, "end_line": None, "ok": True},
    {"snippet": "SELECT \"id\" FROM orders WHERE note = 'a\\b'\n\t-- \x00\x1f", "n": -(2 ** 63)},
    {"snippet": "café \u2028 ☃ 🎉"},  # non-ASCII: json escapes it
    {"snippet": "rub\x7fout"},  # DEL: json escapes it, orjson does not
    {"default": 1.5, "scale": 1e16, "tiny": 5e-324},
    {"default": math.nan, "limit": math.inf, "low": -math.inf},
    {"big": 2 ** 70},  # beyond 64 bits: orjson refuses it
    {1: "a", "2": "b"},  # a key that is not a string: orjson refuses it
    {"pair": ("a", 1), "nested": [[{"x": (None, False)}]]},
    [], {}, "plain", 7, None,
])
def test_fast_dumps_writes_the_text_json_writes(value):
    assert fast_json.dumps(value) == json.dumps(value, separators=(",", ":"))


def test_a_worker_takes_a_files_words_from_the_bytes_its_scan_read(monorepo, monkeypatch):
    from depmap.config import load_config
    from depmap.discover import discover
    from depmap.index.pool import scan_task
    from depmap.mentions.files import Reader
    from depmap.scan_context import ScanContext

    root = monorepo.resolve()
    files = {file.path: file for file in discover(root, load_config(root)[0]).files}
    file = files["shop_sql/shop/repositories/orders.py"]
    expected = word_store.word_row(root, Reader(root), file, time.time_ns())  # read from the file
    assert expected is not None and " orders " in expected[5]

    def fails(*args, **kwargs):
        raise AssertionError("the file was read a second time for its words")

    monkeypatch.setattr(word_store, "open", fails, raising=False)
    digest, result, blob, parts = scan_task((root, file, "", ScanContext(dialect="postgres"), True, True))
    assert result.facts and parts.words == expected

    # bytes read from another content than the one discovered give no row: the next run reads it
    changed = (b"SELECT 1", (file.size + 1, file.mtime_ns, file.ctime_ns))
    assert word_store.word_row(root, Reader(root), file, time.time_ns(), changed) is None
