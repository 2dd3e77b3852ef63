"""`.sql` files: scripts, views and plain-SQL migrations, every statement at its own line."""

from __future__ import annotations

from depmap.discover import FileKind
from depmap.frameworks.family import Family
from depmap.frameworks.sql_files.scanner import scan_sql_file

SQL_FILES = Family("sql files", files={FileKind.SQL: (scan_sql_file,)})
