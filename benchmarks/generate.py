"""Write a realistic synthetic repository of a given size, the same bytes for the same seed.

    python benchmarks/generate.py --lines 100000 --out /tmp/bench100k [--seed 7] [--manifest FILE]

The repository mixes the layers depmap reads (Django apps, SQLAlchemy services, raw SQL modules,
SQL migrations, a dbt project, Airflow DAGs) with about as much plain application code that
touches no database, over one shared schema, so that every benchmark run measures the same code.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth.build import build  # noqa: E402
from synth.repo import KINDS, Repo  # noqa: E402


def write(repo: Repo, out: Path) -> None:
    """Write every file under `out`, which must be missing or empty."""
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"generate.py: {out} is not empty; pass a new folder")
    made: set[Path] = set()
    for path in sorted(repo.files):
        target = out / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(repo.files[path][1], encoding="utf-8")


def manifest(repo: Repo, lines: int, seed: int) -> dict[str, Any]:
    """What was generated: sizes by layer and every table with its columns."""
    return {
        "seed": seed,
        "lines_requested": lines,
        "files": len(repo.files),
        "lines": repo.total_lines,
        "lines_by_kind": {k: repo.lines[k] for k in KINDS},
        "files_by_kind": dict(sorted(Counter(kind for kind, _ in repo.files.values()).items())),
        "python_files": sum(1 for p, (_, text) in repo.files.items() if p.endswith(".py") and text),
        "plain_python_files": sum(1 for p, (k, text) in repo.files.items() if p.endswith(".py") and text and k == "plain"),
        "tables": [
            {"name": t.name, "layer": t.layer, "owner": t.owner, "columns": t.names()}
            for t in sorted(repo.tables, key=lambda t: t.name)
        ],
        "views": sorted(repo.views),
        "dbt_models": sorted(repo.state.get("dbt_models", [])),
    }


def summary(info: dict[str, Any], out: Path, seconds: float) -> str:
    """Files and lines by layer, tables by layer, and the share of Python files with no database."""
    rows = [f"{out}: {info['files']} files, {info['lines']} lines (asked for {info['lines_requested']}, seed {info['seed']}) in {seconds:.1f} s"]
    for kind in KINDS:
        lines = info["lines_by_kind"][kind]
        share = 100 * lines / max(info["lines"], 1)
        rows.append(f"  {kind:<15} {info['files_by_kind'].get(kind, 0):>6} files {lines:>9} lines {share:5.1f} %")
    layers = Counter(t["layer"] for t in info["tables"])
    rows.append(
        f"  tables: {len(info['tables'])} ({', '.join(f'{n} {k}' for k, n in sorted(layers.items()))}), views: {len(info['views'])}"
    )
    plain = info["plain_python_files"]
    rows.append(f"  non-empty python files: {info['python_files']}, touching no database: {plain} ({100 * plain / max(info['python_files'], 1):.0f} %)")
    return "\n".join(rows)


def generate(lines: int, out: Path, seed: int = 7) -> dict[str, Any]:
    """Build and write a repository; returns its manifest."""
    repo = build(lines, seed)
    write(repo, out)
    return manifest(repo, lines, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, required=True, help="about how many lines to write (all files)")
    parser.add_argument("--out", type=Path, required=True, help="a new or empty folder")
    parser.add_argument("--seed", type=int, default=7, help="same seed, same repository (default: 7)")
    parser.add_argument("--manifest", type=Path, help="also write the tables and sizes as JSON to this file")
    args = parser.parse_args(argv)
    if args.lines < 1:
        parser.error("--lines must be positive")
    started = time.perf_counter()
    info = generate(args.lines, args.out, args.seed)
    if args.manifest:
        args.manifest.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(summary(info, args.out, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
