"""Issue 21's targets on one repository, every figure from the same round: a cold scan with one
and two processes beside `ast.parse` of the same files, warm queries beside `grep -rlw` of the
table's name, peak memory of every command, and one file changed.

    python benchmarks/targets.py DIR --table accounts --column email [--migration FILE] [--baseline] [--repeat 3] [--depmap CMD]
        [--model-file FILE] [--migration-edit FOLDER] [--only-edits]

DIR is scanned in place: use a copy (`cp -r`), never a checkout you work in. Its `.depmap/` is
removed before each cold scan. The file edited for "one file changed" gets its bytes back at the
end; so does `--model-file` (a Django model appended to it), and the SQL migration
`--migration-edit` adds to FOLDER (`ALTER TABLE` of the table) is removed. `--only-edits` skips
the cold scans and warm queries (DIR must have been scanned). `--depmap` runs another depmap (`"python -P -m depmap"` with its checkout on PYTHONPATH).
Prints one Markdown table; timings are the best of `--repeat` runs, memory the largest.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Run, ast_baseline, inventory, measure  # noqa: E402

EDIT = "\n\ndef targets_bench_rows(cur):\n    cur.execute(\"SELECT id FROM {table} WHERE id = 1\")\n    return cur.fetchall()\n"
MODEL = "\n\nclass TargetsBenchNote{number}(models.Model):\n    note = models.TextField()\n"
MIGRATION = "ALTER TABLE {table} ADD COLUMN targets_bench_note{number} text;\n"


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
    parser.add_argument("--model-file", help="a Django models file (relative to DIR): one model appended to it, a file changed that defines a model")
    parser.add_argument("--migration-edit", help="a migrations folder (relative to DIR): one SQL migration added to it")
    parser.add_argument("--only-edits", action="store_true", help="only the edits (DIR scanned before)")
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

    if args.only_edits:
        measure([*depmap, "scan", str(root)], cwd=Path("/"))
        _edits(args, root, files, depmap, rows)
        print(f"| load at the end | {os.getloadavg()[0]:.1f} |", flush=True)
        return

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
    _edits(args, root, files, depmap, rows)
    print(f"| load at the end | {os.getloadavg()[0]:.1f} |", flush=True)


def _edits(args: argparse.Namespace, root: Path, files: object, depmap: list[str], rows: Rows) -> None:
    """One plain file changed (and a warm `who-reads` after it), then a model file and a
    migration when asked: each `--repeat` times, each run a new change."""
    plain = Path(args.plain_file) if args.plain_file else next(p for p in files.python if not _defines_a_model(p))
    plain = plain if plain.is_absolute() else root / plain
    edit = EDIT.format(table=args.table)
    with restored(plain):
        original = plain.read_text()
        run = _changed(args.repeat, depmap, root, lambda attempt: plain.write_text(original + edit * (attempt + 1)))
        rows.append((f"one plain file changed (`{plain.relative_to(root)}`)", run))
        after = best(args.repeat, [*depmap, "who-reads", args.table, "--path", str(root)])
        rows.append(("warm `who-reads` after it", f"{after.wall:.2f} s, {after.maxrss_mb:.0f} MB"))
    measure([*depmap, "scan", str(root)], cwd=Path("/"))
    if args.model_file:
        model = root / args.model_file
        with restored(model):
            original = model.read_text()
            run = _changed(args.repeat, depmap, root, lambda attempt: model.write_text(original + MODEL.format(number=attempt)))
            rows.append((f"a model file changed (`{args.model_file}`, a model added)", run))
        measure([*depmap, "scan", str(root)], cwd=Path("/"))  # the restored file relinked, unmeasured
    if args.migration_edit:
        added = root / args.migration_edit / "9999_targets_bench.sql"
        try:
            run = _changed(args.repeat, depmap, root, lambda attempt: added.write_text(MIGRATION.format(table=args.table, number=attempt)))
            rows.append((f"a SQL migration added (`{args.migration_edit}/9999_targets_bench.sql`)", run))
        finally:
            added.unlink(missing_ok=True)
    measure([*depmap, "scan", str(root)], cwd=Path("/"))


def _changed(repeat: int, depmap: list[str], root: Path, change: Callable[[int], object]) -> str:
    """`scan` after each of `repeat` changes: the fastest, the largest memory, the relink's path."""
    runs = []
    for attempt in range(repeat):
        change(attempt)
        runs.append(measure([*depmap, "-v", "scan", str(root), "--format", "json"], cwd=Path("/")))
    fastest = min(runs, key=lambda r: r.wall)
    how = next((line.split("relinked ", 1)[1] for line in fastest.stderr.splitlines() if "relinked" in line), "-")
    return f"{fastest.wall:.2f} s, {max(r.maxrss_mb for r in runs):.0f} MB ({how}; {', '.join(f'{r.wall:.2f}' for r in runs)} s)"


@contextmanager
def restored(path: Path) -> Iterator[None]:
    """The file's bytes and times put back at the end, whatever happened."""
    original = path.read_bytes()
    stat = path.stat()
    try:
        yield
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


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
