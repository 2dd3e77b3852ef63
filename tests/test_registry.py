"""The registry stays complete: every family package is listed, and every analysis and scanner a
family defines reaches the scan."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import depmap.frameworks
from depmap.frameworks.family import Family
from depmap.python.analysis import PythonAnalysis
from depmap.registry import FAMILIES, FAMILY_LINKERS, LINKERS, PYTHON_ANALYSES, SCANNERS, scan_notebook_file, scan_python_file

# Entry points that run one family's analysis alone (for callers that want only SQL strings).
CONVENIENCE = {"scan_python_sql"}


def _family_modules() -> list:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(depmap.frameworks.__path__, "depmap.frameworks.")
        if not info.ispkg
    ]


def _defined_here(module) -> list[tuple[str, object]]:
    return [(name, value) for name, value in vars(module).items() if getattr(value, "__module__", module.__name__) == module.__name__]


def test_every_family_package_is_registered():
    packages = {info.name for info in pkgutil.iter_modules(depmap.frameworks.__path__) if info.ispkg}
    declared = {}
    for package in packages:
        family_module = importlib.import_module(f"depmap.frameworks.{package}.family")
        families = [value for value in vars(family_module).values() if isinstance(value, Family)]
        assert len(families) == 1, f"depmap/frameworks/{package}/family.py declares {len(families)} families"
        declared[package] = families[0]
    assert sorted(declared.values(), key=FAMILIES.index) == list(FAMILIES)
    assert packages == {"airflow", "alembic", "dbt", "django", "sql_files", "sql_in_configs", "sql_in_python", "sql_routines", "sqlalchemy"}


def test_every_python_analysis_and_scanner_is_registered():
    analyses = {value for module in _family_modules() for value in vars(module).values() if isinstance(value, PythonAnalysis)}
    assert analyses == set(PYTHON_ANALYSES)
    assert len(PYTHON_ANALYSES) == len(set(PYTHON_ANALYSES)) == 11
    scanners = {
        value
        for module in _family_modules()
        for name, value in _defined_here(module)
        if inspect.isfunction(value) and name.startswith("scan_") and name not in CONVENIENCE
    }
    registered = {scanner for functions in SCANNERS.values() for scanner in functions} - {scan_python_file, scan_notebook_file}
    assert scanners == registered
    assert {kind: [f.__name__ for f in functions] for kind, functions in SCANNERS.items()} == {
        "python": ["scan_python_file"],
        "notebook": ["scan_notebook_file"],
        "sql": ["scan_sql_file", "scan_dbt_model", "scan_dbt_macros"],
        "yaml": ["scan_dbt_yaml", "scan_yaml_dags", "scan_config_sql"],
        "json": ["scan_config_sql"],
        "dbt_project": ["scan_dbt_project"],
        "csv": ["scan_dbt_seed"],
    }


def test_linkers_run_once_each_orm_first():
    assert [linker.__name__ for linker in LINKERS] == ["link_orm", "link_routines", "link_dbt", "link_airflow"]


def test_the_linkers_a_scan_runs_are_the_families_linkers():
    """`depmap.linking` lists them again, to be imported without the scanners: the same, in the same order."""
    assert LINKERS == FAMILY_LINKERS


def test_linking_loads_no_scanner():
    """A cold scan's main process links: it must not load the SQL parser, the template engine or any
    family's scanners only to reach the linkers (about 40 MB of its memory)."""
    import subprocess
    import sys

    code = "import sys, depmap.index.build, depmap.index.incremental, depmap.index.packed_rows, depmap.index.relink; print(sorted(m for m in ('sqlglot', 'jinja2', 'depmap.registry', 'depmap.sql.extract') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
