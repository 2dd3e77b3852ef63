"""dbt seeds: a CSV file's header, as a symbolic `dbt_seed` fact for `depmap.frameworks.dbt.link`.

`dbt seed` loads a CSV under a project's `seed-paths` as a table named after the file stem, with
the header as its columns. A scanner sees one file and cannot know whether it lies under a seed
path, so every CSV with a header becomes a `dbt_seed` fact; the linker keeps only those inside a
`dbt_project`'s seed paths (a CSV elsewhere in the repository is not a table).

Only the first line matters, yet discovery reads the whole file like any other (and skips files
over `max_file_bytes`): a large seed costs a full read and decode for one line. dbt itself warns
against large seeds, so this is rarely felt.

DBT_SEED — one per CSV with a header line, table "", line 1. extra: name (the file stem), columns
    (header names, stripped, lower case, blanks and repeats dropped), path.
"""

from __future__ import annotations

import csv
from pathlib import PurePosixPath

from depmap.model import Fact, Location, ScanResult
from depmap.scan_context import ScanContext

DBT_SEED = "dbt_seed"


def scan_dbt_seed(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """A CSV file: its name and header as a `dbt_seed` fact; nothing without a header line."""
    first = text.partition("\n")[0].partition("\r")[0]  # not splitlines(): a seed can be long
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:
        return ScanResult()
    columns = list(dict.fromkeys(name.strip().lower() for name in header if name.strip()))
    if not columns:
        return ScanResult()
    extra = {"name": PurePosixPath(path).stem, "columns": columns, "path": path}
    return ScanResult(facts=[Fact(DBT_SEED, "", Location(path, 1, 1), via="dbt", extra=extra)])
