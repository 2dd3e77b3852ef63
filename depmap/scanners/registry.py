"""Scanner registry: which pure `scan(path, text, ctx) -> ScanResult` functions see which file kind.

Adding an input family is one module and one line here; a test checks every scanner is listed.
"""

from __future__ import annotations

from typing import Callable

from depmap.discover import FileKind
from depmap.model import ScanResult
from depmap.scanners.context import ScanContext
from depmap.scanners.python_sql_strings import scan_python_sql
from depmap.scanners.sql_files import scan_sql_file

Scanner = Callable[[str, str, ScanContext], ScanResult]

SCANNERS: dict[str, tuple[Scanner, ...]] = {
    FileKind.PYTHON: (scan_python_sql,),
    FileKind.SQL: (scan_sql_file,),
}

__all__ = ["SCANNERS", "ScanContext", "Scanner"]
