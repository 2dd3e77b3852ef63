"""SQL kept in YAML and JSON configuration (`sql:`, `query:`, `statement:` values)."""

from __future__ import annotations

from depmap.discover import FileKind
from depmap.frameworks.family import Family
from depmap.frameworks.sql_in_configs.scanner import scan_config_sql

SQL_IN_CONFIGS = Family("sql in configs", files={FileKind.YAML: (scan_config_sql,), FileKind.JSON: (scan_config_sql,)})
