"""The tree of `depmap/` reads as its architecture, and stays that way: no import circles, each
package imports only what its docstring allows, no module grows past ~600 lines, and the tests
mirror the packages."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "depmap"
TESTS = Path(__file__).resolve().parent
MAX_LINES = 600
# Test folders that mirror no package: whole-program and tool-integration suites.
NOT_MIRRORED = {"e2e", "browser", "ci", "bench", "fuzz"}
# Families that build on another one (see depmap/frameworks/__init__.py).
BUILDS_ON = {("alembic", "sqlalchemy"), ("sql_files", "dbt"), ("sql_in_configs", "sql_in_python")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every depmap module `path` imports, wherever the import statement is (inside functions and
    `if TYPE_CHECKING:` blocks included: a type-only import is still a dependency)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in MODULES)
    return found


IMPORTS = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _importers_of(prefix: str) -> dict[str, set[str]]:
    return {name: {t for t in targets if t == prefix or t.startswith(prefix + ".")} for name, targets in IMPORTS.items()}


def test_no_import_circles():
    graph = nx.DiGraph((source, target) for source, targets in IMPORTS.items() for target in targets)
    circles = sorted(sorted(component) for component in nx.strongly_connected_components(graph) if len(component) > 1)
    assert circles == []


def test_no_module_over_600_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def _allowed(module: str, target: str) -> bool:
    if module.startswith("depmap.python"):
        return target.startswith(("depmap.python", "depmap.model", "depmap.scan_context", "depmap.nesting"))
    if module.startswith("depmap.sql"):
        return target.startswith(("depmap.sql", "depmap.model", "depmap.nesting"))
    if module.startswith("depmap.orm"):
        return target.startswith(("depmap.orm", "depmap.model", "depmap.python", "depmap.scan_context"))
    if module.startswith("depmap.frameworks."):
        parts = module.split(".")
        if len(parts) < 4:  # depmap.frameworks.family and the package docstring
            return target.startswith(("depmap.model", "depmap.python", "depmap.scan_context", "depmap.frameworks.family"))
        family = parts[2]
        if target.startswith("depmap.frameworks."):
            other = target.split(".")[2]
            return other in (family, "family") or (family, other) in BUILDS_ON
        return target.startswith(
            ("depmap.model", "depmap.scan_context", "depmap.discover", "depmap.safe_yaml", "depmap.python", "depmap.sql", "depmap.orm")
        )
    if not module.startswith("depmap.cli") and module != "depmap.__main__":
        return not target.startswith("depmap.cli")
    return True


def test_packages_import_only_what_they_may():
    """python < sql, orm < frameworks < registry < index < impact, render < cli: lower layers never
    reach up, and families stay apart."""
    wrong = sorted((module, target) for module, targets in IMPORTS.items() for target in targets if not _allowed(module, target))
    assert wrong == []


def test_only_the_registry_and_the_index_reach_the_families():
    reaching = {name for name, targets in _importers_of("depmap.frameworks").items() if targets and not name.startswith("depmap.frameworks")}
    assert reaching == {"depmap.registry", "depmap.linking"}  # the linkers alone (a cold scan's main process)
    # and `depmap verify`, which finds the statements of a Python file again, whole, to run them
    assert {name for name, targets in _importers_of("depmap.registry").items() if targets} == {
        "depmap.index.pool", "depmap.verify.statements"}


def test_tests_mirror_the_packages():
    packages = {path.parent.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("__init__.py")} - {"."}
    folders = {
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("*")
        if path.is_dir() and any(path.glob("test_*.py")) and path.relative_to(TESTS).parts[0] not in NOT_MIRRORED
    }
    assert folders - packages == set()


def test_every_package_says_what_it_is_for():
    missing = [name for name, path in MODULES.items() if path.name == "__init__.py" and not ast.get_docstring(ast.parse(path.read_text()))]
    assert missing == []
