"""Recall of depmap on real code, against annotations written by reading that code.

    python benchmarks/recall/run.py --repos DIR [--show-misses] [--json]

Each `annotations/<owner>+<name>.json` lists, for a few tables of one public repository at one
commit, every site that touches the table (path, line, access, the code form), found by a person
or a helper session reading the code before depmap was run on it. DIR holds a checkout of each
repository at that commit, in a folder named `<owner>+<name>` (README.md says how to get one).

For each table this runs the depmap of this checkout (`who-reads`, `who-writes` and `graph`, as a
user would) and counts an annotated site as found:
- at its line: depmap reports the table at that path and line;
- in its statement: depmap reports the table in a statement whose lines hold the annotated line
  (what a reviewer who reads the statement would still find);
with the access right or not; "at its line" allows ±2 lines (`TOLERANCE`), "exactly" none. A
usage reports the line naming the table (and, when the statement names it several times, every
such line) and its statement's span (schema_version 2; older versions report the statement's
first line as the usage's line). Sites depmap reports that no annotation holds are listed too: each
is either a false positive or a miss of the annotation, to be decided by reading the code.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


TOLERANCE = 2


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    end_line: int
    access: str  # read, write or schema
    form: str = ""
    test: bool = False
    start: int = 0  # the statement's first line (0: `line`)
    lines: tuple[int, ...] = ()  # every line naming the table (empty: `line`)
    attribute: bool = False  # an attribute read (`task.state`): no statement, so no claim the key lacks
    called: bool = False  # a call of project code whose own statement touches the table (`gen_award(db)`)

    @property
    def first(self) -> int:
        return self.start or self.line

    def names_at(self, line: int, tolerance: int = 0) -> bool:
        return any(abs(at - line) <= tolerance for at in (self.lines or (self.line,)))


def depmap(*args: str, root: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "depmap", *args, "--path", str(root), "--format", "json"],
        capture_output=True, text=True, cwd=REPO,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"depmap {' '.join(args)} on {root} failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def found_sites(root: Path, table: str) -> list[Site]:
    """Every site depmap reports for `table`: usages with their statement's lines, definitions, and
    the schema operations of its history (upgrades and downgrades)."""
    sites = []
    names = {table}
    for command in ("who-reads", "who-writes"):
        document = depmap(command, table, root=root)
        names.update(document["query"]["table"])  # `candidacy` is `mart_civics.candidacy` in the graph
        for usage in document["usages"]:
            access = usage["access"] if usage["access"] in ("read", "write") else "schema"
            statement = usage.get("statement") or {}
            sites.append(Site(usage["path"], usage["line"], usage.get("end_line") or usage["line"], access,
                              start=statement.get("line", usage["line"]), lines=tuple(usage.get("lines") or ()),
                              attribute=usage["detail"] == "orm_attribute", called="code" in (usage.get("notes") or {})))
    history = depmap("history", table, root=root)
    for entry in history.get("history", []) + history.get("downgrades", []):
        sites.append(Site(entry["path"], entry["line"], entry.get("end_line") or entry["line"], "schema"))
    graph = depmap("graph", root=root)
    for edge in graph["edges"]:
        target = edge.get("target", "")
        if edge["kind"] == "defines" and any(target == f"table:{name}" or target.startswith(f"column:{name}.") for name in names):
            sites.append(Site(edge["path"], edge["line"], edge["line"], "schema"))
    return sorted(set(sites), key=lambda s: (s.path, s.line, s.access))


def annotated_sites(entries: list[dict]) -> list[Site]:
    return [Site(e["path"], e["line"], e["line"], e["access"], e.get("form", ""), bool(e.get("test"))) for e in entries]


def measure(annotated: list[Site], found: list[Site]) -> dict:
    exactly = [a for a in annotated if any(f.path == a.path and f.names_at(a.line) for f in found)]
    at_line = [a for a in annotated if any(f.path == a.path and f.names_at(a.line, TOLERANCE) for f in found)]
    in_statement = [a for a in annotated if any(f.path == a.path and f.first <= a.line <= f.end_line for f in found)]
    right_access = [a for a in at_line if any(f.path == a.path and f.names_at(a.line, TOLERANCE) and f.access == a.access for f in found)]
    # keys list statements: an attribute read they lack is not a wrong site (it still matches one they hold)
    unmatched = [f for f in found if not f.attribute and not any(a.path == f.path and f.first <= a.line <= f.end_line for a in annotated)]
    missed = [a for a in annotated if a not in in_statement]
    return {
        "annotated": len(annotated),
        "exactly": len(exactly),
        "at_line": len(at_line),
        "in_statement": len(in_statement),
        "right_access": len(right_access),
        "found": len(found),
        "unmatched": [f"{f.path}:{f.line} {f.access}" + (" (through a call)" if f.called else "") for f in unmatched],
        "unmatched_called": sum(f.called for f in unmatched),
        "missed": [f"{a.path}:{a.line} {a.access} ({a.form})" for a in missed],
        "missed_forms": dict(Counter(_form(a.form) for a in missed).most_common()),
    }


def _form(note: str) -> str:
    return note.split(":", 1)[1].strip() if note.startswith("unsure:") else note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=Path, required=True, help="folder of checkouts named <owner>+<name>")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", action="append", default=[], help="measure only this <owner>+<name> (repeatable)")
    args = parser.parse_args()
    report = {}
    for annotation in sorted((HERE / "annotations").glob("*.json")):
        if args.only and annotation.stem not in args.only:
            continue
        data = json.loads(annotation.read_text())
        root = args.repos / annotation.stem
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        if head and head != data["commit"]:
            print(f"warning: {root} is at {head[:12]}, the annotations are of {data['commit'][:12]}", file=sys.stderr)
        for table, entries in data["tables"].items():
            report[f"{data['repo']} {table}"] = measure(annotated_sites(entries), found_sites(root, table))
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print("| repository, table | annotated | exactly at its line | at its line ±2 | in its statement | access right (±2) | depmap sites not annotated (of which calls of project code) |")
    print("|---|---|---|---|---|---|---|")
    totals = Counter()
    for name, row in report.items():
        totals.update({k: row[k] for k in ("annotated", "exactly", "at_line", "in_statement", "right_access")})
        print(f"| {name} | {row['annotated']} | {_share(row['exactly'], row['annotated'])} | {_share(row['at_line'], row['annotated'])} | "
              f"{_share(row['in_statement'], row['annotated'])} | {_share(row['right_access'], row['annotated'])} | {len(row['unmatched'])} ({row['unmatched_called']}) |")
    print(f"| all | {totals['annotated']} | {_share(totals['exactly'], totals['annotated'])} | {_share(totals['at_line'], totals['annotated'])} | "
          f"{_share(totals['in_statement'], totals['annotated'])} | {_share(totals['right_access'], totals['annotated'])} | |")
    if args.show_misses:
        for name, row in report.items():
            print(f"\n## {name}\nmissed by form: {row['missed_forms']}")
            print("missed:\n  " + "\n  ".join(row["missed"]) if row["missed"] else "missed: none")
            print("not annotated:\n  " + "\n  ".join(row["unmatched"]) if row["unmatched"] else "not annotated: none")


def _share(part: int, whole: int) -> str:
    return f"{part} ({part / whole:.0%})" if whole else "0"


if __name__ == "__main__":
    main()
