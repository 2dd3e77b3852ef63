"""Build the index of a project: discover files, scan each, merge facts into catalog and graph.

Scanning is a pure function of (file text, context), so this is the one place that does I/O,
the place a cache and a process pool plug into, and the place that guarantees a scan always
completes: a scanner that fails on one file costs that file, with a reason, never the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from depmap.attribution import settle_candidates
from depmap.catalog import Catalog
from depmap.config import Config, load_config
from depmap.discover import Discovery, SourceFile, discover, read_source
from depmap.graph import DependencyGraph
from depmap.model import PARSE_ERROR, Fact, ScanResult, Skipped, sorted_facts
from depmap.orm.link import link
from depmap.pipelines.airflow_link import link_airflow
from depmap.pipelines.dbt_link import link_dbt
from depmap.scanners.context import ScanContext, dbt_project_vars
from depmap.scanners.registry import SCANNERS

DEFAULT_DIALECT = "postgres"


@dataclass
class Index:
    root: Path
    config: Config
    dialect: str
    facts: list[Fact]
    skipped: list[Skipped]
    catalog: Catalog
    graph: DependencyGraph
    files_scanned: int
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    dialect_source: str = "default"  # "option", "config", "path:line" the code says it in, or "default"
    server_version: str | None = None  # [tool.depmap] server_version, else detected, else unknown
    server_version_source: str | None = None

    def unparsed(self) -> list[Fact]:
        return [f for f in self.facts if f.kind == PARSE_ERROR]

    def skipped_with_unparsed(self) -> list[Skipped]:
        """Files skipped whole, and statements that could not be parsed, for every report."""
        parts = [
            Skipped(f.location.path, f"line {f.location.line}: SQL not parsed: {f.extra.get('error', 'invalid SQL')}")
            for f in self.unparsed()
        ]
        return sorted(set(self.skipped) | set(parts), key=_skipped_key)


def _skipped_key(item: Skipped) -> tuple:
    line = item.reason.split(":", 1)[0]
    number = int(line[5:]) if line.startswith("line ") and line[5:].isdigit() else 0
    return (item.path, number, item.reason)


def _dbt_vars(root: Path, found: Discovery) -> tuple[tuple[str, str], ...]:
    """Vars of every dbt project, read before the models that use them are rendered."""
    import yaml

    pairs = []
    for file in found.files:
        if file.kind != "dbt_project":
            continue
        text = read_source(root, file)
        try:
            data = yaml.safe_load(text) if isinstance(text, str) else None
        except yaml.YAMLError:
            continue  # the dbt scanner reports the broken file
        if (pair := dbt_project_vars(file.path, data)) is not None:
            pairs.append(pair)
    return tuple(sorted(pairs))


def scan_file(root: Path, file: SourceFile, ctx: ScanContext, debug: bool = False) -> ScanResult:
    text = read_source(root, file)
    if isinstance(text, Skipped):
        return ScanResult(skipped=[text])
    facts: list[Fact] = []
    skipped: list[Skipped] = []
    for scanner in SCANNERS.get(file.kind, ()):
        try:
            result = scanner(file.path, text, ctx)
        except Exception as error:  # a scanner bug must cost one file, not the run
            if debug:
                raise
            skipped.append(Skipped(file.path, f"internal error in {scanner.__name__}: {type(error).__name__}: {error}"))
            continue
        facts.extend(result.facts)
        skipped.extend(result.skipped)
    return ScanResult(facts=facts, skipped=skipped)


def build_index(
    root: Path,
    *,
    dialect: str | None = None,
    debug: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Index:
    root = root.resolve()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    config, warnings = load_config(root)
    found: Discovery = discover(root, config)
    choice = choose_dialect(root, found, config, dialect)
    chosen = choice.dialect
    warnings = warnings + choice.notes
    timings["discover"] = time.perf_counter() - started

    started = time.perf_counter()
    ctx = ScanContext(dialect=chosen, dbt_vars=_dbt_vars(root, found))
    facts: list[Fact] = []
    skipped = list(found.skipped)
    scannable = [f for f in found.files if f.kind in SCANNERS]
    for number, file in enumerate(scannable, start=1):
        result = scan_file(root, file, ctx, debug)
        facts.extend(result.facts)
        skipped.extend(result.skipped)
        if progress is not None:
            progress(number, len(scannable))
    timings["scan"] = time.perf_counter() - started

    started = time.perf_counter()
    facts = link_airflow(link_dbt(link(facts)))
    catalog = Catalog.from_facts(facts)
    facts = sorted_facts(settle_candidates(facts, catalog.schema()))
    graph = DependencyGraph(facts)
    timings["graph"] = time.perf_counter() - started
    return Index(
        root=root,
        config=config,
        dialect=chosen,
        facts=facts,
        skipped=sorted(set(skipped)),
        catalog=catalog,
        graph=graph,
        files_scanned=len(scannable),
        warnings=warnings,
        timings=timings,
        dialect_source=choice.source,
        server_version=choice.server_version,
        server_version_source=choice.server_version_source,
    )


@dataclass(frozen=True)
class DialectChoice:
    dialect: str
    source: str
    server_version: str | None = None
    server_version_source: str | None = None
    notes: list[str] = field(default_factory=list)


def choose_dialect(root: Path, found: Discovery, config: Config, option: str | None = None) -> DialectChoice:
    """The dialect: the command-line option, else `[tool.depmap] dialect`, else what the code
    says (Django settings, database URLs, dbt profiles, compose images), else postgres. The
    server version: `[tool.depmap] server_version`, else the chosen database's image tag."""
    from depmap.dialect_detect import detect

    if option or config.dialect:
        name, source = (option, "option") if option else (config.dialect, "config")
        if config.server_version:
            return DialectChoice(name, source, config.server_version, "config")
        detected = detect(root, found, dialect=name)
        return DialectChoice(name, source, detected.version, detected.version_source, detected.notes)
    detected = detect(root, found)
    name, source = (detected.dialect, detected.source) if detected.dialect and detected.source else (DEFAULT_DIALECT, "default")
    if config.server_version:
        return DialectChoice(name, source, config.server_version, "config", detected.notes)
    return DialectChoice(name, source, detected.version, detected.version_source, detected.notes)
