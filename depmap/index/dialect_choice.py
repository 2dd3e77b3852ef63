"""The dialect a run scans with, and the server version it reports: the command line's, the
configuration's, or what the code says (`depmap.dialects.detect`); chosen once per run, before any
file is scanned (`depmap.index.build`, `depmap.index.freshness`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from depmap.config import Config
from depmap.discover import Discovery

DEFAULT_DIALECT = "postgres"


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
    from depmap.dialects.detect import detect

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
