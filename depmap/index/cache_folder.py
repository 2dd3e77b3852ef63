"""`.depmap/` holds only real files inside the scanned root: a link there is refused, never followed.

depmap writes its scan cache, its index, the notices it showed and a `.gitignore` into `.depmap/`. A symbolic link in
their place (committed to a repository, or restored by a CI cache step) would make it write
wherever the link points: a link named cache.sqlite got depmap's tables added to an unrelated
SQLite database. So the folder and every entry are checked with lstat before use, and a link (or a
hard link, which shares its content with a file elsewhere) means one warning and a scan without the
cache. New files are created with O_EXCL | O_NOFOLLOW, so a link planted after the check fails the
write instead of redirecting it. Anything else that is not a regular file (a folder named
cache.sqlite, a pipe) is depmap's own disposable state gone wrong: removed with a warning, rebuilt.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

CACHE_DIR = ".depmap"
CACHE_FILE = "cache.sqlite"
INDEX_FILE = "index.pickle"
IGNORE_FILE = ".gitignore"
NOTICES_FILE = "notices.json"
# Every name depmap or SQLite may write in the folder (SQLite adds the -wal, -shm and -journal files).
ENTRIES = (CACHE_FILE, f"{CACHE_FILE}-wal", f"{CACHE_FILE}-shm", f"{CACHE_FILE}-journal", INDEX_FILE, IGNORE_FILE, NOTICES_FILE, f"{NOTICES_FILE}.new")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; elsewhere the lstat checks alone apply
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW


def inspect(root: Path) -> tuple[bool, list[str]]:
    """(whether `root/.depmap` may be used, warnings): links refuse it, non-files are removed."""
    folder = root / CACHE_DIR
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return True, []
    except OSError as error:
        return False, [f"scan cache unavailable ({error.strerror or error}); scanning without it"]
    if stat.S_ISLNK(info.st_mode):
        return False, [_refusal(CACHE_DIR, "a symbolic link")]
    if not stat.S_ISDIR(info.st_mode):
        return True, []  # a file in the way: creating the folder fails later, with its own warning
    warnings: list[str] = []
    for name in ENTRIES:
        rel, path = f"{CACHE_DIR}/{name}", folder / name
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as error:
            return False, [f"scan cache unavailable ({error.strerror or error}); scanning without it"]
        if stat.S_ISLNK(info.st_mode):
            return False, [_refusal(rel, "a symbolic link")]
        if stat.S_ISREG(info.st_mode):
            if info.st_nlink > 1:
                return False, [_refusal(rel, "a hard link")]
            continue
        try:
            shutil.rmtree(path) if stat.S_ISDIR(info.st_mode) else path.unlink()
        except OSError as error:
            return False, [f"{rel} is not a file and cannot be removed ({error.strerror or error}); scanning without the cache"]
        warnings.append(f"discarded {rel} ({'a folder' if stat.S_ISDIR(info.st_mode) else 'not a regular file'}); rebuilding it")
    return True, warnings


def _refusal(rel: str, what: str) -> str:
    return (f"{rel} is {what}; scanning without the cache (depmap writes only real files inside the "
            f"scanned root: delete {CACHE_DIR}/ to rebuild it)")


def make_folder(root: Path) -> Path:
    """`root/.depmap`, created if missing, with its `.gitignore`; OSError when it is not a real folder."""
    folder = root / CACHE_DIR
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise NotADirectoryError(f"{CACHE_DIR} is not a folder") from None
    try:
        descriptor = os.open(folder / IGNORE_FILE, _NEW, 0o666)
    except FileExistsError:
        return folder  # already there (a link there was refused by `inspect`, and O_NOFOLLOW keeps it so)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("# depmap's scan cache: safe to delete, never committed\n*\n")
    return folder


def create_new(path: Path) -> int:
    """A descriptor for writing a file that did not exist (never through a link)."""
    return os.open(path, _NEW, 0o666)


def open_existing(path: Path, flags: int = os.O_RDONLY) -> int:
    """A descriptor of a regular file of the folder, opened without following a link (ELOOP if one)."""
    descriptor = os.open(path, flags | _NOFOLLOW)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise IsADirectoryError(f"{path.name} is not a file")
    return descriptor
