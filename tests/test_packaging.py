"""The wheel carries the top-level templates folder, every package of the layout, and the JSON
Schema files of the JSON contract (`depmap schema --path` points at them once installed)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-w", str(folder), "-q"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (built,) = folder.glob("depmap_sql-*.whl")
    return built


def test_wheel_contains_the_templates_and_packages(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "depmap/templates/graph.dot.j2" in names
    packages = {name.rsplit("/", 1)[0] for name in names if name.endswith("/__init__.py")}
    source_packages = {p.parent.relative_to(REPO).as_posix() for p in (REPO / "depmap").rglob("__init__.py")}
    assert source_packages <= packages
    assert {"depmap/cli/main.py", "depmap/frameworks/django/family.py", "depmap/registry.py"} <= set(names)


def test_wheel_contains_every_schema_file_as_it_is(wheel):
    archive = zipfile.ZipFile(wheel)
    shipped = sorted(name for name in archive.namelist() if name.startswith("depmap/schemas/") and name.endswith(".json"))
    assert shipped == sorted(f"depmap/schemas/{path.name}" for path in (REPO / "depmap" / "schemas").glob("*.schema.json"))
    assert len(shipped) == 10  # the shared definitions and one schema per document
    assert all(archive.read(name) == (REPO / name).read_bytes() for name in shipped)


def test_the_installed_wheel_finds_its_schemas(wheel, tmp_path):
    """Installed (not run from the source tree), the schemas are read from the package's folder."""
    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site), str(wheel)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    script = "import depmap.schemas as s; print(s.FOLDER); print(sorted(s.bundle_all()['$defs'])[:3])"
    done = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {script}"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(site / "depmap" / "schemas"), "['access', 'check', 'code_node']"]


def test_the_distribution_has_a_name_of_its_own(wheel):
    """PyPI's `depmap` is an unrelated project: ours is `depmap-sql`, its import package and its
    command `depmap`."""
    archive = zipfile.ZipFile(wheel)
    metadata = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    assert "\nName: depmap-sql\n" in metadata
    entry_points = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "depmap = depmap.cli.main:main" in entry_points
