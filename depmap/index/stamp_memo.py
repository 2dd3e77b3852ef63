"""The scanner stamp, remembered by the stats of the modules it hashes.

The stamp hashes every module's path and bytes (`depmap.index.cache.scanner_stamp`): 2.4 MB read
and hashed on every run, about a twentieth of a warm query at a million lines. Python trusts a
module's size and mtime to reuse its compiled code; the memo trusts each module's size, mtime and
ctime (ctime moves on every write, and cannot be set back by hand) and the list of modules, and
keeps the stamp they gave in the package's `__pycache__` folder, beside the compiled code.

A module written within RACY_NS of the run is not remembered (a second edit in the same clock tick
would keep its stat). A folder that cannot be written, or a memo of another shape, costs only the
hash: the memo can spare the hashing, never change the stamp.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable

MEMO_NAME = "depmap-stamp.json"
RACY_NS = 2_000_000_000


def remembered_stamp(package: Path, modules: list[str], compute: Callable[[], str]) -> str:
    """The stamp of `modules` (POSIX paths under `package`): the memo's when every module's stat
    is the one it names, else `compute()`'s, remembered for the next run."""
    prefix = os.path.join(package, "")
    try:
        stats = [[name, *_stat(prefix + name)] for name in modules]
    except OSError:
        return compute()
    memo = package / "__pycache__" / MEMO_NAME
    try:
        held = json.loads(memo.read_text(encoding="utf-8"))
        if isinstance(held, dict) and held.get("sources") == stats and isinstance(held.get("stamp"), str):
            return held["stamp"]
    except (OSError, ValueError):
        pass
    stamp = compute()
    if all(time.time_ns() - max(mtime_ns, ctime_ns) >= RACY_NS for _, _, mtime_ns, ctime_ns in stats):
        _write(memo, json.dumps({"sources": stats, "stamp": stamp}))
    return stamp


def _stat(path: str) -> tuple[int, int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _write(memo: Path, text: str) -> None:
    """Written whole under a private name, then renamed: a concurrent run reads the old memo or
    the new one, never half of one."""
    partial = memo.with_name(f"{MEMO_NAME}.{os.getpid()}")
    try:
        memo.parent.mkdir(exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, memo)
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
