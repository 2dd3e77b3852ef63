"""Compare the JSON answers of two depmap installations on the same projects, cold, warm and after edits.

    python benchmarks/same_answers.py --before OLD/bin/depmap --after NEW/bin/depmap \
        [--tables N] [--workdir DIR] [--edits] PROJECT [PROJECT...]

Each project is copied twice (one copy per installation, so that neither reads the other's
`.depmap/`). On each copy, `scan` runs cold and then warm, and then, warm, `tables`, `check`, and
for the first N tables of the catalog (and the tables only code uses) `who-reads`, `who-writes`,
`downstream`, `history` and `impact` (a new column, a NOT NULL one with a default, and a drop, a
rename and a type change of the table's first column; the new column in text too), `check` of
12 migration files spread over the project's, and last `baseline` (the file it writes). Every answer
must be byte-identical once the copy's path and `scan`'s `seconds` are taken out. With --edits,
the same edits are then applied to both copies one after another (a query changed, a file added,
a file deleted, a model added, a migration added, a field added to a model, a model with relations
to another added, a model's table changed, a model renamed) and every answer is compared after each: the
after installation answers from its cache (relinking what changed), the before one scans
everything again (--no-cache). Prints each difference; exits 1 if there is one.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

_MODEL_CLASS = re.compile(r"^class (\w+)\([^)]*models\.Model\):\n", re.M)
QUERY = 'def bench_same_answers(db):\n    return db.execute("SELECT id FROM {table} WHERE id = 1")\n'


def run(depmap: str, root: Path, *args: str, output_format: str = "json", cache: bool = True) -> str:
    options = [] if cache else ["--no-cache"]
    done = subprocess.run([depmap, *options, *args, "--path", str(root), "--format", output_format, "-q"], capture_output=True, text=True)
    text = done.stdout.replace(str(root), "<ROOT>")
    return f"exit {done.returncode}\n{text}\n{done.stderr.replace(str(root), '<ROOT>')}"


def without_seconds(text: str) -> str:
    head, _, rest = text.partition("\n")
    body, _, errors = rest.partition("\n}\n")
    try:
        document = json.loads(body + "\n}")
    except ValueError:
        return text
    document.pop("seconds", None)
    document.pop("files_from_cache", None)  # how much came from the cache differs by design after an edit
    return f"{head}\n{json.dumps(document, sort_keys=True)}\n{errors}"


def table_names(depmap: str, root: Path, cache: bool = True) -> list[str]:
    return [table["name"] for table in _tables(depmap, root, cache)]


def _tables(depmap: str, root: Path, cache: bool = True) -> list[dict]:
    body = run(depmap, root, "tables", cache=cache).split("\n", 1)[1].partition("\n}\n")[0] + "\n}"
    return json.loads(body)["tables"] if body.startswith("{") else []


def answers(depmap: str, root: Path, count: int, cache: bool = True, warm_scan: bool = True) -> dict[str, str]:
    found = {"scan cold": without_seconds(run(depmap, root, "scan", cache=cache))}
    if warm_scan:
        found["scan warm"] = without_seconds(run(depmap, root, "scan", cache=cache))
    found["tables"] = run(depmap, root, "tables", cache=cache)
    found["check"] = run(depmap, root, "check", cache=cache)
    tables = _tables(depmap, root, cache)
    names = [table["name"] for table in tables]
    first_column = {table["name"]: table["columns"][0]["name"] for table in tables if table["columns"]}
    for name in names[:count] + ([names[-1]] if names else []):
        for command in ("who-reads", "who-writes", "downstream", "history"):
            found[f"{command} {name}"] = run(depmap, root, command, name, cache=cache)
        found[f"impact {name}"] = run(depmap, root, "impact", f"{name}.same_answers_note", "--type", "text", cache=cache)
        found[f"impact text {name}"] = run(depmap, root, "impact", f"{name}.same_answers_note", "--type", "text", output_format="text",
                                           cache=cache)
        found[f"impact not-null {name}"] = run(depmap, root, "impact", f"{name}.same_answers_note", "--type", "integer", "--not-null",
                                               "--default", "0", cache=cache)
        if name in first_column:
            column = f"{name}.{first_column[name]}"
            found[f"impact --drop {column}"] = run(depmap, root, "impact", column, "--drop", cache=cache)
            found[f"impact --rename {column}"] = run(depmap, root, "impact", column, "--rename", "same_answers_renamed", cache=cache)
            found[f"impact --set-type {column}"] = run(depmap, root, "impact", column, "--set-type", "bigint", cache=cache)
        found[f"who-reads --mentions {name}"] = run(depmap, root, "who-reads", name, "--mentions", cache=cache)
    for path in spread(migration_files(root), MIGRATIONS_CHECKED):
        found[f"check {path.relative_to(root)}"] = run(depmap, root, "check", str(path), cache=cache)
    found["baseline"] = baseline(depmap, root, cache)
    return found


MIGRATIONS_CHECKED = 12  # migration files `check` judges on each project, spread over the sorted list


def migration_files(root: Path) -> list[Path]:
    """Django and Alembic migrations and SQL migration files, sorted by path."""
    return sorted(p for p in root.rglob("*") if p.suffix in (".py", ".sql") and p.name != "__init__.py" and ".depmap" not in p.parts
                  and any(part in ("migrations", "versions") for part in p.relative_to(root).parts[:-1]))


def spread(items: list[Path], count: int) -> list[Path]:
    """`count` of `items` evenly apart, first and last included (all of them when fewer)."""
    if len(items) <= count:
        return items
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def baseline(depmap: str, root: Path, cache: bool) -> str:
    """`baseline`'s message and the file it wrote (removed again: `check` and `impact` would read it)."""
    options = [] if cache else ["--no-cache"]
    done = subprocess.run([depmap, *options, "baseline", "--path", str(root), "-q"], capture_output=True, text=True)
    written = root / ".depmap-baseline.json"
    text = written.read_text() if written.exists() else "(none)"
    written.unlink(missing_ok=True)
    document = "\n".join(line for line in text.splitlines() if '"written_by"' not in line)
    return f"exit {done.returncode}\n{document}\n{done.stderr.replace(str(root), '<ROOT>')}"


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if ".depmap" not in p.parts and "migrations" not in p.parts and p.name != "__init__.py")


def edits(table: str) -> list[tuple[str, Callable[[Path], None]]]:
    """The same edits for both copies: each picks its file by sorted path, never by chance."""

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

    def django_models(root: Path) -> tuple[Path, str, re.Match[str]] | None:
        """The first Django models file, by sorted path, and its first model class."""
        for path in python_files(root):
            text = path.read_text()
            if "from django.db import models" in text and (found := _MODEL_CLASS.search(text)):
                return path, text, found
        return None

    def model_field(root: Path) -> None:
        if found := django_models(root):
            path, text, match = found
            path.write_text(text[:match.end()] + "    bench_same_flag = models.BooleanField(default=False)\n" + text[match.end():])

    def model_relation(root: Path) -> None:
        if found := django_models(root):
            path, text, match = found
            path.write_text(text + f'\n\nclass BenchSameLink(models.Model):\n    target = models.ForeignKey("{match.group(1)}", on_delete=models.CASCADE, '
                            'related_name="bench_same_links")\n    other = models.ForeignKey("BenchSameNote", on_delete=models.CASCADE, null=True)\n')

    def model_table(root: Path) -> None:
        for path in python_files(root):
            text = path.read_text()
            if ("db_table = " in text and "from django.db import models" in text) or "__tablename__ = " in text:
                path.write_text(re.sub(r'((?:db_table|__tablename__) = ["\'])(\w+)', r"\1\2_bench", text, count=1))
                return

    def model_rename(root: Path) -> None:
        if found := django_models(root):
            path, text, match = found
            path.write_text(text[:match.start(1)] + match.group(1) + "Renamed" + text[match.end(1):])

    def migration(root: Path) -> None:
        folders = sorted({p.parent for p in root.rglob("*.sql") if "migration" in str(p.relative_to(root))})
        if folders:
            (folders[0] / "9999_bench_same.sql").write_text(f"ALTER TABLE {table} ADD COLUMN bench_same_note text;\n")

    return [("query", query), ("add", add), ("delete", delete), ("model", model), ("migration", migration), ("model field", model_field),
            ("model relation", model_relation), ("model table", model_table), ("model rename", model_rename)]


def differ(label: str, before: dict[str, str], after: dict[str, str]) -> int:
    differences = 0
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            differences += 1
            print(f"DIFFERENT {label}: {key}\n  before: {before.get(key, '')[:600]!r}\n  after:  {after.get(key, '')[:600]!r}")
    print(f"{label}: {len(before)} answers compared")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--tables", type=int, default=6)
    parser.add_argument("--workdir", default="/tmp/same-answers")
    parser.add_argument("--edits", action="store_true", help="also edit both copies and compare after each edit")
    parser.add_argument("projects", nargs="+")
    options = parser.parse_args()
    differences = 0
    for project in options.projects:
        source = Path(project).resolve()
        results, copies = [], []
        for side in ("before", "after"):
            copy = Path(options.workdir) / side / source.name
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns(".depmap"))
            copies.append(copy)
            results.append(answers(getattr(options, side), copy, options.tables))
        differences += differ(source.name, *results)
        if options.edits:
            names = table_names(options.before, copies[0])
            for name, edit in edits(names[0] if names else "orders"):
                for copy in copies:
                    edit(copy)
                before = answers(options.before, copies[0], options.tables, cache=False, warm_scan=False)
                after = answers(options.after, copies[1], options.tables, warm_scan=False)
                differences += differ(f"{source.name} after {name}", before, after)
    print("identical" if not differences else f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
