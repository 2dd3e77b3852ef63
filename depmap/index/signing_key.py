"""The per-user key that signs `.depmap/index.pickle`: private, or not used at all.

A stored index is a pickle, and loading a pickle runs code, so the key that signs it is the whole
defence: whoever can write the key (or the folder it lives in, where they could swap it) can make
depmap run their code. So the folder is the user's own and private (0700, repaired when it is not),
and the key is a regular file of the user's own, readable by nobody else (0600). A key that others
could read or write is replaced by a new one (a leaked key cannot be made secret again; the cost is
one rebuild of each project's index); a key or folder that is a symbolic link, or that belongs to
somebody else, is refused: depmap then neither loads nor stores an index. Where these checks cannot
be made (not a POSIX system), no index is stored either; the scan cache, which is data, still applies.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

KEY_NAME = "index-signing-key"
KEY_BYTES = 32
_PRIVATE_DIR, _PRIVATE_FILE = 0o700, 0o600


def key_folder() -> Path:
    """$XDG_CACHE_HOME/depmap, or ~/.cache/depmap."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "depmap"


def signing_key(create: bool) -> bytes | None:
    """The key, made on first use when `create`; None when there is none or it cannot be trusted."""
    if os.name != "posix":
        return None
    try:
        folder = _private_folder(key_folder(), create)
    except OSError:
        return None
    if folder is None:
        return None
    try:
        secret = _read_key(folder)
        if secret is None and create:
            secret = _new_key(folder)
        return secret
    except OSError:
        return None
    finally:
        os.close(folder)


def _private_folder(path: Path, create: bool) -> int | None:
    """A descriptor of the folder once it is known to be the user's own, private directory."""
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(path, _PRIVATE_DIR)
        except FileExistsError:
            pass
    try:
        folder = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:  # missing, not a directory, or a symbolic link (ELOOP)
        return None
    info = os.fstat(folder)
    if info.st_uid != os.getuid():
        os.close(folder)
        return None
    if stat.S_IMODE(info.st_mode) != _PRIVATE_DIR:
        os.fchmod(folder, _PRIVATE_DIR)
    return folder


def _read_key(folder: int) -> bytes | None:
    """The key when it is a private regular file of this user; a shared or short one is removed."""
    try:
        descriptor = os.open(KEY_NAME, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)  # a pipe never blocks
    except FileNotFoundError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError("the signing key is not a regular file")
        shared = info.st_uid != os.getuid() or info.st_mode & 0o077 or info.st_nlink != 1
        secret = b"" if shared else handle.read()
    if len(secret) < KEY_BYTES:  # shared, or cut short by a crash: replaced, never trusted
        os.unlink(KEY_NAME, dir_fd=folder)  # the folder is private and ours: only we can do this
        return None
    return secret


def _new_key(folder: int) -> bytes:
    descriptor = os.open(KEY_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, _PRIVATE_FILE, dir_fd=folder)
    secret = os.urandom(KEY_BYTES)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), _PRIVATE_FILE)
        handle.write(secret)
    return secret
