"""Which files a mention search reads, and reading them safely.

The files are those the index scans (its discovery: .gitignore, `[tool.depmap]` include/exclude,
pruned folders, links only inside the root), plus the text files no scanner reads but where a
table's name means something to a reader: templates (.html, .jinja), documents (.md, .rst,
.txt), code in other languages (.js, .ts, .rb, .go, shell), notebooks and plain configuration.
A grep there shows what depmap cannot analyse; it is listed as such. Never read: lock files,
minified bundles, source maps, translation catalogues (every string of the code again), binary
files (a NUL byte in the first 8 KiB), CSV data (rows of values, not code).

Files over the index's own size limit (`max-file-bytes`, 2 MB unless configured) are not read,
and are said to be left out, as are minified files (a line over 20,000 characters).
"""

from __future__ import annotations

import io
import os
import stat
import tokenize
from pathlib import Path

from depmap.config import Config
from depmap.discover import BINARY_SNIFF_BYTES, MAX_LINE_CHARS, Discovery, FileKind, SourceFile, classify, discover, scanned_kind
from depmap.model import Skipped
from depmap.tree_boundary import real_path_inside

# Kinds no scanner reads whose lines a reader would want to see next to the usages.
LISTED_SUFFIXES = frozenset(
    """.html .htm .jinja .jinja2 .j2 .djhtml .jinja-html .tmpl .tpl .mako .hbs .mustache .twig .erb .haml
    .md .markdown .rst .txt .adoc
    .js .mjs .cjs .ts .jsx .tsx .vue .svelte .rb .go .java .kt .scala .php .cs .rs .r .jl .lua .pl .ex .exs
    .sh .bash .zsh .ps1 .hql .ddl .psql .pgsql .dml .prql .ipynb
    .toml .ini .cfg .conf .properties .xml .tf .hcl""".split()
)
LISTED_NAMES = frozenset({"Dockerfile", "Makefile", "Procfile", "Justfile"})
_LOCK_NAMES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "composer.lock"})
_NEVER_SUFFIXES = (".lock", ".min.js", ".min.css", ".map", ".po", ".pot", ".csv")


def searched(name: str) -> bool:
    """Whether a file of this name is searched for mentions."""
    lower = name.lower()
    if name in _LOCK_NAMES or lower.endswith(_NEVER_SUFFIXES):
        return False
    if scanned_kind(name):
        return True
    return name in LISTED_NAMES or os.path.splitext(lower)[1] in LISTED_SUFFIXES


def files_to_search(root: Path, config: Config) -> Discovery:
    """The files to search, by the index's discovery rules; `skipped` holds those it left out
    (too large, unreadable, links leaving the root)."""
    return discover(root, config, searched)


def unread_kind(file: SourceFile) -> str | None:
    """Why depmap does not analyse a file of this kind, or None when a scanner reads it."""
    if scanned_kind(file.path.rsplit("/", 1)[-1]):
        return None
    suffix = os.path.splitext(file.path)[1].lower()
    return f"no scanner reads {suffix} files" if suffix else "no scanner reads this kind of file"


class Reader:
    """Reads the files of one search, never through a link out of the root: each folder's real
    path is checked once (discovery follows only links inside the root, and the check stands
    if the tree changed since), a file that is itself a link is resolved whole."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._folders: dict[str, str | None] = {}

    def real_path(self, rel: str) -> str | None:
        folder, _, name = rel.rpartition("/")
        if folder not in self._folders:
            self._folders[folder] = real_path_inside(self.root, folder or ".")
        real_folder = self._folders[folder]
        if real_folder is None:
            return None
        path = os.path.join(real_folder, name)
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return real_path_inside(self.root, rel)
        except OSError:
            pass  # reading it says why
        return path

    def read_bytes(self, file: SourceFile) -> bytes | Skipped | None:
        """The file's bytes; a Skipped when it cannot be read or leads out of the root; None for a
        binary file (never worth a line)."""
        real = self.real_path(file.path)
        if real is None:
            return Skipped(file.path, "leads outside the scanned root: not searched")
        try:
            with open(real, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return Skipped(file.path, f"not searched: {error.strerror or error}")
        return None if is_binary(data) else data


def is_binary(data: bytes) -> bool:
    """A NUL byte in the first 8 KiB, and no UTF-16 byte order mark: never worth a line."""
    return b"\0" in data[:BINARY_SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))


def read_bytes(root: Path, file: SourceFile) -> bytes | Skipped | None:
    """One file read as `Reader.read_bytes` reads it."""
    return Reader(root).read_bytes(file)


def plain_text(file: SourceFile, data: bytes) -> bool:
    """ASCII bytes that `decode` reads as the same text (no encoding declared otherwise, not
    minified): its words are exactly its bytes' runs (`depmap.mentions.words.file_words`)."""
    if not data.isascii():
        return False
    text = decode(file, data)
    return isinstance(text, str) and text == data.decode("ascii")


def decode(file: SourceFile, data: bytes) -> str | Skipped:
    """Text the way the file's tooling reads it, undecodable bytes replaced (a mention is a line to
    look at, not to parse); a minified file is left out and said so."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        encoding = "utf-8-sig"
        if file.kind == FileKind.PYTHON:
            try:
                encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            except SyntaxError:
                encoding = "utf-8-sig"
        try:
            text = data.decode(encoding, errors="replace")
        except LookupError:
            text = data.decode("utf-8-sig", errors="replace")
    if classify(file.path) == FileKind.OTHER and max((len(line) for line in text.split("\n")), default=0) > MAX_LINE_CHARS:
        return Skipped(file.path, f"looks minified (a line over {MAX_LINE_CHARS} characters): not searched")
    return text
