"""Commands that load the whole index (`check`, `tables`) answer as a run without the cache after a
kill at any moment, beside a concurrent run, and from a cache restored on a new runner (whose
pickle, signed with another user's key, is never read: the stored rows are)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from depmap.index.build import build_index
from tests.index.test_query_index import SHOP, age, changed_by_edit, copy, depmap, killed_after

MIGRATION = "migrations/0004_customer_marketing.sql"


def whole_answers(root: Path, *extra: str, env: dict | None = None) -> list[str]:
    found = []
    for command in (["check", str(root / MIGRATION), "--format", "json"], ["tables", "--format", "json"]):
        done = depmap(root, *command, *extra, env=env)
        assert done.returncode in (0, 1), done.stderr
        found.append(done.stdout.replace(str(root), "<ROOT>"))
    return found


def test_check_after_runs_killed_at_any_moment(tmp_path):
    shop = copy(SHOP, tmp_path / "shop")
    assert depmap(shop, "scan").returncode == 0
    for delay in (0.3, 0.8, 1.5):
        changed_by_edit(shop)
        killed_after(delay, "check", str(shop / MIGRATION), "--path", str(shop), "-q")
        expected = whole_answers(shop, "--no-cache")
        assert whole_answers(shop) == expected
        assert whole_answers(shop) == expected  # and from the pickle the first wrote


def test_two_concurrent_checks_both_answer_as_without_the_cache(tmp_path):
    shop = copy(SHOP, tmp_path / "shop")
    expected = whole_answers(shop, "--no-cache")
    for _ in range(2):
        shutil.rmtree(shop / ".depmap", ignore_errors=True)
        command = [sys.executable, "-m", "depmap", "check", str(shop / MIGRATION), "--format", "json", "--path", str(shop), "-q"]
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate()[0].replace(str(shop), "<ROOT>") for run in runs]
        assert outputs == [expected[0]] * 2
        assert whole_answers(shop) == expected


def test_check_from_a_cache_restored_on_a_new_runner(tmp_path):
    shop = copy(SHOP, tmp_path / "shop")
    assert depmap(shop, "check", str(shop / MIGRATION)).returncode in (0, 1)
    assert not (shop / ".depmap" / "index.pickle").exists()  # `check` reads the rows: a cold one writes no pickle
    build_index(shop, jobs=1, use_cache=True)
    assert (shop / ".depmap" / "index.pickle").exists()  # the whole index, loaded by a library caller, is kept
    clone = tmp_path / "runner" / "shop"
    shutil.copytree(shop, clone)  # new path, new ctimes, the pickle signed by another user's key
    age(clone)
    runner = {"XDG_CACHE_HOME": str(tmp_path / "runner-cache")}
    expected = whole_answers(clone, "--no-cache", env=runner)
    done = subprocess.run([sys.executable, "-m", "depmap", "-v", "check", str(clone / MIGRATION), "--format", "json", "--path", str(clone)],
                          capture_output=True, text=True, env={**os.environ, **runner})
    assert done.stdout.replace(str(clone), "<ROOT>") == expected[0]
    scanned, cached = re.search(r"scanned (\d+) files of .*, (\d+) from the cache", done.stderr).groups()
    assert cached == scanned  # every file from the restored cache: none scanned again
    assert whole_answers(clone, env=runner) == expected
