"""Issue 21's targets on one repository, every figure from the same round: a cold scan with one
and two processes beside `ast.parse` of the same files, warm queries beside `grep -rlw` of the
table's name, peak memory of every command, and one file changed.

    python benchmarks/targets.py DIR --table accounts --column email [--migration FILE] [--baseline] [--repeat 3] [--depmap CMD]

DIR is scanned in place: use a copy (`cp -r`), never a checkout you work in. Its `.depmap/` is
removed before each cold scan. The file edited for "one file changed" gets its bytes back at the
end. `--depmap` runs another depmap (`"python -P -m depmap"` with its checkout on PYTHONPATH).
Prints one Markdown table; timings are the best of `--repeat` runs, memory the largest.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Run, ast_baseline, inventory, measure  # noqa: E402

EDIT = "\n\ndef targets_bench_rows(cur):\n    cur.execute(\"SELECT id FROM {table} WHERE id = 1\")\n    return cur.fetchall()\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--table", required=True)
    parser.add_argument("--column", required=True, help="an existing column of the table (who-writes, impact --drop)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--depmap", default=f"{sys.executable} -m depmap")
    parser.add_argument("--baseline", action="store_true", help="also time `baseline` (an impact per table)")
    parser.add_argument("--migration", help="a migration file (relative to DIR) for `check`")
    parser.add_argument("--plain-file", help="the file edited for one file changed (default: the first Python file with no model)")
    args = parser.parse_args()
    root = args.root.resolve()
    depmap = shlex.split(args.depmap)
    rows = Rows(root)

    files = inventory(root)
    parsed = ast_baseline(files.python).seconds
    grep = best(args.repeat, ["grep", "-rlw", "--exclude-dir=.depmap", args.table, str(root)], allowed=(0, 1))
    rows.append(("files, Python lines", f"{len(files.scanned):,} files, {files.python_lines:,} Python lines"))
    rows.append(("`ast.parse` of the Python files (one core)", f"{parsed:.2f} s"))
    rows.append((f"`grep -rlw {args.table}`", f"{grep.wall:.2f} s"))

    cold = {}
    for jobs in (1, 2):
        shutil.rmtree(root / ".depmap", ignore_errors=True)
        run = measure([*depmap, "--jobs", str(jobs), "scan", str(root), "--format", "json"], cwd=Path("/"))
        cold[jobs] = run
        rows.append((f"cold `scan --jobs {jobs}`", f"{run.wall:.1f} s ({run.wall / parsed:.1f}x ast.parse), {run.maxrss_mb:.0f} MB"))
    rows.append(("`--jobs 2` speedup", f"{cold[1].wall / cold[2].wall:.2f}x"))

    warm_commands = [
        ("warm `scan --format json`", ["scan", str(root), "--format", "json"], (0,)),
        (f"warm `who-reads {args.table}`", ["who-reads", args.table, "--path", str(root)], (0,)),
        (f"warm `who-writes {args.table}.{args.column}`", ["who-writes", f"{args.table}.{args.column}", "--path", str(root)], (0,)),
        (f"warm `impact {args.table}.targets_note`", ["impact", f"{args.table}.targets_note", "--type", "text", "--path", str(root)], (0, 1)),
        (f"warm `impact {args.table}.{args.column} --drop`", ["impact", f"{args.table}.{args.column}", "--drop", "--path", str(root)], (0, 1)),
        ("warm `report` (HTML)", ["report", f"{args.table}.targets_note", "--type", "text", "--path", str(root), "-o", os.devnull + ".html"], (0, 1)),
    ]
    if args.baseline:  # an impact per table: minutes at a million lines
        warm_commands.append(("warm `baseline`", ["baseline", str(root)], (0,)))
    if args.migration:
        warm_commands.append((f"warm `check {args.migration}`", ["check", str(root / args.migration), "--path", str(root)], (0, 1)))
    measure([*depmap, "scan", str(root)], cwd=Path("/"))  # the snapshot and the stored index settle
    for label, command, allowed in warm_commands:
        run = best(args.repeat, [*depmap, *command], allowed=allowed)
        rows.append((label, f"{run.wall:.2f} s, {run.maxrss_mb:.0f} MB"))
    (root / ".depmap-baseline.json").unlink(missing_ok=True)

    plain = Path(args.plain_file) if args.plain_file else next(p for p in files.python if not _defines_a_model(p))
    original = plain.read_bytes()
    stat = plain.stat()
    try:
        runs = []
        for attempt in range(args.repeat):
            plain.write_bytes(original + EDIT.format(table=args.table).encode() * (attempt + 1))
            runs.append(measure([*depmap, "-v", "scan", str(root), "--format", "json"], cwd=Path("/")))
        fastest = min(runs, key=lambda r: r.wall)
        how = next((line.split("relinked ", 1)[1] for line in fastest.stderr.splitlines() if "relinked" in line), "-")
        rows.append((f"one plain file changed (`{plain.relative_to(root)}`)", f"{fastest.wall:.2f} s, {max(r.maxrss_mb for r in runs):.0f} MB ({how})"))
        after = best(args.repeat, [*depmap, "who-reads", args.table, "--path", str(root)])
        rows.append(("warm `who-reads` after it", f"{after.wall:.2f} s, {after.maxrss_mb:.0f} MB"))
    finally:
        plain.write_bytes(original)
        os.utime(plain, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    print(f"| load at the end | {os.getloadavg()[0]:.1f} |", flush=True)


class Rows(list):
    """The table's rows, each printed as soon as it is measured (a long round keeps what it has)."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        print(f"| {root.name} | {time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f} |\n|---|---|", flush=True)

    def append(self, row: tuple[str, str]) -> None:
        super().append(row)
        print(f"| {row[0]} | {row[1]} |", flush=True)


def best(repeat: int, command: list[str], allowed: tuple[int, ...] = (0,)) -> Run:
    runs = [measure(command, cwd=Path("/"), allowed=allowed) for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r.wall)
    fastest.maxrss_mb = max(r.maxrss_mb for r in runs)
    return fastest


def _defines_a_model(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return any(marker in text for marker in ("models.Model", "__tablename__", "db.Model", "Base)", "migrations.", "op."))


if __name__ == "__main__":
    main()
