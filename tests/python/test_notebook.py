"""Jupyter notebooks: code cells scanned as Python, `%%sql` cells and `%sql` lines as SQL, every
usage on the notebook file's own line with its cell and the line within the cell."""

from __future__ import annotations

from pathlib import Path

from depmap.registry import scan_notebook_file
from depmap.scan_context import ScanContext

NOTEBOOK = Path(__file__).parent / "fixtures" / "churn.ipynb"


def usages(text: str) -> list[tuple]:
    result = scan_notebook_file("analysis/churn.ipynb", text, ScanContext())
    return sorted(
        (f.location.line, f.extra.get("cell"), f.extra.get("cell_line"), f.table, f.columns, f.access)
        for f in result.facts
        if f.kind == "access"
    )


def test_code_cells_and_sql_cells_at_the_notebook_lines() -> None:
    assert usages(NOTEBOOK.read_text()) == [
        # cell 2: `pd.read_sql(...)` after a `%matplotlib` magic, on the file's line 22
        (22, 2, 6, "orders", ("id", "customer_id", "total", "status"), "read"),
        # cell 3: a %%sql cell, each table at its own line
        (33, 3, 3, "customers", ("id",), "read"),
        (34, 3, 4, "orders", ("customer_id",), "read"),
        # cell 4: a `%sql` line magic after a `!pip` shell line
        (45, 4, 2, "customers", ("churned",), "write"),
        (45, 4, 2, "customers", ("last_order_at",), "read"),
    ]


def test_a_file_that_is_not_a_notebook_is_skipped_with_its_reason() -> None:
    result = scan_notebook_file("broken.ipynb", '{"cells": [', ScanContext())
    assert result.facts == []
    assert [(s.path, s.reason) for s in result.skipped] == [("broken.ipynb", "not a notebook: invalid JSON at line 1")]
