"""Today's findings, accepted once, so that `check` and `impact` report only new ones.

A team adopting depmap on a large project starts with every `SELECT *`, positional INSERT and
`fields = "__all__"` it has ever written. `depmap baseline` records the standing findings, the
ones about the code that any new column of a table would raise (the rules that judge the code
reading and writing the table, not the new column's own DDL), for every table the catalog knows,
in `.depmap-baseline.json` at the project root. Each is keyed by (rule, path, statement text with
its whitespace and case normalised), not by line: editing above a site keeps it baselined;
changing the statement itself makes it new again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from depmap.impact.finding import Finding

BASELINE_FILE = ".depmap-baseline.json"
BASELINE_VERSION = 1
# Rules about the proposed column's own DDL or name: nothing the existing code could be excused for.
DDL_RULES = frozenset(
    {"column-exists", "not-null-without-default", "table-rewrite", "lock-timeout", "reserved-word", "name-shadows-attribute", "orm-model-missing-field", "contract-break"}
)
_SPACE = re.compile(r"\s+")

Key = tuple[str, str, str]


def baseline_key(finding: Finding) -> Key:
    return (finding.rule, finding.location.path, _SPACE.sub(" ", finding.snippet).strip().lower())


def write_baseline(root: Path, findings: Iterable[Finding], version: str) -> int:
    keys = sorted({baseline_key(f) for f in findings if f.rule not in DDL_RULES and f.location.path})
    document = {
        "version": BASELINE_VERSION,
        "written_by": f"depmap {version}",
        "findings": [{"rule": rule, "path": path, "statement": statement} for rule, path, statement in keys],
    }
    (root / BASELINE_FILE).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(keys)


def load_baseline(root: Path) -> set[Key] | None:
    """The baselined keys, None without a baseline; raises ValueError for a file that is not one."""
    path = root / BASELINE_FILE
    if not path.is_file():
        return None
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return {(item["rule"], item["path"], item["statement"]) for item in data["findings"]}
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{BASELINE_FILE} is not a depmap baseline ({error}); write it again with `depmap baseline`") from None


def apply_baseline(reports: list[Any], keys: set[Key]) -> None:
    """Move every baselined finding out of `findings` (in place), counting them in `baselined`."""
    for report in reports:
        kept = [f for f in report.findings if baseline_key(f) not in keys]
        report.baselined += len(report.findings) - len(kept)
        report.findings = kept
