"""Find the files worth scanning, the way git and the user see the tree, and read them safely.

The walk is the first thing every command pays for, so it prunes early: ignored, vendored and
virtualenv directories are never entered. Anything that cannot be scanned (too large, unreadable,
a broken or looping symlink, binary, undecodable, minified) becomes a `Skipped` with a reason that
reaches the report; ordinary non-source files (a README, an image) are simply not listed.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from depmap.config import Config
from depmap.model import Skipped
from depmap.tree_boundary import is_within

if TYPE_CHECKING:  # imported where patterns are compiled: a warm query that reuses the stored discovery never needs pathspec
    from pathspec import GitIgnoreSpec


class FileKind:
    """What a file is, decided from its name alone (content is never needed to route it)."""

    PYTHON = "python"
    SQL = "sql"
    YAML = "yaml"
    JSON = "json"
    DBT_PROJECT = "dbt_project"
    CSV = "csv"  # for its header only (dbt seeds), but read whole like any file: see depmap.frameworks.dbt.seeds
    NOTEBOOK = "notebook"  # Jupyter: code cells as Python, %%sql cells as SQL (depmap.python.notebook)
    OTHER = "other"


SCANNED_KINDS = frozenset(
    {FileKind.PYTHON, FileKind.SQL, FileKind.YAML, FileKind.JSON, FileKind.DBT_PROJECT, FileKind.CSV, FileKind.NOTEBOOK}
)
_KIND_BY_SUFFIX = {
    ".py": FileKind.PYTHON,
    ".pyi": FileKind.PYTHON,
    ".sql": FileKind.SQL,
    ".yml": FileKind.YAML,
    ".yaml": FileKind.YAML,
    ".json": FileKind.JSON,
    ".csv": FileKind.CSV,
    ".ipynb": FileKind.NOTEBOOK,
}

_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl")

# Directories that never hold the application's own code (tool state, vendored packages, builds).
PRUNED_DIR_NAMES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".depmap",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        "site-packages",
        ".eggs",
    }
)
PRUNED_DIR_GLOBS = ("*.egg-info",)
_VENV_NAMES = frozenset({".venv", "venv", "env"})

BINARY_SNIFF_BYTES = 8192
MAX_LINE_CHARS = 20_000
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Folders and file names that migration tools use (Django, Alembic, Rails-style, Flyway, Liquibase).
_MIGRATION_PATH = re.compile(
    r"(^|/)(migrations?|migrate|alembic|versions|flyway|liquibase|schema_migrations|db/changelog)/"
    r"|(^|/)V\d+(_\d+)*__[^/]*\.sql$",
    re.I,
)


def classify(name: str) -> str:
    """The `FileKind` of a file name."""
    if name == "dbt_project.yml":
        return FileKind.DBT_PROJECT
    if name == ".depmap-baseline.json":  # depmap's own accepted findings: their statements are not the project's SQL
        return FileKind.OTHER
    stem, suffix = os.path.splitext(name.lower())
    if suffix in _TEMPLATE_SUFFIXES and stem.endswith(".sql"):  # `load_users.sql.j2`: SQL with Jinja holes
        return FileKind.SQL
    return _KIND_BY_SUFFIX.get(suffix, FileKind.OTHER)


_TEST_PATH = re.compile(
    r"(^|/)(tests?|testing|spec|specs|__tests__|testutils|test_utils|fixtures)/"
    r"|(^|/)(test_[^/]*|[^/]*_tests?|conftest|tests?)\.py$"
)


@lru_cache(maxsize=65536)
def is_test_path(path: str) -> bool:
    """Test code: tests/…, test_x.py, x_test.py, x_tests.py, conftest.py, fixtures/…
    (remembered: linking asks it of each fact's path, a dozen times per file)"""
    return _TEST_PATH.search(path) is not None


def is_migration_path(path: str) -> bool:
    """Whether a path relative to the root is where migrations live: its statements are replayed
    in order by the catalog and judged by `check`."""
    return bool(_MIGRATION_PATH.search(path))


@dataclass(frozen=True)
class SourceFile:
    """A file to scan. `path` is relative to the scanned root with POSIX separators; size, mtime
    and ctime let the cache skip unchanged files without reading them (see depmap.index.cache)."""

    path: str
    kind: str
    size: int
    mtime_ns: int
    ctime_ns: int = 0


@dataclass
class Discovery:
    """The files to scan and the ones left out with a reason, both sorted by path."""

    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def scanned_kind(name: str) -> bool:
    """Whether a scanner reads files of this name: what `discover` lists unless told otherwise."""
    return classify(name) in SCANNED_KINDS


def discover(root: Path, config: Config, wanted: Callable[[str], bool] = scanned_kind) -> Discovery:
    """Every scannable file under `root`, honouring .gitignore files and the config's globs.

    `wanted` (a file name -> bool) widens or narrows the files listed, the walk's rules unchanged:
    the search for unexplained mentions (`depmap.mentions`) also lists templates and documents."""
    return _Walker(root, config, wanted).run()


# --- ignore rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _IgnoreLayer:
    """One .gitignore: its patterns apply to paths relative to its own directory (`base`)."""

    base: str
    spec: GitIgnoreSpec


def compile_globs(lines: Iterable[str]) -> GitIgnoreSpec | None:
    """Gitignore-style patterns as a spec, dropping invalid lines as git does; None if empty."""
    from pathspec import GitIgnoreSpec

    lines = list(lines)
    try:
        spec = GitIgnoreSpec.from_lines(lines)
    except ValueError:
        spec = GitIgnoreSpec.from_lines(line for line in lines if _valid_glob(line))
    if not any(p.include is not None for p in spec.patterns):
        return None
    return spec


def _valid_glob(line: str) -> bool:
    from pathspec import GitIgnoreSpec

    try:
        GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def _matches(spec: GitIgnoreSpec | None, rel: str, is_dir: bool) -> bool | None:
    """True if ignored, False if re-included by a negation, None if no pattern says anything."""
    if spec is None:
        return None
    return spec.check_file(rel + "/" if is_dir else rel).include


def _relative_to(rel: str, base: str) -> str:
    return rel[len(base) + 1 :] if base else rel


def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name


# --- the walk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dir:
    """A directory to list: where it is on disk, its path as reported, the ignore files above."""

    path: str
    rel: str
    layers: tuple[_IgnoreLayer, ...]
    via_link: bool = False


@dataclass(frozen=True)
class _Link:
    """A symlink to a directory inside the root, followed only after the real tree is walked so
    that files keep their real paths whenever they have one."""

    path: str
    rel: str
    layers: tuple[_IgnoreLayer, ...]
    target: str


class _Walker:
    """One discovery run: the state of the walk (visited directories, pending symlinks)."""

    def __init__(self, root: Path, config: Config, wanted: Callable[[str], bool] = scanned_kind) -> None:
        self.root = str(root)
        self.wanted = wanted
        self.root_real = os.path.realpath(root)
        self.config = config
        self.exclude = compile_globs(config.exclude)
        self.include = compile_globs(config.include)
        self.python_files = compile_globs(config.python_files)
        self.sql_files = compile_globs(config.sql_files)
        self.info_exclude: GitIgnoreSpec | None = None
        self.files: list[SourceFile] = []
        self.skipped: list[Skipped] = []
        self.visited: dict[tuple[int, int], str] = {}
        self.pending_links: list[_Link] = []

    def run(self) -> Discovery:
        info_exclude = os.path.join(self.root, ".git", "info", "exclude")
        self.info_exclude = self._read_ignore_file(info_exclude, ".git/info/exclude")
        self._walk(_Dir(self.root, "", ()))
        while self.pending_links:
            batch = sorted(self.pending_links, key=lambda link: link.rel)
            self.pending_links = []
            for link in batch:
                self._follow(link)
        return Discovery(
            files=sorted(self.files, key=lambda f: f.path),
            skipped=sorted(set(self.skipped)),
        )

    def _skip(self, rel: str, reason: str) -> None:
        self.skipped.append(Skipped(rel or ".", reason))

    # directories

    def _walk(self, start: _Dir) -> None:
        stack = [start]
        while stack:
            stack.extend(reversed(self._list_dir(stack.pop())))

    def _list_dir(self, directory: _Dir) -> list[_Dir]:
        """Visit one directory's entries; returns the subdirectories to descend into."""
        if not self._first_visit(directory):
            return []
        try:
            with os.scandir(directory.path) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            self._skip(directory.rel, f"cannot list directory: {exc.strerror or exc}")
            return []
        names = {entry.name for entry in entries}
        if directory.rel and self._is_virtualenv(directory.path, directory.rel, names):
            return []
        layers = directory.layers
        if ".gitignore" in names:
            layers = self._with_gitignore(directory, layers)
        children: list[_Dir] = []
        for entry in entries:
            child = self._visit_entry(entry, _join(directory.rel, entry.name), layers)
            if child is not None:
                children.append(child)
        return children

    def _first_visit(self, directory: _Dir) -> bool:
        """Record the directory's identity; a second visit (loop, alias) is not walked."""
        try:
            info = os.stat(directory.path)
        except OSError as exc:
            self._skip(directory.rel, f"cannot list directory: {exc.strerror or exc}")
            return False
        key = (info.st_dev, info.st_ino)
        first = self.visited.get(key)
        if first is not None:
            # An alias of a directory already walked hides nothing: its files were scanned under
            # their real path, so it is not worth a line in the report (a loop is, see above).
            return False
        self.visited[key] = directory.rel
        return True

    @staticmethod
    def _is_virtualenv(path: str, rel: str, names: set[str]) -> bool:
        """Installed packages are not the application, however they are named."""
        if "pyvenv.cfg" in names:
            return True
        if os.path.basename(rel) not in _VENV_NAMES:
            return False
        return any(
            os.path.isfile(os.path.join(path, scripts, "activate"))
            for scripts in ("bin", "Scripts")
        )

    def _with_gitignore(
        self, directory: _Dir, layers: tuple[_IgnoreLayer, ...]
    ) -> tuple[_IgnoreLayer, ...]:
        rel = _join(directory.rel, ".gitignore")
        spec = self._read_ignore_file(os.path.join(directory.path, ".gitignore"), rel)
        return layers if spec is None else (*layers, _IgnoreLayer(directory.rel, spec))

    def _read_ignore_file(self, path: str, rel: str) -> GitIgnoreSpec | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            reason = f"cannot read it ({exc.strerror or exc}); its patterns were not applied"
            self._skip(rel, reason)
            return None
        return compile_globs(data.decode("utf-8", errors="replace").splitlines())

    # entries

    def _visit_entry(
        self, entry: os.DirEntry[str], rel: str, layers: tuple[_IgnoreLayer, ...]
    ) -> _Dir | None:
        try:
            if entry.is_symlink():
                self._visit_symlink(entry, rel, layers)
            elif entry.is_dir(follow_symlinks=False):
                if self._keep_dir(entry.name, rel, layers):
                    return _Dir(entry.path, rel, layers)
            elif entry.is_file(follow_symlinks=False):
                configured = self._configured_kind(rel)
                kind = configured or classify(entry.name)
                if (configured or self.wanted(entry.name)) and self._keep_file(rel, layers):
                    self._add_file(entry.path, rel, kind, entry.stat())
        except OSError as exc:
            self._skip(rel, f"cannot read it: {exc.strerror or exc}")
        return None

    def _configured_kind(self, rel: str) -> str | None:
        """The kind `python-files`/`sql-files` give a project-specific extension."""
        if self.python_files is not None and _matches(self.python_files, rel, False):
            return FileKind.PYTHON
        if self.sql_files is not None and _matches(self.sql_files, rel, False):
            return FileKind.SQL
        return None

    def _visit_symlink(
        self, entry: os.DirEntry[str], rel: str, layers: tuple[_IgnoreLayer, ...]
    ) -> None:
        kind = classify(entry.name)
        try:
            info = entry.stat()
        except OSError as exc:
            if self.wanted(entry.name) and self._keep_file(rel, layers):
                self._skip(rel, _broken_link_reason(entry.path, exc))
            return
        target = os.path.realpath(entry.path)
        inside = is_within(target, self.root_real)
        if stat.S_ISDIR(info.st_mode):
            if not self._keep_dir(entry.name, rel, layers):
                return
            if not inside:
                self._skip(rel, "symlink to a directory outside the scanned root; not followed")
                return
            self.pending_links.append(_Link(entry.path, rel, layers, target))
        elif stat.S_ISREG(info.st_mode) and self.wanted(entry.name):
            if not self._keep_file(rel, layers):
                return
            if not inside:
                self._skip(rel, "symlink to a file outside the scanned root; not followed")
                return
            self._add_file(entry.path, rel, kind, info)

    def _follow(self, link: _Link) -> None:
        """Walk a linked directory unless it contains the link itself (which would never end)."""
        parent = os.path.realpath(os.path.dirname(link.path))
        if is_within(parent, link.target):
            target_rel = Path(os.path.relpath(link.target, self.root_real)).as_posix()
            reason = f"symlink loop: points to its own ancestor '{target_rel}'; not followed"
            self._skip(link.rel, reason)
            return
        self._walk(_Dir(link.path, link.rel, link.layers, via_link=True))

    def _add_file(self, path: str, rel: str, kind: str, info: os.stat_result) -> None:
        limit = self.config.max_file_bytes
        if info.st_size > limit:
            self._skip(
                rel,
                f"larger than {limit} bytes (max_file_bytes); "
                "raise [tool.depmap] max-file-bytes to scan it",
            )
        elif not os.access(path, os.R_OK):
            self._skip(rel, "unreadable: permission denied")
        else:
            self.files.append(SourceFile(rel, kind, info.st_size, info.st_mtime_ns, info.st_ctime_ns))

    # filters

    def _keep_dir(self, name: str, rel: str, layers: tuple[_IgnoreLayer, ...]) -> bool:
        if name in PRUNED_DIR_NAMES or any(fnmatchcase(name, g) for g in PRUNED_DIR_GLOBS):
            return False
        return not self._ignored(rel, True, layers) and not _matches(self.exclude, rel, True)

    def _keep_file(self, rel: str, layers: tuple[_IgnoreLayer, ...]) -> bool:
        if self._ignored(rel, False, layers) or _matches(self.exclude, rel, False):
            return False
        return self.include is None or bool(_matches(self.include, rel, False))

    def _ignored(self, rel: str, is_dir: bool, layers: tuple[_IgnoreLayer, ...]) -> bool:
        """Git's precedence: the deepest .gitignore that has a say wins, then info/exclude."""
        for layer in reversed(layers):
            verdict = _matches(layer.spec, _relative_to(rel, layer.base), is_dir)
            if verdict is not None:
                return verdict
        return bool(_matches(self.info_exclude, rel, is_dir))


def _broken_link_reason(path: str, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        try:
            return f"broken symlink: target '{os.readlink(path)}' does not exist"
        except OSError:
            return "broken symlink: target does not exist"
    return f"cannot follow symlink: {exc.strerror or exc}"


# --- reading ----------------------------------------------------------------------------------


def read_source(root: Path, file: SourceFile) -> str | Skipped:
    """The file's text, or why it cannot be analysed; never raises for a bad file."""
    return read_source_and_bytes(root, file)[0]


ReadBytes = tuple[bytes, tuple[int, int, int]]  # the bytes read, and (size, mtime_ns, ctime_ns) of what they were read from


def read_source_and_bytes(root: Path, file: SourceFile) -> tuple[str | Skipped, ReadBytes | None]:
    """`read_source`, with the bytes it read and the stat of the open file (None when it could not
    be read), so that what else needs the file's bytes (its words) does not read them again."""
    try:
        with open(root / file.path, "rb") as handle:
            data = handle.read()
            info = os.fstat(handle.fileno())
    except OSError as exc:
        return Skipped(file.path, exc.strerror or str(exc)), None
    return _text_of(file, data), (data, (info.st_size, info.st_mtime_ns, info.st_ctime_ns))


def _text_of(file: SourceFile, data: bytes) -> str | Skipped:
    text = _decode(file, data)
    if isinstance(text, Skipped):
        return text
    if file.kind in (FileKind.PYTHON, FileKind.SQL):
        longest = _longest_line(text)
        if longest > MAX_LINE_CHARS:
            reason = f"looks minified or generated (a line of {longest} characters)"
            return Skipped(file.path, reason)
    return text


def _decode(file: SourceFile, data: bytes) -> str | Skipped:
    """Bytes to text the way the file's own tooling would read it."""
    if file.kind != FileKind.PYTHON and data.startswith(_UTF16_BOMS):
        # SQL Server Management Studio saves scripts as UTF-16; they are text, not binary.
        return _decode_as(file, data, "utf-16", "UTF-16", 0)
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        return Skipped(file.path, "binary file")
    encoding = "utf-8-sig"
    if file.kind == FileKind.PYTHON:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as exc:
            # No cookie and non-UTF-8 first lines: decoding as UTF-8 below finds the bad byte.
            if not exc.msg.startswith("invalid or missing encoding declaration"):
                return Skipped(file.path, f"invalid encoding declaration: {exc.msg}")
    if encoding in ("utf-8", "utf-8-sig"):
        bom = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
        return _decode_as(file, data[bom:], "utf-8", "UTF-8", bom)
    return _decode_as(file, data, encoding, encoding, 0)


def _decode_as(
    file: SourceFile, data: bytes, codec: str, label: str, offset: int
) -> str | Skipped:
    """Decode, reporting the first bad byte's offset in the file so the user can find it."""
    try:
        return data.decode(codec)
    except LookupError:  # `# coding: rot13`: a codec, but not a text encoding Python can read source in
        return Skipped(file.path, f"its encoding declaration names '{codec}', which is not a text encoding: not read")
    except UnicodeDecodeError as exc:
        hint = (
            "declare the file's encoding with a '# -*- coding: ... -*-' line"
            if file.kind == FileKind.PYTHON
            else "re-save the file as UTF-8"
        )
        return Skipped(file.path, f"not valid {label} at byte {exc.start + offset} ({hint})")


def _longest_line(text: str) -> int:
    """The longest line's length; a short text is its own bound, sparing the split."""
    if len(text) <= MAX_LINE_CHARS:
        return len(text)
    return max((len(line) for line in text.splitlines()), default=0)
