"""Compare the JSON answers of two depmap installations on the same projects, cold and warm.

    python benchmarks/same_answers.py --before OLD/bin/depmap --after NEW/bin/depmap \
        [--tables N] [--workdir DIR] PROJECT [PROJECT...]

Each project is copied twice (one copy per installation, so that neither reads the other's
`.depmap/`). On each copy, `scan` runs cold and then warm, and then, warm, `tables`, `check`, and
for the first N tables of the catalog (and the tables only code uses) `who-reads`, `who-writes`,
`downstream`, `history` and `impact` (a new column, a NOT NULL one with a default, and a drop, a
rename and a type change of the table's first column; the new column in text too). Every answer must be byte-identical once the
copy's path and `scan`'s `seconds` are taken out. Prints each difference; exits 1 if there is one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path


def run(depmap: str, root: Path, *args: str, output_format: str = "json") -> str:
    done = subprocess.run([depmap, *args, "--path", str(root), "--format", output_format, "-q"], capture_output=True, text=True)
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
    return f"{head}\n{json.dumps(document, sort_keys=True)}\n{errors}"


def answers(depmap: str, root: Path, count: int) -> dict[str, str]:
    found = {"scan cold": without_seconds(run(depmap, root, "scan")), "scan warm": without_seconds(run(depmap, root, "scan"))}
    found["tables"] = run(depmap, root, "tables")
    found["check"] = run(depmap, root, "check")
    body = found["tables"].split("\n", 1)[1].partition("\n}\n")[0] + "\n}"
    tables = json.loads(body)["tables"] if body.startswith("{") else []
    names = [table["name"] for table in tables]
    first_column = {table["name"]: table["columns"][0]["name"] for table in tables if table["columns"]}
    for name in names[:count] + ([names[-1]] if names else []):
        for command in ("who-reads", "who-writes", "downstream", "history"):
            found[f"{command} {name}"] = run(depmap, root, command, name)
        found[f"impact {name}"] = run(depmap, root, "impact", f"{name}.same_answers_note", "--type", "text")
        found[f"impact text {name}"] = run(depmap, root, "impact", f"{name}.same_answers_note", "--type", "text", output_format="text")
        found[f"impact not-null {name}"] = run(depmap, root, "impact", f"{name}.same_answers_note", "--type", "integer", "--not-null",
                                               "--default", "0")
        if name in first_column:
            column = f"{name}.{first_column[name]}"
            found[f"impact --drop {column}"] = run(depmap, root, "impact", column, "--drop")
            found[f"impact --rename {column}"] = run(depmap, root, "impact", column, "--rename", "same_answers_renamed")
            found[f"impact --set-type {column}"] = run(depmap, root, "impact", column, "--set-type", "bigint")
        found[f"who-reads --mentions {name}"] = run(depmap, root, "who-reads", name, "--mentions")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--tables", type=int, default=6)
    parser.add_argument("--workdir", default="/tmp/same-answers")
    parser.add_argument("projects", nargs="+")
    options = parser.parse_args()
    differences = 0
    for project in options.projects:
        source = Path(project).resolve()
        results = []
        for side in ("before", "after"):
            copy = Path(options.workdir) / side / source.name
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns(".depmap"))
            results.append(answers(getattr(options, side), copy, options.tables))
        before, after = results
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                differences += 1
                print(f"DIFFERENT {source.name}: {key}\n  before: {before.get(key, '')[:600]!r}\n  after:  {after.get(key, '')[:600]!r}")
        print(f"{source.name}: {len(before)} answers compared")
    print("identical" if not differences else f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
