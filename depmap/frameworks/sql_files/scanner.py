"""`.sql` files: every statement, each at its own line. Files under a migrations folder are
marked `via="migration"` so the catalog replays them in order and reports can say so."""

from __future__ import annotations

import re

from depmap.discover import is_migration_path
from depmap.model import ScanResult, sorted_facts
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.models import is_dbt_model
from depmap.sql import analyze_sql, to_facts

_JINJA_MACRO = re.compile(r"\{%-?\s*macro\s+\w+\s*\(")


def scan_sql_file(path: str, text: str, ctx: ScanContext) -> ScanResult:
    if is_dbt_model(text):  # the dbt scanner renders its Jinja first
        return ScanResult()
    if _JINJA_MACRO.search(text):  # a library of Jinja macros (dbt `macros/`): templates, not SQL
        return ScanResult()
    via = "migration" if is_migration_path(path) else "sql"
    results = analyze_sql(text, ctx.dialect)
    return ScanResult(facts=sorted_facts(to_facts(results, path=path, via=via)))
