"""Which database a project runs on, and which server version, read from what its code says.

Every dialect-sensitive rule (rewrites, instant DDL, reserved words, positional inserts) is only
as true as the dialect it assumes, and most projects never set `[tool.depmap] dialect`. The code
usually says it somewhere: Django's `DATABASES` ENGINE, a SQLAlchemy URL (settings, alembic.ini,
an example .env, a compose file), a dbt profile or adapter package, a `.sqlfluff` dialect, a
`postgres:16` image. Detection is cheap on purpose: a few candidate files by name, a regex per
line, never a parse and never the application's own modules. Like discovery, it never leaves the
scanned root: a file is read only when, links resolved, it lies inside the root (a linked
alembic.ini from elsewhere says nothing about this project), and only when it is a regular file,
so a link loop or a pipe costs nothing.

Each mention is a `Signal` with a weight (an explicit declaration beats a driver package in a
requirements file); the dialect with the largest total wins, and when others are mentioned too
`Detection.notes` says so, so the report can tell the user to set the dialect if it is wrong.
The server version comes only from container images of the chosen database; when several are
named (a CI matrix), the oldest one is kept, which makes every answer conservative.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from depmap.tree_boundary import real_path_inside

# Spellings in URLs, Django engines, dbt adapters and sqlfluff -> sqlglot's dialect name.
_NAMES = {
    "postgres": "postgres", "postgresql": "postgres", "postgresql_psycopg2": "postgres", "postgis": "postgres",
    "psql": "postgres", "cockroachdb": "postgres", "timescaledb": "postgres", "mysql": "mysql", "mariadb": "mysql",
    "sqlite": "sqlite", "sqlite3": "sqlite", "oracle": "oracle", "mssql": "tsql", "sqlserver": "tsql", "tsql": "tsql",
    "redshift": "redshift", "snowflake": "snowflake", "bigquery": "bigquery", "duckdb": "duckdb",
    "databricks": "databricks", "spark": "spark", "sparksql": "spark", "trino": "trino", "clickhouse": "clickhouse",
    "athena": "athena", "materialize": "materialize",
}
_ENGINE = re.compile(r"django(?:\.contrib\.gis)?\.db\.backends\.(postgresql_psycopg2|postgresql|postgis|mysql|sqlite3|oracle)\b")
# A URL with something after `://` (a bare `"postgres://"` is a prefix being rewritten, not a URL).
_URL = re.compile(
    r"(?<![\w+.-])(postgres|postgresql|postgis|cockroachdb|mysql|mariadb|sqlite|oracle|mssql|redshift|snowflake|"
    r"bigquery|duckdb|clickhouse|trino|databricks)(?:\+[\w-]+)?://(?=[^\s'\"`])",
    re.I,
)
_IMAGE = re.compile(
    r"^\s*-?\s*image:\s*[\"']?(?:[\w.-]+(?::\d+)?/)*(postgres|postgresql|postgis|mysql|mariadb|percona|timescaledb(?:-ha)?)"
    r"(?![\w-])(?::([\w.-]+))?",
    re.I,
)
_PROFILE_TYPE = re.compile(r"^\s*type:\s*[\"']?(\w+)")
_SQLFLUFF = re.compile(r"^\s*dialect\s*=\s*[\"']?(\w+)")
_DBT_ADAPTER = re.compile(r"^\s*[\"']?dbt-(postgres|redshift|snowflake|bigquery|duckdb|databricks|spark|trino|sqlserver|clickhouse|athena|materialize)\b", re.I)
_DRIVERS = (
    (re.compile(r"^\s*[\"']?(psycopg2(?:-binary)?|psycopg|asyncpg|pg8000)\b", re.I), "postgres"),
    (re.compile(r"^\s*[\"']?(mysqlclient|pymysql|mysql-connector-python|aiomysql|asyncmy)\b", re.I), "mysql"),
)

# Files worth reading, by name: everything else is never opened.
_PY_NAME = re.compile(r"(^|/)(settings[\w-]*|[\w-]*config[\w-]*|database|db|env)\.py$|(^|/)settings/[\w-]+\.py$", re.I)
_YML_NAME = re.compile(r"(^|/)((docker-)?compose[\w.-]*|profiles)\.ya?ml$", re.I)
_OTHER_NAMES = re.compile(r"^(alembic\.ini|\.env\.(example|sample|template|dist)|\.sqlfluff|requirements[\w.-]*\.(txt|in)|pyproject\.toml|setup\.cfg)$", re.I)
# Tests, and settings for development or CI, often use SQLite for convenience: they count little.
_TEST_PATH = re.compile(r"(^|/)tests?/|(^|/)test_[^/]*$|_tests?\.py$", re.I)
_SECONDARY_SETTINGS = re.compile(r"^(test|tests|testing|ci|dev|develop|development|local)\.py$", re.I)
_MAX_BYTES = 512_000
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; elsewhere the real-path check alone applies
_DEPTH = 3  # folders below the root searched for files discovery does not list (alembic.ini, .sqlfluff...)


@dataclass(frozen=True)
class Signal:
    """One place that names a database: which, how strongly, and where."""

    dialect: str
    path: str
    line: int
    weight: int
    what: str
    version: str | None = None

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Detection:
    dialect: str | None = None
    source: str | None = None
    version: str | None = None
    version_source: str | None = None
    notes: list[str] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)


def detect_dialect(root: Path, discovery: Any) -> tuple[str, str] | None:
    """(sqlglot dialect name, "path:line" that says so), or None when the code names no database."""
    found = detect(root, discovery)
    return (found.dialect, found.source) if found.dialect and found.source else None


def detect_server_version(root: Path, discovery: Any, dialect: str) -> tuple[str, str] | None:
    """(version, "path:line") from container images of `dialect`; the oldest when several."""
    found = detect(root, discovery, dialect=dialect)
    return (found.version, found.version_source) if found.version and found.version_source else None


def detect(root: Path, discovery: Any, *, dialect: str | None = None) -> Detection:
    """Everything at once (build_index calls this once): dialect unless given, version, notes."""
    from depmap.dialects.capabilities import parse_version  # a large table: not for a warm run's `read_again_by_detection`

    signals = sorted(_signals(Path(root), discovery), key=lambda s: (s.path, s.line, s.dialect))
    found = Detection(signals=signals)
    totals: dict[str, int] = {}
    for signal in signals:
        totals[signal.dialect] = totals.get(signal.dialect, 0) + signal.weight
    if dialect is None and totals:
        dialect = sorted(totals, key=lambda d: (-totals[d], -max(s.weight for s in signals if s.dialect == d), d))[0]
        best = min((s for s in signals if s.dialect == dialect), key=_preference)
        found.dialect, found.source = dialect, best.source
        # A driver package alone is not worth a note (redash ships MySQL drivers for data sources).
        others = sorted(d for d in totals if d != dialect and max(s.weight for s in signals if s.dialect == d) >= 2)
        if others:
            mentions = ", ".join(f"{d} ({min((s for s in signals if s.dialect == d), key=_preference).source})" for d in others)
            found.notes.append(
                f"dialect {dialect} detected from {best.source}; the code also mentions {mentions}: "
                f"set dialect in [tool.depmap] if {dialect} is not the production database"
            )
    versions = [s for s in signals if s.dialect == dialect and s.version and parse_version(s.version)]
    if versions:
        oldest = min(versions, key=lambda s: (parse_version(s.version), _preference(s)))
        found.version, found.version_source = oldest.version, oldest.source
        if len({parse_version(s.version) for s in versions}) > 1:
            named = ", ".join(sorted({s.version for s in versions if s.version}, key=parse_version))
            found.notes.append(f"server versions {named} are named; assuming the oldest, {oldest.version} ({oldest.source})")
    return found


def _preference(signal: Signal) -> tuple:
    """The source to cite: the strongest signal, from application code before compose files and
    before hidden CI folders."""
    hidden = any(part.startswith(".") for part in signal.path.split("/")[:-1])
    return (-signal.weight, bool(_YML_NAME.search(signal.path)), hidden, signal.path, signal.line)


def _signals(root: Path, discovery: Any) -> Iterable[Signal]:
    for path in _candidates(root, discovery):
        if _TEST_PATH.search(path):
            continue  # test suites pick a convenient database, not the production one
        text = _read(root, path)
        if text is None:
            continue
        name = path.rsplit("/", 1)[-1].lower()
        secondary = bool(_SECONDARY_SETTINGS.search(name))
        section = ""
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith(("#", ";", "//")):
                continue
            if stripped.startswith("[") and name in ("pyproject.toml", "setup.cfg", ".sqlfluff"):
                section = stripped.strip("[]").strip().lower()
            for signal in _line_signals(path, name, number, line, section):
                yield replace(signal, weight=1) if secondary else signal


def _line_signals(path: str, name: str, number: int, line: str, section: str = "") -> Iterable[Signal]:
    def signal(raw: str, weight: int, what: str, version: str | None = None) -> Signal | None:
        dialect = _NAMES.get(raw.lower())
        return Signal(dialect, path, number, weight, what, version) if dialect else None

    found: list[Signal | None] = []
    if name.endswith(".py") and (engine := _ENGINE.search(line)):
        found.append(signal(engine.group(1), 3, "Django ENGINE"))
    found += [signal(m.group(1), 2, "database URL") for m in _URL.finditer(line)]
    if name.endswith((".yml", ".yaml")) and (image := _IMAGE.search(line)):
        found.append(signal(_image_dialect(image.group(1)), 2, "container image", _image_version(image.group(1), image.group(2))))
    if name == "profiles.yml" and (kind := _PROFILE_TYPE.match(line)):
        found.append(signal(kind.group(1), 3, "dbt profile"))
    in_sqlfluff = name == ".sqlfluff" or section.startswith(("tool.sqlfluff", "sqlfluff"))
    if in_sqlfluff and (fluff := _SQLFLUFF.match(line)) and fluff.group(1).lower() != "ansi":
        found.append(signal(fluff.group(1), 3, "sqlfluff dialect"))
    if name.startswith("requirements") or name in ("pyproject.toml", "setup.cfg"):
        if adapter := _DBT_ADAPTER.match(line):
            found.append(signal(adapter.group(1), 2, "dbt adapter"))
        for pattern, dialect in _DRIVERS:
            if pattern.match(line):
                found.append(signal(dialect, 1, "database driver"))
    return [s for s in found if s is not None]


def _image_dialect(image: str) -> str:
    image = image.lower()
    return "mysql" if image in ("mariadb", "percona") else "postgres" if image != "mysql" else "mysql"


def _image_version(image: str, tag: str | None) -> str | None:
    """`16-alpine` -> 16, `8.0.35` -> 8.0.35, timescale's `2.14.2-pg16` -> 16; MariaDB versions
    are not MySQL versions and `latest` is none."""
    if not tag or image.lower() == "mariadb":
        return None
    if image.lower().startswith("timescaledb"):
        match = re.search(r"pg(\d+)", tag)
        return match.group(1) if match else None
    match = re.match(r"\d+(?:\.\d+)*", tag)
    return match.group(0) if match else None


def read_by_detection(root: Path, discovery: Any, unscanned: list[str] | None = None) -> list[str]:
    """The files `detect` reads (what a cached choice depends on: `depmap.index.freshness`);
    `unscanned`: what `unscanned_files` found, when the caller has listed them already."""
    return _candidates(root, discovery, unscanned)


def read_again_by_detection(root: Path, discovered: set[str], earlier: list[str], unscanned: list[str] | None = None) -> list[str]:
    """`read_by_detection` for the same discovered files as the run that read `earlier`. Names
    alone decide which discovered files are worth reading, so those are the ones of `earlier`
    still discovered: only the unscanned kinds are looked for again (`unscanned`, when the folders
    they were looked for in are known not to have changed), not 17,800 names tested."""
    paths = {path for path in earlier if path in discovered and _worth_reading(path)}
    paths.update(unscanned_files(root) if unscanned is None else unscanned)
    return sorted(paths)


def _candidates(root: Path, discovery: Any, unscanned: list[str] | None = None) -> list[str]:
    """Discovered files whose names are worth reading, and the unscanned kinds (alembic.ini,
    .sqlfluff, requirements) in the root and the folders just below it."""
    paths = {f.path for f in getattr(discovery, "files", []) if _worth_reading(f.path)}
    paths.update(unscanned_files(root) if unscanned is None else unscanned)
    return sorted(paths)


def _worth_reading(path: str) -> bool:
    """`_PY_NAME` or `_YML_NAME` on the file's name and its folder's (what both look at: no part
    of either pattern spans a slash), searched in a few characters instead of the whole path."""
    tail = path[path.rfind("/", 0, max(path.rfind("/"), 0)) + 1:]
    return bool(_PY_NAME.search(tail) or _YML_NAME.search(tail))


def unscanned_files(root: Path, on_folder: Callable[[str, str], None] | None = None) -> list[str]:
    """The unscanned kinds (alembic.ini, .sqlfluff, requirements) in the root and the folders
    below it, to `_DEPTH`; `on_folder(path, rel)` is told of each folder before it is listed."""
    found: list[str] = []
    pending = [(root, "", 0)]
    while pending:
        folder, prefix, depth = pending.pop()
        if on_folder is not None:
            on_folder(str(folder), prefix.rstrip("/"))
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if _OTHER_NAMES.match(entry.name):
                found.append(prefix + entry.name)  # read only if it is a file inside the root: see _read
            elif (entry.is_dir(follow_symlinks=False) and depth < _DEPTH and not entry.name.startswith(".")
                  and entry.name not in _SKIPPED_DIRS):
                pending.append((Path(entry.path), f"{prefix}{entry.name}/", depth + 1))
    return found


_SKIPPED_DIRS = frozenset({"node_modules", "venv", "env", "site-packages", "build", "dist", "__pycache__", "target", "vendor"})


def _read(root: Path, path: str) -> str | None:
    """The start of a regular file inside the root; None for anything else (outside, a loop, a pipe)."""
    real = real_path_inside(root, path)
    if real is None:
        return None
    try:
        descriptor = os.open(real, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read(_MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
