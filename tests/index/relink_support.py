"""A project's raw facts file by file, edits, and the check every relink test makes: relinking
only what changed gives, file by file and in order, what linking every file gives."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from depmap.catalog import Catalog
from depmap.config import load_config
from depmap.discover import SCANNED_KINDS, discover
from depmap.index.attribution import settle_candidates
from depmap.index.build import choose_dialect
from depmap.index.model_scope import Scope
from depmap.index.pool import read_and_scan
from depmap.index.relink import Change, Relinked, project_level, relink
from depmap.mentions.words import file_words
from depmap.model import Fact, sorted_facts
from depmap.registry import link_facts
from depmap.scan_context import ScanContext, dbt_vars_of

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@dataclass
class Project:
    """Every scanned file's raw facts, in discovery order, kept up to date file by file."""

    root: Path
    order: list[str]
    raw: dict[str, list[Fact]]

    @classmethod
    def scan(cls, root: Path) -> Project:
        project = cls(root, [], {})
        project.rescan(None)
        return project

    def rescan(self, paths: list[str] | None) -> None:
        """Discover again and scan `paths` (every file when None); forget files that are gone."""
        config, _ = load_config(self.root)
        found = discover(self.root, config)
        ctx = ScanContext(dialect=choose_dialect(self.root, found, config).dialect, dbt_vars=dbt_vars_of(self.root, found.files))
        files = [file for file in found.files if file.kind in SCANNED_KINDS]
        self.order = [file.path for file in files]
        for file in files:
            if paths is None or file.path in paths or file.path not in self.raw:
                self.raw[file.path] = read_and_scan(self.root, file, "", ctx)[1].facts
        self.raw = {path: self.raw[path] for path in self.order}

    def copy(self) -> Project:
        return Project(self.root, list(self.order), dict(self.raw))

    def mentioning(self, scope: Scope) -> set[str]:
        """The files whose words the scope reaches, as the stored words give them."""
        return {path for path in self.order if scope.reaches(file_words((self.root / path).read_bytes()))}

    def linked(self) -> list[Fact]:
        return link_facts([fact for path in self.order for fact in self.raw[path]])


def by_path(facts: list[Fact]) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.location.path, []).append(fact)
    return grouped


def relinked(before: Project, after: Project) -> Relinked:
    """What `relink` makes of the change from `before` to `after`."""
    paths = sorted(set(before.order) | set(after.order))
    changes = [
        Change(path, project_level(path, before.raw.get(path, [])), after.raw.get(path))
        for path in paths
        if before.raw.get(path) != after.raw.get(path)
    ]
    project = {path: project_level(path, before.raw[path]) for path in before.order}
    return relink(by_path(before.linked()), changes, project, after.order, lambda wanted: {path: after.raw[path] for path in wanted},
                  after.mentioning)


def assert_same_as_full_link(before: Project, after: Project) -> Relinked:
    """Relinking only what changed gives every file's linked facts, in order, as a full link of
    `after` does; and the same catalog and settled facts. Returns the relink, to ask its mode."""
    result = relinked(before, after)
    full = after.linked()
    expected = by_path(full)
    assert sorted(result.by_path) == sorted(expected)
    for path, facts in expected.items():
        assert result.by_path[path] == facts, f"{path}: relinked facts differ from a full link's"
    ours, theirs = Catalog.from_facts(result.facts(after.order)), Catalog.from_facts(full)
    assert _catalog_json(ours) == _catalog_json(theirs)
    assert sorted_facts(settle_candidates(result.facts(after.order), ours.schema())) == sorted_facts(settle_candidates(full, theirs.schema()))
    return result


def _catalog_json(catalog: Catalog) -> str:
    return json.dumps([table.to_json() for table in catalog.tables.values()], default=str) + json.dumps([op.to_json() for op in catalog.ops])


def append(root: Path, path: str, text: str) -> None:
    target = root / path
    target.write_text(target.read_text() + text)


def sample_project(tmp_path: Path, sample: str) -> tuple[Project, list[Fact]]:
    """A copy of one of `samples/` scanned, and its raw facts in discovery order."""
    root = tmp_path / sample
    shutil.copytree(SAMPLES / sample, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    project = Project.scan(root)
    return project, [fact for path in project.order for fact in project.raw[path]]
