"""Time one changed file on a generated repository: a plain query file, a model, a migration.

    python benchmarks/relink_bench.py --depmap "PATH/TO/python -P -m depmap" DIR [--repeat 2] [--env NAME=VALUE]

DIR is a copy of a generated repository (benchmarks/generate.py) that may be scanned in place:
its `.depmap/` is built first (unmeasured), then each edit is applied, `depmap -v scan` timed
(wall time and peak RSS, through /usr/bin/time -v) and a warm `who-reads` right after it, then the
edit is undone and both are timed again (the undo is one changed file too). Prints one line per
run with the relink path `-v` reports and the phases. `--depmap` is split like a shell command,
so the base can run as `python -P -m depmap` with its checkout on PYTHONPATH (`--env`).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import time
from pathlib import Path
from typing import Callable

QUERY = '\n\ndef bench_relink_rows(session):\n    return session.execute(text("SELECT id FROM bench_relink WHERE id = 1")).all()\n'


def timed(depmap: list[str], env: dict[str, str], *args: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *depmap, "-v", *args], capture_output=True, text=True, check=True, env=env, cwd="/")
    seconds = time.perf_counter() - started
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) // 1024
    relinked = next((line.split("relinked ", 1)[1] for line in done.stderr.splitlines() if "depmap: relinked" in line), "-")
    phases = next((line.split("(", 1)[1].rstrip(")") for line in done.stderr.splitlines() if line.startswith("depmap: scanned")), "")
    return seconds, rss, f"{relinked} [{phases}]"


def edits(root: Path) -> list[tuple[str, Path, Callable[[str], str]]]:
    query = sorted(root.glob("services/*/repository.py"))[0]
    model = next(p for p in sorted(root.glob("web/*/models.py")) if "models.Model" in p.read_text())
    migrations = root / "db" / "migrations"
    return [
        ("query", query, lambda text: text + QUERY),
        ("model", model, lambda text: text + "\n\nclass BenchRelink(models.Model):\n    note = models.TextField()\n"),
        ("migration", migrations / "9999_bench_relink.sql", lambda text: "ALTER TABLE bench_relink ADD COLUMN note text;\n"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--depmap", required=True)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the depmap runs")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", help="one edit: query, model or migration")
    args = parser.parse_args()
    depmap = shlex.split(args.depmap)
    env = {**os.environ, **dict(item.split("=", 1) for item in args.env)}
    root = str(args.root.resolve())
    subprocess.run([*depmap, "scan", root], capture_output=True, check=True, env=env, cwd="/")
    for name, path, edit in edits(args.root):
        if args.only and name != args.only:
            continue
        original = path.read_text() if path.exists() else None
        for attempt in range(args.repeat):
            for step in ("edit", "undo"):
                if step == "edit":
                    path.write_text(edit(original or ""))
                elif original is None:
                    path.unlink()
                else:
                    path.write_text(original)
                seconds, rss, how = timed(depmap, env, "scan", root, "--format", "json")
                print(f"{name} {step} {attempt + 1}: scan {seconds:.2f} s, {rss} MB, {how}", flush=True)
                seconds, rss, how = timed(depmap, env, "who-reads", "orders", "--path", root, "--format", "json")
                print(f"{name} {step} {attempt + 1}: who-reads {seconds:.2f} s, {rss} MB, [{how.split('[', 1)[-1]}", flush=True)


if __name__ == "__main__":
    main()
