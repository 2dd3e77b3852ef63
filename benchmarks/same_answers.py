"""Check that two depmaps give byte-identical answers, cold and after edits.

    python benchmarks/same_answers.py --base /path/to/base/.venv/bin/depmap DIR [DIR...]
    options: --new DEPMAP (default: the depmap next to this interpreter), --edits (also edit each
    copy and compare again: the new depmap answers from its cache, the base one from scratch)

Each DIR is copied twice (never scanned in place); both depmaps scan their copy with the cache on,
then answer `scan` (minus its `seconds`), `tables`, `who-reads`, `who-writes`, `downstream`,
`history`, `impact` and `check` in JSON for a few of the project's tables. With --edits, the same
edits are applied to both copies one after another (a query changed, a file added, a file deleted,
a model edited, a migration added) and every answer is compared after each: the new depmap relinks
from its cache while the base one scans everything again (--no-cache).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

QUERY = 'def bench_same_answers(db):\n    return db.execute("SELECT id FROM {table} WHERE id = 1")\n'


def run(depmap: str, root: Path, args: list[str], cache: bool = True) -> str:
    command = [depmap, *([] if cache else ["--no-cache"]), *args]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    if args[0] == "scan" and done.returncode == 0:
        data = json.loads(done.stdout)
        data.pop("seconds", None)
        data.pop("files_from_cache", None)  # how much came from the cache differs by design
        data.pop("root", None)  # each depmap scans its own copy
        return json.dumps(data, sort_keys=True)
    return f"exit {done.returncode}\n{done.stdout}"


def questions(depmap: str, root: Path) -> list[list[str]]:
    """The commands to compare: each query on a few tables (first, middle, last) and a column."""
    tables = json.loads(run(depmap, root, ["tables", "--format", "json"]).split("\n", 1)[1])["tables"]
    picked = [tables[i] for i in sorted({0, len(tables) // 2, len(tables) - 1})] if tables else []
    asked = [["scan", ".", "--format", "json"], ["tables", "--format", "json"]]
    for table in picked:
        name = table["name"]
        column = table["columns"][0]["name"] if table["columns"] else "id"
        for command in ("who-reads", "who-writes", "downstream", "history"):
            asked.append([command, name, "--format", "json"])
        asked.append(["who-reads", f"{name}.{column}", "--format", "json"])
        asked.append(["impact", f"{name}.bench_same_note", "--type", "text", "--not-null", "--format", "json"])
    migration = next(iter(sorted(p for p in root.rglob("*.sql") if "migration" in str(p.relative_to(root)))), None)
    if migration is not None:
        asked.append(["check", str(migration.relative_to(root)), "--format", "json"])
    return asked


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if ".depmap" not in p.parts and "migrations" not in p.parts and p.name != "__init__.py")


def first_table(root: Path, depmap: str) -> str:
    tables = json.loads(run(depmap, root, ["tables", "--format", "json"]).split("\n", 1)[1])["tables"]
    return tables[0]["name"] if tables else "orders"


def edits(table: str) -> list[tuple[str, Callable[[Path], None]]]:
    def query(root: Path) -> None:
        files = [p for p in python_files(root) if "models" not in p.name]
        if files:
            target = files[len(files) // 2]
            target.write_text(target.read_text() + "\n\n" + QUERY.format(table=table))

    def add(root: Path) -> None:
        (root / "bench_same_added.py").write_text(QUERY.format(table=table))

    def delete(root: Path) -> None:
        files = python_files(root)
        if files:
            files[len(files) // 3].unlink()

    def model(root: Path) -> None:
        for path in python_files(root):
            text = path.read_text()
            if "models.Model" in text and "from django.db import models" in text:
                path.write_text(text + "\n\nclass BenchSameNote(models.Model):\n    note = models.TextField()\n")
                return
            if "__tablename__" in text and "Column" in text and "Integer" in text:
                path.write_text(text.replace("__tablename__", "bench_same_note = Column(Integer)\n    __tablename__", 1))
                return

    def migration(root: Path) -> None:
        folders = sorted({p.parent for p in root.rglob("*.sql") if "migration" in str(p.relative_to(root))})
        if folders:
            (folders[0] / "9999_bench_same.sql").write_text(f"ALTER TABLE {table} ADD COLUMN bench_same_note text;\n")

    return [("query", query), ("add", add), ("delete", delete), ("model", model), ("migration", migration)]


def compare(base: str, new: str, base_root: Path, new_root: Path, label: str, base_cache: bool) -> int:
    differences = 0
    for args in questions(base, base_root):
        want = run(base, base_root, args, cache=base_cache)
        got = run(new, new_root, args)
        if want != got:
            differences += 1
            print(f"DIFFERS {label}: depmap {' '.join(args)}")
            diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True), "base", "new", n=1)
            print("".join(list(diff)[:12]), flush=True)
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--base", required=True, help="the depmap to compare with (its console script)")
    parser.add_argument("--new", default=str(Path(sys.executable).with_name("depmap")))
    parser.add_argument("--edits", action="store_true")
    args = parser.parse_args()
    differences = 0
    for root in args.roots:
        with tempfile.TemporaryDirectory(prefix="same-answers-") as work:
            base_root, new_root = Path(work, "base"), Path(work, "new")
            for copy in (base_root, new_root):
                shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".depmap"))
            found = compare(args.base, args.new, base_root, new_root, f"{root} cold", True)
            if args.edits:
                table = first_table(base_root, args.base)
                for name, edit in edits(table):
                    edit(base_root), edit(new_root)
                    found += compare(args.base, args.new, base_root, new_root, f"{root} after {name}", False)
            print(f"{root}: {'same answers' if not found else f'{found} answers differ'}")
            differences += found
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
