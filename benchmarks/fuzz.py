"""Fuzz depmap by hand: thousands of mutated sample trees through the command line, with a summary.

    python benchmarks/fuzz.py --seed 1 --cases 10000 --jobs 2 [--minutes 20] [--out DIR]

The same cases and checks as tests/fuzz (see tests/fuzz/harness.py for what is checked and why),
many more of them: `--cases` mutations, `--per-tree` to a tree, every tree run through `scan`,
`who-reads`, `who-writes` and one more command in turn (`--all-commands`: all eight), `--jobs`
trees at a time. `--minutes` stops planning new trees after that long.

The summary (printed, and written to DIR/summary.md and DIR/summary.json) gives the cases run, the
exit-code histogram, signals, tracebacks, internal errors, hangs, dropped files, changed untouched
answers, peak RSS, the slowest runs, and each failure grouped by cause with the single case that
reproduces it alone and a reproducer folder (DIR/failures/NN-kind/: the tree, repro.sh,
failure.json), at most `--keep` per cause. DIR defaults to a folder under the system's temporary
directory: never commit it.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fuzz.cases import SAMPLES, plan  # noqa: E402
from tests.fuzz.known_defects import KNOWN_DEFECTS  # noqa: E402
from tests.fuzz.harness import ALL_COMMANDS, Limits, TreeResult, baseline, minimise, run_tree, save_reproducer  # noqa: E402

OTHER = ("tables", "downstream", "graph", "impact", "check")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--per-tree", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=0, help="stop starting trees after this long (0: no bound)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per command before it counts as a hang")
    parser.add_argument("--memory-mib", type=int, default=1536, help="address-space limit per depmap process")
    parser.add_argument("--rss-mib", type=int, default=1024, help="peak RSS above which a run fails")
    parser.add_argument("--all-commands", action="store_true")
    parser.add_argument("--with-known", action="store_true", help="also draw the cases of tests/fuzz/known_defects.py")
    parser.add_argument("--keep", type=int, default=3, help="reproducers kept per cause")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    out = args.out or Path(tempfile.gettempdir()) / f"depmap-fuzz-seed{args.seed}"
    shutil.rmtree(out, ignore_errors=True)
    work = out / "work"
    work.mkdir(parents=True)
    limits = Limits(seconds=args.timeout, address_space=args.memory_mib << 20, peak_rss_kb=args.rss_mib << 10)
    exclude = frozenset() if args.with_known else frozenset(KNOWN_DEFECTS)
    trees = plan(args.seed, -(-args.cases // args.per_tree), args.per_tree, exclude)
    for sample in SAMPLES.values():
        baseline(sample, work, limits)

    started = time.perf_counter()
    deadline = started + args.minutes * 60 if args.minutes else None
    results: list[TreeResult] = []
    harness_errors: list[str] = []
    with ThreadPoolExecutor(args.jobs) as pool:
        pending = set()
        queue = iter(enumerate(trees))
        while True:
            while len(pending) < args.jobs * 2 and (deadline is None or time.perf_counter() < deadline):
                item = next(queue, None)
                if item is None:
                    break
                i, (sample, cases, leaf_only) = item
                commands = ALL_COMMANDS if args.all_commands else ("scan", "who-reads", "who-writes", OTHER[i % len(OTHER)])
                pending.add(pool.submit(run_tree, SAMPLES[sample], cases, commands, work, f"t{i:05d}", limits, leaf_only=leaf_only))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    results.append(future.result())
                except Exception as error:  # noqa: BLE001  a harness bug building one tree: say so, go on
                    harness_errors.append(f"{type(error).__name__}: {error}")
                    print(f"harness error (not depmap's): {type(error).__name__}: {error}", file=sys.stderr, flush=True)
                    continue
                if len(results) % 50 == 0:
                    failing = sum(1 for r in results if r.failures)
                    print(f"{len(results)} trees, {sum(len(r.cases) for r in results)} cases, {failing} failing, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    summary = summarise(results, elapsed, args, out, work, limits)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    text = render(summary)
    (out / "summary.md").write_text(text)
    print(text)
    shutil.rmtree(work, ignore_errors=True)


def summarise(results: list[TreeResult], elapsed: float, args: argparse.Namespace, out: Path, work: Path, limits: Limits) -> dict:
    runs = [run for result in results for run in result.runs]
    exits = collections.Counter(
        "timeout" if r.timed_out else (f"signal {-r.code}" if r.code is not None and r.code < 0 else str(r.code)) for r in runs
    )
    kinds = collections.Counter(f.kind for r in results for f in r.failures)
    groups: dict[str, list[tuple[TreeResult, object]]] = collections.defaultdict(list)
    for result in results:
        for failure in result.failures:
            groups[failure.signature()].append((result, failure))
    causes = []
    for n, (signature, items) in enumerate(sorted(groups.items(), key=lambda kv: -len(kv[1]))):
        first_result, first = items[0]
        culprit = minimise(first_result, first, work, limits)
        kept = []
        for k, (result, failure) in enumerate(items[: args.keep]):
            folder = out / "failures" / f"{n:02d}-{failure.kind}" / f"{k}"
            kept.append(str(save_reproducer(result if k else _with_cases(result, culprit), failure, folder, work, limits)))
        causes.append({
            "signature": signature,
            "commands": sorted({f.command for _, f in items}),
            "count": len(items),
            "trees": len({id(r) for r, _ in items}),
            "culprit_cases": culprit,
            "detail": first.detail,
            "reproducers": kept,
        })
    slowest = sorted(((run.seconds, run.command, result.sample, result.cases) for result in results for run in result.runs), key=lambda s: -s[0])[:10]
    peak = max(((run.peak_rss_kb, run.command, result.sample, result.cases) for result in results for run in result.runs), default=(0, "", "", []))
    return {
        "seed": args.seed,
        "excluded_cases": [] if args.with_known else sorted(KNOWN_DEFECTS),
        "cases": sum(len(r.cases) for r in results),
        "trees": len(results),
        "runs": len(runs),
        "seconds": round(elapsed, 1),
        "jobs": args.jobs,
        "timeout_seconds": limits.seconds,
        "memory_limit_mib": limits.address_space >> 20,
        "exit_codes": dict(sorted(exits.items())),
        "failures_by_kind": dict(sorted(kinds.items())),
        "failing_trees": sum(1 for r in results if r.failures),
        "isolated_trees_compared": sum(1 for r in results if r.isolated),
        "case_counts": dict(sorted(collections.Counter(name for r in results for name, _ in r.cases).items())),
        "peak_rss_mib": round(peak[0] / 1024, 1),
        "peak_rss_run": {"command": peak[1], "sample": peak[2], "cases": peak[3]},
        "median_run_seconds": round(sorted(r.seconds for r in runs)[len(runs) // 2], 2) if runs else 0,
        "slowest": [{"seconds": round(s, 1), "command": c, "sample": sample, "cases": cases} for s, c, sample, cases in slowest],
        "causes": causes,
        "out": str(out),
    }


def _with_cases(result: TreeResult, cases: list) -> TreeResult:
    """The tree reduced to the culprit cases, for the first reproducer of a cause."""
    return TreeResult(result.sample, cases, result.touched, result.isolated, result.leaf_only, result.runs, result.failures)


def render(s: dict) -> str:
    lines = [
        f"# depmap fuzz: seed {s['seed']}",
        "",
        f"- {s['cases']} cases in {s['trees']} trees, {s['runs']} depmap runs, {s['seconds']} s on {s['jobs']} jobs "
        f"(timeout {s['timeout_seconds']:.0f} s, address space {s['memory_limit_mib']} MiB per process)",
        f"- exit codes: {', '.join(f'{k}: {v}' for k, v in s['exit_codes'].items())}",
        f"- failures by kind: {', '.join(f'{k}: {v}' for k, v in s['failures_by_kind'].items()) or 'none'}"
        f" ({s['failing_trees']} failing trees)",
        f"- cases left out (known defects, tests/fuzz/known_defects.py): {', '.join(s['excluded_cases']) or 'none'}",
        f"- untouched answers compared on {s['isolated_trees_compared']} isolated trees",
        f"- peak RSS {s['peak_rss_mib']} MiB ({s['peak_rss_run']['command']} on {s['peak_rss_run']['sample']}); median run {s['median_run_seconds']} s",
        "",
        "## Slowest runs",
        "",
    ]
    lines += [f"- {x['seconds']} s `{x['command']}` on {x['sample']}: {', '.join(n for n, _ in x['cases'])}" for x in s["slowest"]]
    lines += ["", "## Failures by cause", ""]
    for c in s["causes"]:
        culprit = ", ".join(f"{n} (seed {seed})" for n, seed in c["culprit_cases"])
        lines.append(f"- **{c['signature']}** ×{c['count']} in {c['trees']} trees ({', '.join(c['commands'])}); culprit: {culprit}")
        lines.append(f"  - {c['detail'][:300]}")
        lines.append(f"  - reproducer: {c['reproducers'][0]}/repro.sh")
    if not s["causes"]:
        lines.append("none")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
