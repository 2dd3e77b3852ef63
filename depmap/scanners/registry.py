"""Scanner registry: which pure `scan(path, text, ctx) -> ScanResult` functions see which file kind,
and which analyses the Python scanner runs on each parsed file.

Adding an input family is one module and one line here; a test checks every scanner is listed.
"""

from __future__ import annotations

from typing import Callable

from depmap.discover import FileKind
from depmap.model import ScanResult
from depmap.scanners.context import ScanContext
from depmap.scanners.dbt_models import scan_dbt_model
from depmap.scanners.dbt_seeds import scan_dbt_seed
from depmap.scanners.dbt_yaml import scan_dbt_project, scan_dbt_yaml
from depmap.scanners.airflow_dags import AIRFLOW
from depmap.scanners.alembic_migrations import ALEMBIC
from depmap.scanners.config_sql import scan_config_sql
from depmap.scanners.django_migrations import DJANGO_MIGRATIONS
from depmap.scanners.django_models import DJANGO_MODELS
from depmap.scanners.django_queries import DJANGO_QUERIES
from depmap.scanners.python import PythonAnalysis, scan_python
from depmap.scanners.python_sql_strings import SQL_STRINGS
from depmap.scanners.sqlalchemy_models import SQLALCHEMY_MODELS
from depmap.scanners.sqlalchemy_queries import SQLALCHEMY_QUERIES
from depmap.scanners.sql_files import scan_sql_file

Scanner = Callable[[str, str, ScanContext], ScanResult]

PYTHON_ANALYSES: tuple[PythonAnalysis, ...] = (
    SQL_STRINGS,
    ALEMBIC,
    DJANGO_MIGRATIONS,
    DJANGO_MODELS,
    DJANGO_QUERIES,
    SQLALCHEMY_MODELS,
    SQLALCHEMY_QUERIES,
    AIRFLOW,
)

SCANNERS: dict[str, tuple[Scanner, ...]] = {
    FileKind.PYTHON: (scan_python,),
    FileKind.SQL: (scan_sql_file, scan_dbt_model),
    FileKind.YAML: (scan_dbt_yaml, scan_config_sql),
    FileKind.JSON: (scan_config_sql,),
    FileKind.DBT_PROJECT: (scan_dbt_project,),
    FileKind.CSV: (scan_dbt_seed,),
}

__all__ = ["PYTHON_ANALYSES", "SCANNERS", "ScanContext", "Scanner"]
