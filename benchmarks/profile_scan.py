"""Where a cold scan spends its time: one process, no cache, cProfile, grouped by phase.

    python benchmarks/profile_scan.py --path DIR [--top 25]

Phases (cumulative seconds of these functions; nested calls are not double-counted between
phases because the phases do not nest): reading and discovery, the `ast` parse, SQL analysis with
sqlglot, linking plus the graph, and each Python analysis (SQL analysis of the strings it finds
included). The --top functions by own time follow.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

PHASES = {
    "discover": [("depmap/discover.py", "discover")],
    "ast parse": [("depmap/python/scanner.py", "_parse_tree")],
    "SQL analysis (sqlglot)": [("depmap/sql/extract.py", "analyze_sql")],
    "link + graph": [("depmap/registry.py", "link_facts"), ("depmap/catalog.py", "from_facts"),
                     ("depmap/index/attribution.py", "settle_candidates"), ("depmap/graph.py", "__init__")],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", required=True, type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()

    from depmap.index.build import build_index
    from depmap.registry import PYTHON_ANALYSES

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    index = build_index(args.path, jobs=1, use_cache=False, debug=True)  # debug: scan in this process, where the profiler is
    profile.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profile)
    cumulative = {(file, name): row[3] for (file, _, name), row in stats.stats.items()}  # type: ignore[attr-defined]

    def seconds(functions: list[tuple[str, str]]) -> float:
        return sum(t for (file, fn), t in cumulative.items() for path_end, name in functions if fn == name and file.endswith(path_end))

    print(f"{args.path}: {index.files_scanned} files, wall {wall:.1f} s under the profiler (one process)")
    rows = [(phase, seconds(where)) for phase, where in PHASES.items()]
    for analysis in PYTHON_ANALYSES:
        code = analysis.analyse.__code__
        rows.append((f"analysis: {analysis.name}",
                     sum(t for (file, fn), t in cumulative.items() if fn == code.co_name and file == code.co_filename)))
    total = sum(t for phase, t in rows if not phase.startswith("analysis"))
    scanned = seconds([("depmap/index/pool.py", "scan_text")])
    print(f"  {'scan: every scanner (the parse, SQL, analyses inside)':<55} {scanned:7.2f} s  {100 * scanned / wall:5.1f}%")
    for phase, t in rows:
        print(f"  {phase:<55} {t:7.2f} s  {100 * t / wall:5.1f}%")
    print(f"  {'discover + parse + SQL + link':<55} {total:7.2f} s")
    print(f"\nTop {args.top} functions by own time:")
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
