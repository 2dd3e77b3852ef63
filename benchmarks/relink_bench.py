"""Time one changed file on a generated repository: a plain query file, a model, a migration.

    python benchmarks/relink_bench.py --depmap PATH/TO/depmap DIR [--repeat 2]

DIR is a copy of a generated repository (benchmarks/generate.py) that may be scanned in place:
its `.depmap/` is built first (unmeasured), then each edit is applied, `depmap -v scan` timed
(wall time and peak RSS, through /usr/bin/time -v), the edit undone and scanned again (also
timed: it is one changed file too). Prints one line per run with the relink path `-v` reports.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
from pathlib import Path
from typing import Callable

QUERY = '\n\ndef bench_relink_rows(session):\n    return session.execute(text("SELECT id FROM bench_relink WHERE id = 1")).all()\n'


def timed(depmap: str, root: Path) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", depmap, "-v", "scan", str(root), "--format", "json"], capture_output=True, text=True, check=True)
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
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    subprocess.run([args.depmap, "scan", str(args.root)], capture_output=True, check=True)
    for name, path, edit in edits(args.root):
        original = path.read_text() if path.exists() else None
        for attempt in range(args.repeat):
            path.write_text(edit(original or ""))
            seconds, rss, how = timed(args.depmap, args.root)
            print(f"{name} edit {attempt + 1}: {seconds:.2f} s, {rss} MB, {how}", flush=True)
            if original is None:
                path.unlink()
            else:
                path.write_text(original)
            seconds, rss, how = timed(args.depmap, args.root)
            print(f"{name} undo {attempt + 1}: {seconds:.2f} s, {rss} MB, {how}", flush=True)


if __name__ == "__main__":
    main()
