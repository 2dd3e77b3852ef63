"""The wheel carries the top-level templates folder and every package of the layout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_templates_and_packages(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-w", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("depmap-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "depmap/templates/graph.dot.j2" in names
    packages = {name.rsplit("/", 1)[0] for name in names if name.endswith("/__init__.py")}
    source_packages = {p.parent.relative_to(REPO).as_posix() for p in (REPO / "depmap").rglob("__init__.py")}
    assert source_packages <= packages
    assert {"depmap/cli/main.py", "depmap/frameworks/django/family.py", "depmap/registry.py"} <= set(names)
