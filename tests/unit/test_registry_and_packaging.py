"""Explicit registries stay complete, and the wheel carries the top-level templates folder."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import depmap.scanners
from depmap.scanners.registry import SCANNERS

REPO = Path(__file__).resolve().parents[2]
# Modules in depmap/scanners that are plumbing, not scanners.
NOT_SCANNERS = {"context", "registry", "python_source"}


def _defines_a_scanner(name: str) -> bool:
    module = importlib.import_module(f"depmap.scanners.{name}")
    return any(
        attr.startswith("scan_") and getattr(value, "__module__", None) == module.__name__
        for attr, value in vars(module).items()
    )


def test_every_scanner_module_is_registered():
    registered = {scanner.__module__.rsplit(".", 1)[-1] for scanners in SCANNERS.values() for scanner in scanners}
    modules = {m.name for m in pkgutil.iter_modules(depmap.scanners.__path__)} - NOT_SCANNERS
    assert {name for name in modules if _defines_a_scanner(name)} == registered
    assert registered == {"python_sql_strings", "sql_files"}


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
