"""Whatever one file does in its worker costs that file only: a crash, a hang, a memory blow-up, a
result that is not plain data. Every other file's answer is what a clean scan gives, with any
--jobs and with the cache on or off.

A scanner that misbehaves on request stands in for the native-parser crash, the pathological
input or the scanner bug of real code: it is added to the registry before the workers fork, so
they inherit it.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from depmap import registry
from depmap.index import pool
from depmap.index.build import build_index
from depmap.model import Fact, Location, ScanResult

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "samples" / "shop_sql"


def misbehaving(path: str, text: str, ctx) -> ScanResult:
    """Crash, hang, eat memory or return a callable, as the SQL file asks."""
    if "-- crash" in text:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "-- hang" in text:
        time.sleep(60)
    if "-- hog" in text:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB
        return ScanResult(skipped=[], facts=[] if hoard else [])
    if "-- odd" in text:
        odd = Fact("access", "orders", Location(path, 1), ("id",), "read", "select", "sql", extra={"render": misbehaving})
        return ScanResult(facts=[odd])
    if "-- broken" in text:
        raise KeyError("a scanner bug")
    return ScanResult()


@pytest.fixture
def shop(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    scanners = dict(registry.SCANNERS)
    scanners["sql"] = scanners["sql"] + (misbehaving,)
    monkeypatch.setattr(registry, "SCANNERS", scanners)
    (root / "pyproject.toml").write_text("[tool.depmap]\nseconds_per_file = 3\nmegabytes_per_file = 300\n")
    return root


BAD = {
    "reports/crash.sql": "-- crash\nSELECT id FROM orders;\n",
    "reports/hang.sql": "-- hang\nSELECT id FROM orders;\n",
    "reports/hog.sql": "-- hog\nSELECT id FROM orders;\n",
    "reports/odd.sql": "-- odd\nSELECT id FROM orders;\n",
    "reports/broken.sql": "-- broken\nSELECT id FROM orders;\n",
}
REASONS = [
    ("reports/broken.sql", "internal error in misbehaving: KeyError: 'a scanner bug'"),
    ("reports/crash.sql", "not analysed: the analysis crashed (signal SIGSEGV); this is a bug in depmap or a library it uses"),
    ("reports/hang.sql", "not analysed: its scan took longer than 3 s (raise [tool.depmap] seconds_per_file to allow more)"),
    ("reports/hog.sql", "not analysed: its scan needed more memory than the budget (raise [tool.depmap] megabytes_per_file to allow more)"),
    ("reports/odd.sql", "not analysed: internal error: its scan result is not plain data "
                        "(Object of type function is not JSON serializable)"),
]


def _facts(index) -> list[dict]:
    return [fact.to_json() for fact in index.facts if not fact.location.path.startswith("reports/")]


def _reasons(index) -> list[tuple[str, str]]:
    return sorted((item.path, item.reason) for item in index.skipped if item.path.startswith("reports/"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_bad_file_is_listed_and_every_other_answer_stands(shop, jobs):
    clean = build_index(shop, jobs=jobs)
    (shop / "reports").mkdir()
    for path, text in BAD.items():
        (shop / path).write_text(text)
    index = build_index(shop, jobs=jobs, use_cache=True)
    assert _reasons(index) == REASONS
    assert _facts(index) == _facts(clean)
    assert index.files_scanned == clean.files_scanned + len(BAD)


def test_a_crash_or_a_timeout_is_tried_again_next_run_not_remembered(shop):
    (shop / "reports").mkdir()
    (shop / "reports/crash.sql").write_text(BAD["reports/crash.sql"])
    build_index(shop, jobs=1, use_cache=True)
    (shop / "reports/crash.sql").write_text("-- fixed\nSELECT id FROM orders;\n")
    os.utime(shop / "reports/crash.sql", ns=(0, 0))  # the same stat as a file never seen is no shortcut either
    again = build_index(shop, jobs=1, use_cache=True)
    assert _reasons(again) == []
    assert [f.location.line for f in again.facts if f.location.path == "reports/crash.sql"] == [2]


def test_workers_are_capped_at_the_files_to_scan(shop, monkeypatch):
    started = []
    real_start = pool._Worker.start.__func__

    def counting(cls, tasks, budget):
        started.append(len(tasks))
        return real_start(cls, tasks, budget)

    monkeypatch.setattr(pool._Worker, "start", classmethod(counting))
    for path in list(shop.rglob("*.py")) + list(shop.rglob("*.sql")):
        if path.name != "0001_initial.sql":
            path.unlink()
    build_index(shop, jobs=256)
    assert started == [1]


def test_debug_scans_in_this_process_and_raises(shop):
    (shop / "reports").mkdir()
    (shop / "reports/broken.sql").write_text(BAD["reports/broken.sql"])
    with pytest.raises(KeyError, match="a scanner bug"):
        build_index(shop, jobs=2, debug=True)


def test_files_queued_behind_a_crash_are_scanned_by_a_fresh_worker(shop):
    """A worker holds the next files in its pipe while it scans one; when that one kills it, the
    files it never started go to the next worker, with the answers a clean scan gives them."""
    (shop / "reports").mkdir()
    queued = {f"reports/q{n}.sql": f"SELECT id, total FROM orders WHERE id = {n};\nUPDATE orders SET total = {n};\n"
              for n in range(pool.QUEUED_PER_WORKER + 2)}
    for path, text in queued.items():
        (shop / path).write_text(text)
    clean = build_index(shop, jobs=1)
    (shop / "reports/a_crash.sql").write_text(BAD["reports/crash.sql"])  # scanned first of the folder
    index = build_index(shop, jobs=1)
    assert _reasons(index) == [("reports/a_crash.sql", REASONS[1][1])]
    assert [fact.to_json() for fact in index.facts] == [fact.to_json() for fact in clean.facts]
    assert sorted({fact.location.path for fact in index.facts} & set(queued)) == sorted(queued)


SLOW_SCAN = """
import sys, time
from pathlib import Path
from depmap import registry
from depmap.model import ScanResult

def slow(path, text, ctx):
    if "-- slow" in text:
        time.sleep(30)
    return ScanResult()

registry.SCANNERS = {**registry.SCANNERS, "sql": registry.SCANNERS["sql"] + (slow,)}
from depmap.index.build import build_index
build_index(Path(sys.argv[1]), jobs=2)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # exited, waiting to be reaped by whoever adopted it


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_workers_exit_when_depmap_is_killed(tmp_path: Path):
    """`kill -9` of depmap (an OOM kill, a CI job's timeout) leaves no worker waiting for ever."""
    import subprocess
    import sys

    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    (root / "pyproject.toml").write_text("[tool.depmap]\nseconds_per_file = 120\n")
    (root / "reports").mkdir()
    for name in ("a", "b"):
        (root / "reports" / f"{name}.sql").write_text("-- slow\nSELECT id FROM orders;\n")
    run = subprocess.Popen([sys.executable, "-c", SLOW_SCAN, str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = Path(f"/proc/{run.pid}/task/{run.pid}/children")
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        time.sleep(0.1)
    assert len(workers) == 2
    time.sleep(1)  # both inside the slow file
    run.kill()
    run.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if _alive(pid)] == []
