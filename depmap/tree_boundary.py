"""The scanned tree's boundary: nothing outside the scanned root is ever read, links included.

Discovery follows links by this rule; dialect detection and the configuration reader, which read
files before or beside discovery, apply the same one.
"""

from __future__ import annotations

import os
from pathlib import Path


def is_within(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def real_path_inside(root: Path, rel: str) -> str | None:
    """The real path of `root/rel` when, links resolved, it stays inside `root`; else None."""
    real = os.path.realpath(os.path.join(root, rel))
    return real if is_within(real, os.path.realpath(root)) else None
