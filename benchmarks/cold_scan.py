"""A cold scan's wall time and memory, per process, beside `ast.parse` of the same files.

    python benchmarks/cold_scan.py DIR [--jobs 1,2] [--repeat 1] [--depmap-source CHECKOUT] [--cache]

Each run is a fresh interpreter that builds the index without the cache (what `depmap scan
--no-cache` does) and reports its wall seconds, the scan phase, and two peaks: the main process
(after the scan, and after linking, when it holds the index) and the largest scan worker
(`RUSAGE_CHILDREN`), with the CPU seconds of the workers and of the main process during the scan. The same
round reads and `ast.parse`s the Python files on one core, so the ratio is paired on a shared
machine. `--depmap-source` runs another checkout's depmap (an older commit) in the same rounds.
`--cache` writes the cache as a user's first `depmap scan` does (DIR's `.depmap/` removed before
each run: scan a copy) and adds the main process's whole CPU, the serial part of `--jobs 2`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import ast_baseline, inventory  # noqa: E402

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from depmap.index import build
scan_all, during = build._scan_all, {}
def measured(*args, **kwargs):
    cpu = time.process_time()
    found = scan_all(*args, **kwargs)
    during.update(main_cpu=time.process_time() - cpu, main_after_scan_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return found
build._scan_all = measured
started = time.perf_counter()
index = build.build_index(Path(sys.argv[1]), jobs=int(sys.argv[2]), use_cache=sys.argv[3] == "cache")
wall = time.perf_counter() - started
during["main_total_cpu"] = time.process_time()
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "scan": index.timings.get("scan", 0.0), "graph": index.timings.get("graph", 0.0),
                  "facts": len(index.facts), "main_mb": main, "worker_mb": workers.ru_maxrss / 1024,
                  "worker_cpu": workers.ru_utime + workers.ru_stime, **during}))
"""


def run(root: Path, jobs: int, source: Path | None, cache: bool = False) -> dict:
    env = {**os.environ}
    if source is not None:
        env["PYTHONPATH"] = str(source)
    if cache:
        shutil.rmtree(root / ".depmap", ignore_errors=True)
    command = [sys.executable, "-P", "-c", _CHILD, str(root), str(jobs), "cache" if cache else "none"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--depmap-source", type=Path, action="append", default=[], help="another checkout to run in the same rounds")
    parser.add_argument("--cache", action="store_true", help="write the cache, as a first `depmap scan` does")
    args = parser.parse_args()
    files = inventory(args.root).python
    sources: list[Path | None] = [*args.depmap_source, None]
    for round_ in range(args.repeat):
        baseline = ast_baseline(files)
        print(f"round {round_ + 1}: ast.parse {baseline.seconds:.2f} s ({baseline.files} files)", flush=True)
        for jobs in (int(n) for n in args.jobs.split(",")):
            for source in sources:
                r = run(args.root, jobs, source, args.cache)
                print(f"  {str(source or 'this checkout'):<28} --jobs {jobs}: wall {r['wall']:6.2f} s (scan {r['scan']:.2f}, link {r['graph']:.2f})"
                      f"  {r['wall'] / baseline.seconds:4.2f}x ast.parse  scan {r['scan'] / baseline.seconds:4.2f}x"
                      f"  cpu: workers {r['worker_cpu']:.2f} s, main during the scan {r['main_cpu']:.2f} s, in all {r['main_total_cpu']:.2f} s"
                      f"  peak: main {r['main_after_scan_mb']:.0f} MB after the scan, {r['main_mb']:.0f} MB linked; worker {r['worker_mb']:.0f} MB"
                      f"  facts {r['facts']}", flush=True)


if __name__ == "__main__":
    main()
