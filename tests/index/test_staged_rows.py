"""A cold scan writes each file's rows to TEMP tables of the connection that saves the cache, as
the file's result arrives (`depmap.index.staged_rows`): the save copies them into the cache file.
What is stored is what a run holding every row until the save stores, row for row; a run killed
after its rows were staged (while it links) leaves the cache file exactly as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from depmap.index import staged_rows
from depmap.index.build import build_index
from tests.index.test_query_index import answers, copy
from tests.index.test_worker_rows import OLD, cold, monorepo, stored  # noqa: F401 (monorepo: a fixture)

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "samples" / "shop_sql"


def test_staged_rows_are_stored_as_rows_held_until_the_save(monorepo, monkeypatch):  # noqa: F811
    staged = cold(monorepo, 2)
    monkeypatch.setattr(staged_rows, "stage", lambda cache: None)  # every row held until the save
    held = cold(monorepo, 2)
    assert staged == held
    assert len(staged["files"]) > 80 and len(staged["linked_files"]) == len(staged["files"])
    assert not [name for name in staged if name.startswith("staged_")]  # the TEMP tables never reach the file


# A cold scan in another process, killed (SIGKILL: nothing of its own runs) when linking starts,
# after every scanned file's rows were staged; it prints how many were. With `other_stamp`, the
# run takes the cache for another depmap's, so it scans every file again and would replace every row.
_KILLED = """
import os, signal, sys
from pathlib import Path
import depmap.index.cache as cache
if {other_stamp}:
    cache.scanner_stamp = lambda: "another depmap"
import depmap.linking
from depmap.index import staged_rows
from depmap.index.build import build_index

made = []
real_init = staged_rows.StagedRows.__init__

def kept(self, db):
    real_init(self, db)
    made.append(self)

def killed(facts, located_at=None, consume=False):
    staging = made[-1]
    staging.flush()
    print(staging.db.execute("SELECT count(*) FROM temp.staged_files").fetchone()[0],
          staging.db.execute("SELECT count(*) FROM temp.staged_scan").fetchone()[0], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

staged_rows.StagedRows.__init__ = kept
depmap.linking.link_facts = killed
build_index(Path(sys.argv[1]), jobs=2, use_cache=True)
"""


def killed_while_linking(root: Path, other_stamp: bool) -> list[int]:
    script = textwrap.dedent(_KILLED.format(other_stamp=other_stamp))
    run = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == -9, run.stderr
    return [int(count) for count in run.stdout.split()]


def test_a_run_killed_after_staging_its_rows_leaves_the_cache_as_it_was(tmp_path):
    shop = copy(SHOP, tmp_path / "shop")
    expected = answers(shop, "--no-cache")
    build_index(shop, jobs=1, use_cache=True)
    before = stored(shop)
    staged, scanned = killed_while_linking(shop, other_stamp=True)
    assert staged == scanned == len(before["files"]) > 5  # every file scanned again, its rows staged
    assert stored(shop) == before  # the stored rows and their key, untouched
    assert answers(shop) == expected
    assert answers(shop) == expected  # and warm


def test_a_cold_run_killed_after_staging_its_rows_stores_nothing(tmp_path):
    shop = copy(SHOP, tmp_path / "shop")
    expected = answers(shop, "--no-cache")
    staged, scanned = killed_while_linking(shop, other_stamp=False)
    assert staged == scanned > 5
    db = sqlite3.connect(shop / ".depmap" / "cache.sqlite")
    try:  # the file the staging connection opened, and nothing in it
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == []
    finally:
        db.close()
    assert build_index(shop, jobs=1, use_cache=True).warnings == []  # an empty file is no damaged cache
    assert answers(shop) == expected
    assert answers(shop) == expected
