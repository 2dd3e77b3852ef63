"""Run the same ADD COLUMN migrations through squawk and `depmap check`, side by side.

Each migration in cases/ is added, one at a time, as the next migration of a copy of the bundled
shop sample (samples/shop_sql: the tables it alters have real readers and writers), committed on a
branch, and checked with `depmap check --diff main --format json` and `squawk --reporter json`.
The Markdown table it prints is docs/squawk-comparison.md's.

    python benchmarks/squawk/compare.py --squawk /path/to/squawk [--pg-version 16]

squawk is not a dependency: install it apart (`pip install squawk-cli`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[1] / "samples" / "shop_sql"
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "init.defaultBranch=main"]


def squawk_rules(squawk: str, migration: Path, pg_version: str) -> list[str]:
    done = subprocess.run([squawk, "--reporter", "json", "--pg-version", pg_version, str(migration)],
                          capture_output=True, text=True)
    try:
        found = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        return [f"(squawk failed: {done.stderr.strip()[:80]})"]
    return sorted({item.get("rule_name") or item.get("rule") or "?" for item in found})


def depmap_rules(project: Path, name: str, text: str, server_version: str) -> tuple[list[str], str]:
    target = project / "migrations" / f"0006_{name}"
    subprocess.run([*GIT, "checkout", "-q", "-B", f"case-{name}", "main"], cwd=project, check=True)
    target.write_text(text, encoding="utf-8")
    subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
    subprocess.run([*GIT, "commit", "-qm", name], cwd=project, check=True)
    done = subprocess.run([sys.executable, "-m", "depmap", "check", "--diff", "main", "--format", "json", "--no-cache",
                           "--server-version", server_version, "--fail-on", "never"], cwd=project, capture_output=True, text=True)
    document = json.loads(done.stdout)
    rules = sorted({f"{f['rule']} ({f['severity']})" for f in document["findings"]})
    return rules, document["verdict"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--squawk", default=shutil.which("squawk"))
    parser.add_argument("--pg-version", default="16")
    args = parser.parse_args()
    if not args.squawk:
        sys.exit("squawk not found: pip install squawk-cli, or pass --squawk PATH")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "shop"
        shutil.copytree(SAMPLE, project)
        subprocess.run([*GIT, "init", "-q"], cwd=project, check=True)
        subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
        subprocess.run([*GIT, "commit", "-qm", "sample"], cwd=project, check=True)
        print("| migration | squawk | depmap check | depmap verdict |")
        print("|---|---|---|---|")
        for case in sorted((HERE / "cases").glob("*.sql")):
            text = case.read_text(encoding="utf-8")
            squawk = squawk_rules(args.squawk, case, args.pg_version)
            depmap, verdict = depmap_rules(project, case.name, text, args.pg_version)
            print(f"| `{case.stem}` | {', '.join(squawk) or '—'} | {', '.join(depmap) or '—'} | {verdict} |")


if __name__ == "__main__":
    main()
