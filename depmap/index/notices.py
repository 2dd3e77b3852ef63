"""Notices a project needs once, not on every command: remembered in `.depmap/notices.json`.

"dialect postgres detected from settings.py:4; the code also mentions sqlite (...)" is worth
reading once; printed before every `who-reads` it becomes noise that hides real warnings. The
dialect and server version it was shown for are kept in the project's cache folder, and the
notes come back only when either changes (or with --verbose). A cache folder depmap may not
use (a link there) remembers nothing: the notes are shown every time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from depmap.index.cache_folder import CACHE_DIR, NOTICES_FILE, create_new, inspect, make_folder, open_existing

_DIALECT = "dialect"


def dialect_notes_to_show(root: Path, dialect: str, server_version: str | None, notes: list[str]) -> list[str]:
    """`notes` when this project has not shown them for this dialect and version yet (and remember
    that they are shown now); else nothing."""
    if not notes:
        return []
    shown_for = {"dialect": dialect, "server_version": server_version}
    usable, _ = inspect(root)
    if not usable:
        return notes
    seen = _read(root)
    if seen.get(_DIALECT) == shown_for:
        return []
    _write(root, {**seen, _DIALECT: shown_for})
    return notes


def _read(root: Path) -> dict:
    try:
        descriptor = open_existing(root / CACHE_DIR / NOTICES_FILE)
    except OSError:
        return {}
    try:
        with os.fdopen(descriptor, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _write(root: Path, document: dict) -> None:
    """Written aside and renamed over the old file (a rename replaces a link, never follows it)."""
    try:
        folder = make_folder(root)
        staged = folder / f"{NOTICES_FILE}.new"
        if staged.exists() or staged.is_symlink():
            staged.unlink()
        with os.fdopen(create_new(staged), "w", encoding="utf-8") as handle:
            json.dump(document, handle, sort_keys=True)
        os.replace(staged, folder / NOTICES_FILE)
    except OSError:
        pass  # a read-only checkout: the notes are shown again next time, nothing worse
