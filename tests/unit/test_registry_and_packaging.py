"""Explicit registries stay complete, and the wheel carries the top-level templates folder."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import depmap.scanners
from depmap.registry import PYTHON_ANALYSES, SCANNERS

REPO = Path(__file__).resolve().parents[2]
# Modules in depmap/scanners that are plumbing, not scanners or analyses.
PLUMBING = {"context", "registry", "python", "python_source", "python_imports"}


def _defines(name: str, prefix: str) -> bool:
    module = importlib.import_module(f"depmap.scanners.{name}")
    return any(
        attr.startswith(prefix) and getattr(value, "__module__", None) == module.__name__
        for attr, value in vars(module).items()
    )


def test_every_scanner_and_python_analysis_is_registered():
    modules = {m.name for m in pkgutil.iter_modules(depmap.scanners.__path__)} - PLUMBING
    analyses = {analysis.analyse.__module__.rsplit(".", 1)[-1] for analysis in PYTHON_ANALYSES}
    assert {name for name in modules if _defines(name, "analyse_")} == analyses
    scanners = {scanner.__module__.rsplit(".", 1)[-1] for scanners in SCANNERS.values() for scanner in scanners}
    assert {name for name in modules if _defines(name, "scan_") and not _defines(name, "analyse_")} | {"python"} == scanners
    assert scanners == {"python", "sql_files", "dbt_models", "dbt_yaml", "dbt_seeds", "config_sql"}


def test_wheel_contains_the_templates(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-w", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("depmap-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "depmap/templates/graph.dot.j2" in names
    assert "depmap/cli.py" in names
