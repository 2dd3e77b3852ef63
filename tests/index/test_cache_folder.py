"""`.depmap/` is used only when it and everything in it are real files inside the scanned root: a
link there is refused with one warning, and nothing is written where it points."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from depmap.index.build import build_index
from tests.index.test_cache import REPO, age, facts_of, fresh, shop  # noqa: F401 (fixture)

HINT = "scanning without the cache (depmap writes only real files inside the scanned root: delete .depmap/ to rebuild it)"


def unrelated_database(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers VALUES (1, 'Ada')")
    db.close()
    return path


def depmap(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "depmap", *args], capture_output=True, text=True, cwd=REPO, timeout=120)


@pytest.mark.parametrize("name", ["cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm", "cache.sqlite-journal"])
def test_a_linked_database_is_never_opened(shop, tmp_path, name):
    other = unrelated_database(tmp_path / "other.sqlite")
    before = other.read_bytes()
    (shop / ".depmap").mkdir()
    (shop / ".depmap" / name).symlink_to(other)
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.warnings == [f".depmap/{name} is a symbolic link; {HINT}"]
    assert index.files_parsed == 19 and facts_of(index) == facts_of(fresh(shop))
    assert other.read_bytes() == before
    assert sorted(p.name for p in (shop / ".depmap").iterdir()) == [name]  # no index, no .gitignore


@pytest.mark.parametrize("name", ["index.pickle", ".gitignore"])
def test_a_linked_index_or_gitignore_is_never_written_nor_read(shop, tmp_path, name):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (shop / ".depmap").mkdir()
    (shop / ".depmap" / name).symlink_to(elsewhere / "target")  # dangling: following it would create it
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.warnings == [f".depmap/{name} is a symbolic link; {HINT}"]
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (shop / ".depmap").iterdir()) == [name]


def test_a_linked_folder_is_never_written(shop, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (shop / ".depmap").symlink_to(elsewhere)
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.warnings == [f".depmap is a symbolic link; {HINT}"]
    assert list(elsewhere.iterdir()) == []
    assert facts_of(index) == facts_of(fresh(shop))


def test_a_hard_linked_database_is_never_written(shop, tmp_path):
    other = unrelated_database(tmp_path / "other.sqlite")
    before = other.read_bytes()
    (shop / ".depmap").mkdir()
    os.link(other, shop / ".depmap" / "cache.sqlite")
    assert build_index(shop, jobs=1, use_cache=True).warnings == [f".depmap/cache.sqlite is a hard link; {HINT}"]
    assert other.read_bytes() == before


def test_the_command_line_warns_once_and_succeeds(shop, tmp_path):
    other = unrelated_database(tmp_path / "other.sqlite")
    (shop / ".depmap").mkdir()
    (shop / ".depmap" / "cache.sqlite").symlink_to(other)
    done = depmap("tables", str(shop))
    assert done.returncode == 0
    assert [line for line in done.stderr.splitlines() if "symbolic link" in line] == [
        f"depmap: warning: .depmap/cache.sqlite is a symbolic link; {HINT}"
    ]
    with sqlite3.connect(other) as db:
        assert [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["customers"]
    db.close()


def test_files_depmap_creates_are_real_files(shop):
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    entries = sorted(p.name for p in (shop / ".depmap").iterdir())
    assert entries == [".gitignore", "cache.sqlite", "index.pickle"]
    assert not any((shop / ".depmap" / name).is_symlink() for name in entries)
