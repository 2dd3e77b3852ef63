"""Every file's raw scan result (before linking), written as one JSON line per file, to compare
two versions of the scanners file by file.

    python benchmarks/same_facts.py DIR OUT.jsonl          # with this checkout's depmap
    PYTHONPATH=OLD_CHECKOUT python benchmarks/same_facts.py DIR BEFORE.jsonl
    cmp BEFORE.jsonl OUT.jsonl

Each file goes through the scanners in this process (`read_and_scan`, as a worker runs it), so a
difference names its file; `cmp` or `diff` of the two outputs shows it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    from depmap.config import load_config
    from depmap.discover import SCANNED_KINDS, discover
    from depmap.index.build import choose_dialect
    from depmap.index.pool import read_and_scan
    from depmap.scan_context import ScanContext, dbt_vars_of

    root, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    config, _ = load_config(root)
    found = discover(root, config)
    sections = (config.python_section_start, config.python_section_end or config.python_section_start) if config.python_section_start else None
    ctx = ScanContext(dialect=choose_dialect(root, found, config).dialect, dbt_vars=dbt_vars_of(root, found.files), python_sections=sections)
    with out.open("w", encoding="utf-8") as lines:
        for file in found.files:
            if file.kind not in SCANNED_KINDS:
                continue
            digest, result, _ = read_and_scan(root, file, "", ctx)
            assert result is not None
            document = {"path": file.path, "facts": [fact.to_json() for fact in result.facts], "skipped": [item.to_json() for item in result.skipped]}
            lines.write(json.dumps(document, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
