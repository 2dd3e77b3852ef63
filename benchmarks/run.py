"""Time depmap the way a user runs it: cold, warm, one file changed, a query; peak memory; the
phase breakdown; and the ratio to bare `ast.parse` over the same files.

    python benchmarks/run.py --path DIR [--path DIR...] [--jobs N] [--query TABLE.COLUMN]
    python benchmarks/run.py --generate 10000,100000,1000000 [--seed 7]
    options: --repeat N (median of N, default 3), --json FILE (raw numbers), --keep (generated repos)

Every depmap command runs as the installed console script (next to this interpreter) in a fresh
process, under a wrapper that measures its wall time and peak RSS. A checkout given with --path
is left as found (the file edited for the "one changed" run gets its bytes and modification time
back at the end), except that `<DIR>/.depmap/`, depmap's cache, is deleted before every cold run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import CommandFailed, Inventory, Run, ast_baseline, inventory, measure  # noqa: E402

NEW_COLUMN = "bench_note"  # the column the impact query proposes; must not exist yet
MODEL_MARKERS = ("(models.Model)", "__tablename__", "(TimeStampedModel)", "(db.Model)")


@dataclass(frozen=True)
class Cli:
    """The depmap under test and what its commands accept."""

    command: tuple[str, ...]
    version: str
    scan_path_option: bool  # `scan --path DIR` (else `scan DIR`)
    jobs: bool  # `scan --jobs N`

    @classmethod
    def find(cls, explicit: str | None) -> Cli:
        script = Path(explicit) if explicit else Path(sys.executable).with_name("depmap")
        if not script.exists():
            raise SystemExit(f"run.py: no depmap at {script}; install it in this environment (pip install -e .) or pass --depmap")
        command = (str(script),)
        help_text = _output([*command, "scan", "--help"])
        version = _output([*command, "--version"]).strip().split()[-1]
        return cls(command, version, "--path" in help_text, "--jobs" in help_text)

    def scan(self, root: Path, *extra: str) -> list[str]:
        where = ["--path", str(root)] if self.scan_path_option else [str(root)]
        return [*self.command, "scan", *where, "--format", "json", *extra]


def _output(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, env={**os.environ, "NO_COLOR": "1"}).stdout


def parse_sizes(text: str) -> list[int]:
    """`10000,100k,1M` -> [10000, 100000, 1000000]."""
    sizes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1].lower(), 1)
        number = part[:-1] if scale > 1 else part
        if not number.isdigit() or int(number) == 0:
            raise argparse.ArgumentTypeError(f"not a size: {part!r} (write 10000, 100k or 1M)")
        sizes.append(int(number) * scale)
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def size_label(lines: int) -> str:
    if lines >= 1_000_000 and lines % 1_000_000 == 0:
        return f"{lines // 1_000_000}M"
    if lines >= 1_000 and lines % 1_000 == 0:
        return f"{lines // 1_000}k"
    return str(lines)


def model_file(files: list[Path]) -> Path | None:
    """The first Python file (by path) that defines an ORM model: what the "one changed" run edits."""
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if any(marker in text for marker in MODEL_MARKERS):
            return path
    return files[0] if files else None


def pick_query(cli: Cli, root: Path, timeout: float | None) -> str:
    """A real table: the one defined in most places (a hot, shared table), then the widest."""
    tables = measure([*cli.command, "tables", str(root), "--format", "json"], timeout=timeout).json()["tables"]
    if not tables:
        raise SystemExit(f"run.py: depmap found no tables under {root}; pass --query TABLE.COLUMN")
    plain = [t for t in tables if "." not in t["name"]] or tables
    best = min(plain, key=lambda t: (-len(t.get("defined_at", [])), -len(t.get("columns", [])), t["name"]))
    return f"{best['name']}.{NEW_COLUMN}"


def age(root: Path, seconds: int = 3600) -> None:
    """Date a freshly generated tree an hour back, like a checkout that did not just happen:
    depmap's cache does not trust modification times from the last moments before a scan."""
    for path in root.rglob("*"):
        if path.is_file():
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


def bench_repo(cli: Cli, label: str, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement on one repository, `args.repeat` times; medians and raw numbers."""
    root = root.resolve()
    files: Inventory = inventory(root)
    touched = model_file(files.python)
    original = (touched.read_bytes(), touched.stat()) if touched else None
    runs: dict[str, list[Run]] = {}
    phases: dict[str, list[dict[str, float]]] = {}
    ast_runs = []
    query = args.query
    summary: dict[str, Any] = {}
    counts = sorted({1, args.jobs}) if cli.jobs and not args.no_jobs_runs else []
    variants = [(f"cold --jobs {n}", ["--jobs", str(n)]) for n in counts]

    def scan(name: str, *, cold: bool, extra: tuple[str, ...] | list[str] = ()) -> None:
        nonlocal summary
        if cold:
            shutil.rmtree(root / ".depmap", ignore_errors=True)
        run = measure(cli.scan(root, *extra), timeout=args.timeout)
        summary = run.json()
        runs.setdefault(name, []).append(run)
        phases.setdefault(name, []).append(summary.get("seconds", {}))

    try:
        for number in range(args.repeat):
            ast_runs.append(ast_baseline(files.python))
            scan("cold", cold=True)
            scan("warm", cold=False)
            if query is None:
                query = pick_query(cli, root, args.timeout)
            if touched is not None:
                with touched.open("ab") as handle:
                    handle.write(f"# benchmark edit {number + 1}\n".encode())
                scan("one changed", cold=False)
            impact = [*cli.command, "impact", query, "--type", "text", "--format", "json", "--path", str(root)]
            runs.setdefault("query", []).append(measure(impact, timeout=args.timeout))
            for name, extra in variants:
                scan(name, cold=True, extra=extra)
    finally:
        if touched is not None and original is not None:
            touched.write_bytes(original[0])
            os.utime(touched, ns=(original[1].st_atime_ns, original[1].st_mtime_ns))
    median = {name: _median_run(items) for name, items in runs.items()}
    ast_seconds = statistics.median(a.seconds for a in ast_runs)
    py_lines = files.python_lines
    cold = median["cold"]["wall"]
    return {
        "label": label,
        "path": str(root),
        "files_listed_by": files.source,
        "files_scanned": summary.get("files_scanned"),
        "skipped": len(summary.get("skipped", [])),
        "tables": summary.get("tables"),
        "py_files": len(files.python),
        "py_lines": py_lines,
        "all_lines": files.all_lines,
        "ast_parse_seconds": ast_seconds,
        "ast_parse_failed": ast_runs[0].failed,
        "query": query,
        "touched": str(touched.relative_to(root)) if touched else None,
        "cold_per_100k_py_lines": cold * 100_000 / py_lines if py_lines else None,
        "cold_over_ast": cold / ast_seconds if ast_seconds else None,
        "peak_rss_mb": max(m["maxrss_mb"] for m in median.values()),
        "median": median,
        "phases": {name: _median_phases(items) for name, items in phases.items()},
        "runs": {name: [r.record() for r in items] for name, items in runs.items()},
        "ast_runs": [asdict(a) for a in ast_runs],
    }


def _median_run(items: list[Run]) -> dict[str, float]:
    return {key: statistics.median(getattr(r, key) for r in items) for key in ("wall", "maxrss_mb", "user", "sys")}


def _median_phases(items: list[dict[str, float]]) -> dict[str, float]:
    names = list(dict.fromkeys(name for item in items for name in item))
    return {name: statistics.median(item.get(name, 0.0) for item in items) for name in names}


def print_tables(results: list[dict[str, Any]], cli: Cli, args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 250)
    table = Table(title=f"depmap {cli.version} — median of {args.repeat} (wall seconds)")
    columns = ["size", "py lines", "all lines", "files", "ast.parse s", "cold s", "s / 100k py lines", "cold / ast", "warm s", "one changed s", "query s"]
    jobs = [name for name in results[0]["median"] if name.startswith("cold --jobs")] if results else []
    columns += [f"{name.removeprefix('cold ')} s" for name in jobs] + ["peak RSS MB"]
    for name in columns:
        table.add_column(name, justify="left" if name == "size" else "right")
    for r in results:
        m = r["median"]
        row = [
            r["label"], f"{r['py_lines']:,}", f"{r['all_lines']:,}", f"{r['files_scanned']:,}", f"{r['ast_parse_seconds']:.2f}", f"{m['cold']['wall']:.2f}",
            _num(r["cold_per_100k_py_lines"]), _num(r["cold_over_ast"], "×"), f"{m['warm']['wall']:.2f}",
            f"{m['one changed']['wall']:.2f}" if "one changed" in m else "–", f"{m['query']['wall']:.2f}",
        ]
        row += [f"{m[name]['wall']:.2f}" for name in jobs] + [f"{r['peak_rss_mb']:.0f}"]
        table.add_row(*row)
    console.print(table)
    phase_names = list(dict.fromkeys(p for r in results for run in r["phases"].values() for p in run))
    breakdown = Table(title="phases reported by `depmap scan --format json` (seconds, median)")
    breakdown.add_column("size")
    breakdown.add_column("run")
    for name in phase_names:
        breakdown.add_column(name, justify="right")
    breakdown.add_column("wall", justify="right")
    breakdown.add_column("RSS MB", justify="right")
    for r in results:
        for run, values in r["phases"].items():
            cells = [f"{values[p]:.2f}" if p in values else "–" for p in phase_names]
            median = r["median"][run]
            breakdown.add_row(r["label"], run, *cells, f"{median['wall']:.2f}", f"{median['maxrss_mb']:.0f}")
    console.print(breakdown)
    for r in results:
        notes = [f"query {r['query']}", f"edited {r['touched']}", f"files listed by {r['files_listed_by']}"]
        if r["ast_parse_failed"]:
            notes.append(f"{r['ast_parse_failed']} files ast.parse rejects")
        if r["skipped"]:
            notes.append(f"{r['skipped']} files skipped by depmap")
        console.print(f"{r['label']}: {', '.join(notes)}", highlight=False)
    if not cli.jobs:
        console.print("`depmap scan` has no --jobs option: the --jobs 1 / --jobs N columns are left out.", highlight=False)


def _num(value: float | None, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.2f}{suffix}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, action="append", default=[], help="a checkout to measure (repeatable)")
    parser.add_argument("--generate", type=parse_sizes, help="generate repositories of these sizes (lines), e.g. 10000,100k,1M")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated repositories (default: 7)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N of the `--jobs N` run (default: all cores)")
    parser.add_argument("--no-jobs-runs", action="store_true", help="skip the extra cold runs with --jobs 1 and --jobs N (large repositories)")
    parser.add_argument("--query", help="TABLE.COLUMN for the impact query (default: a real table, column bench_note)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default: 3)")
    parser.add_argument("--json", type=Path, help="write the raw numbers to this file")
    parser.add_argument("--depmap", help="the depmap executable (default: the one next to this Python)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before one command is abandoned (default: 3600)")
    parser.add_argument("--keep", action="store_true", help="keep the generated repositories (their paths are printed)")
    args = parser.parse_args(argv)
    if not args.path and not args.generate:
        parser.error("give --path DIR or --generate SIZES")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    for path in args.path:
        if not path.is_dir():
            parser.error(f"--path {path} is not a folder")
    cli = Cli.find(args.depmap)
    results: list[dict[str, Any]] = []
    scratch = Path(tempfile.mkdtemp(prefix="depmap-bench-")) if args.generate else None
    try:
        for path in args.path:
            results.append(bench_repo(cli, path.resolve().name, path, args))
        for lines in args.generate or []:
            from generate import generate

            target = scratch / size_label(lines)
            info = generate(lines, target, args.seed)
            age(target)
            print(f"generated {size_label(lines)}: {info['files']} files, {info['lines']} lines in {target}", file=sys.stderr)
            result = bench_repo(cli, size_label(lines), target, args)
            result["generated"] = {"lines_requested": lines, "seed": args.seed, "lines": info["lines"], "files": info["files"]}
            results.append(result)
    except CommandFailed as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 1
    finally:
        if scratch is not None and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print_tables(results, cli, args)
    if args.json:
        import json

        document = {
            "depmap": cli.version,
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "jobs_option": cli.jobs,
            "repeat": args.repeat,
            "command": ["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])],
            "results": results,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
