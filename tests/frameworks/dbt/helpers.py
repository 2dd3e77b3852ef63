"""Scan a dbt fixture folder with the dbt scanners only, and link the result."""

from __future__ import annotations

from pathlib import Path

from depmap.discover import FileKind, classify
from depmap.model import Fact, ScanResult
from depmap.frameworks.dbt.link import link_dbt
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.models import scan_dbt_model
from depmap.frameworks.dbt.python_models import DBT_PYTHON_MODELS
from depmap.frameworks.dbt.yaml_files import scan_dbt_project, scan_dbt_yaml
from depmap.python.scanner import scan_python

FIXTURES = Path(__file__).parent / "fixtures"
DBT_SCANNERS = {
    FileKind.DBT_PROJECT: scan_dbt_project, FileKind.YAML: scan_dbt_yaml, FileKind.SQL: scan_dbt_model,
    FileKind.PYTHON: lambda path, text, ctx: scan_python(path, text, ctx, (DBT_PYTHON_MODELS,)),
}  # fmt: skip


def scan_tree(root: Path, ctx: ScanContext = ScanContext()) -> list[Fact]:
    facts: list[Fact] = []
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        scanner = DBT_SCANNERS.get(classify(file.name))
        if scanner is not None:
            result: ScanResult = scanner(file.relative_to(root).as_posix(), file.read_text(), ctx)
            facts.extend(result.facts)
    return facts


def linked(name: str) -> list[Fact]:
    return link_dbt(scan_tree(FIXTURES / name))


def summary(facts: list[Fact], *kinds: str) -> list[tuple]:
    """(kind, table, columns, access, detail, path, line) for the facts of the given kinds, sorted."""
    return sorted(
        (f.kind, f.table, f.columns, f.access, f.detail, f.location.path, f.location.line)
        for f in facts
        if not kinds or f.kind in kinds
    )
