"""Fuzzing in CI: a fixed set of random trees (seed `SEED`, `TREES` trees: two in three with `PER_TREE` cases, every third a leaf-only
tree of one to three cases whose untouched answers are compared; about 250 cases)
and one test per named case of `cases.CASES`, each on the sample it suits.

Every test is one tree run through `harness.run_tree`: a cold `scan --format json` (no dropped
file, reasons given), `who-reads` (untouched answers unchanged) and one more command, taken in
turn so that every command runs on some trees. The trees of the selected tests run two at a time
in the background from the first test on, so the whole module takes about two minutes on two
cores; each test then waits for its own tree.

A case that fails today is in `known_defects.KNOWN_DEFECTS` with the defect: its test is a strict xfail (so it
fails once the defect is fixed: then delete its line), and random trees leave it out (so they
test the rest).
"""

from __future__ import annotations

import os
import random
import tempfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from .cases import CASES, DAMAGE, SAMPLES, plan
from .known_defects import KNOWN_DEFECTS
from .harness import ALL_COMMANDS, Limits, TreeResult, run_tree

SEED = 20261206
TREES = 42
PER_TREE = 8
LIMITS = Limits(seconds=20.0)
OTHER_COMMANDS = tuple(c for c in ALL_COMMANDS if c not in ("scan", "who-reads"))


# The sample each named case runs on: where its files make sense.
CASE_SAMPLE = {
    **{name: sorted(SAMPLES)[i % len(SAMPLES)] for i, name in enumerate(DAMAGE)},
    **{name: "shop_sql" for name in CASES if name.startswith(("python_", "sql_"))},
    **{name: "warehouse" for name in CASES if name.startswith(("yaml_", "dbt_"))},
    "pyproject_deep_nesting": "sqlalchemy_service",
    "empty_file": "django_shop",
    "binary_file": "sqlalchemy_service",
    "symlink_loop": "django_shop",
    "symlink_outside": "sqlalchemy_service",
    "control_char_names": "shop_sql",
}

RANDOM_TREES = plan(SEED, TREES, PER_TREE, exclude=frozenset(KNOWN_DEFECTS))
# Random trees that fail today, by index: {index: "the defect"}.
KNOWN_RANDOM_FAILURES: dict[int, str] = {}


def _jobs() -> dict[str, tuple[str, list[tuple[str, int]], tuple[str, ...], bool]]:
    """Every test's tree: test name -> (sample, cases, commands, leaf_only)."""
    jobs = {}
    for i, (sample, cases, leaf_only) in enumerate(RANDOM_TREES):
        jobs[f"random-{i:02d}"] = (sample, cases, ("scan", "who-reads", OTHER_COMMANDS[i % len(OTHER_COMMANDS)]), leaf_only)
    for i, name in enumerate(sorted(CASES)):
        seed = zlib.crc32(name.encode())
        jobs[name] = (CASE_SAMPLE.get(name, "shop_sql"), [(name, seed)], ("scan", "who-reads", OTHER_COMMANDS[i % len(OTHER_COMMANDS)]), False)
    return jobs


JOBS = _jobs()


class Runner:
    """Runs the selected tests' trees two at a time, starting with the first test that asks."""

    def __init__(self, work: Path, wanted: list[str]) -> None:
        self.work = work
        self.wanted = wanted
        self.pool: ThreadPoolExecutor | None = None
        self.futures: dict[str, Future[TreeResult]] = {}

    def result(self, key: str) -> TreeResult:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1))
            for name in self.wanted:
                sample, cases, commands, leaf_only = JOBS[name]
                self.futures[name] = self.pool.submit(run_tree, SAMPLES[sample], cases, commands, self.work, name, LIMITS, fail_fast=True, leaf_only=leaf_only)
        return self.futures[key].result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="module")
def runner(request: pytest.FixtureRequest):
    wanted = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.module is request.module and callspec is not None:
            wanted.append(callspec.id if callspec.id in JOBS else next(iter(callspec.params.values())))
    with tempfile.TemporaryDirectory(prefix="depmap-fuzz-") as work:
        fuzz = Runner(Path(work), [w for w in dict.fromkeys(wanted) if w in JOBS])
        yield fuzz
        fuzz.close()


def _explain(result: TreeResult) -> str:
    lines = [f"samples/{result.sample} with cases {result.cases} (touched: {result.touched[:8]})"]
    lines += [f"  {f.kind} in `depmap {f.command}`: {f.detail}" for f in result.failures]
    slowest = max(result.runs, key=lambda r: r.seconds)
    lines.append(f"  slowest run: {slowest.command} {slowest.seconds:.1f} s, peak RSS {slowest.peak_rss_kb // 1024} MiB")
    return "\n".join(lines)


def _case_param(name: str):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[name])] if name in KNOWN_DEFECTS else []
    return pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("name", [_case_param(name) for name in sorted(CASES)])
def test_case(runner: Runner, name: str) -> None:
    result = runner.result(name)
    assert result.failures == [], _explain(result)


def _random_param(i: int):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_RANDOM_FAILURES[i])] if i in KNOWN_RANDOM_FAILURES else []
    return pytest.param(f"random-{i:02d}", id=f"random-{i:02d}", marks=marks)


@pytest.mark.parametrize("key", [_random_param(i) for i in range(TREES)])
def test_random_tree(runner: Runner, key: str) -> None:
    result = runner.result(key)
    assert result.failures == [], _explain(result)


def test_plan_is_deterministic() -> None:
    """The same seed plans the same trees: a failure in CI reproduces anywhere."""
    assert plan(SEED, 5, PER_TREE) == plan(SEED, 5, PER_TREE)
    assert plan(SEED, 5, PER_TREE) != plan(SEED + 1, 5, PER_TREE)
    assert random.Random(0).random() == random.Random(0).random()
