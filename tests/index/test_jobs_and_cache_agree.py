"""The same answers with --jobs 1 and --jobs 2, cold and warm, in worker processes or (with --debug) in
this one: the cache and the workers change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, depmap, user_cache  # noqa: F401  (the fixtures)

SAMPLES = ["shop_sql", "django_shop", "sqlalchemy_service", "warehouse"]


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    """The four samples side by side: enough files to keep two workers busy."""
    root = tmp_path_factory.mktemp("monorepo")
    for sample in SAMPLES:
        shutil.copytree(REPO / "samples" / sample, root / sample, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    assert sum(1 for p in root.rglob("*") if p.suffix in (".py", ".sql", ".yml")) > 80
    return root


def answers(depmap, root: Path, *options: str, group: tuple[str, ...] = ()) -> tuple[str, str, str]:
    graph = depmap(*group, "graph", "--path", str(root), "--format", "json", *options)
    impact = depmap(*group, "impact", "orders.discount_code", "--type", "text", "--not-null", "--path", str(root),
                    "--format", "json", *options)
    readers = depmap(*group, "who-reads", "customers", "--path", str(root), "--format", "json", *options)
    for run in (graph, impact, readers):
        assert run.code == 0, run.err
    return graph.out, impact.out, readers.out


def test_jobs_and_cache_give_identical_json(depmap, monorepo):
    reference = answers(depmap, monorepo, "--no-cache", "--jobs", "1")
    assert not (monorepo / ".depmap").exists()
    assert answers(depmap, monorepo, "--no-cache", "--jobs", "2") == reference
    assert answers(depmap, monorepo, "--no-cache", group=("--debug",)) == reference  # scanned in the command's own process
    shutil.rmtree(monorepo / ".depmap", ignore_errors=True)
    assert answers(depmap, monorepo, "--jobs", "2") == reference  # cold: builds the cache
    assert (monorepo / ".depmap" / "cache.sqlite").exists()
    assert answers(depmap, monorepo, "--jobs", "1") == reference  # warm
    assert answers(depmap, monorepo, "--jobs", "2") == reference  # warm


def test_second_scan_comes_from_the_cache_and_says_so(depmap, tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(REPO / "samples" / "shop_sql", project, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    first = depmap("scan", str(project), "--format", "json").json()
    second = depmap("scan", str(project), "--format", "json").json()
    # Files saved moments ago are checked by content, not parsed: all 19 are unchanged.
    assert (first["files_scanned"], first["files_from_cache"]) == (19, 0)
    assert (second["files_scanned"], second["files_from_cache"]) == (19, 19)
    assert {k: v for k, v in first.items() if k not in ("seconds", "files_from_cache")} == {
        k: v for k, v in second.items() if k not in ("seconds", "files_from_cache")}
    text = depmap("scan", str(project), "--no-cache").out
    assert text.startswith("Scanned 19 files (0 unchanged, from the cache) in ")
