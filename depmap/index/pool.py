"""Scan files across processes: scanners are pure functions of (path, text, context), so files
can go to any worker and come back in their original order; the merge is deterministic.

A pool costs about 0.1 s to start and each task pickles its text and facts, so a handful of
files is scanned in-process.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Iterator, Optional

from depmap.discover import SourceFile
from depmap.model import ScanResult
from depmap.scan_context import ScanContext

MIN_FILES_FOR_POOL = 40


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


Outcome = tuple[str, Optional[ScanResult], Optional[bytes]]  # digest, result, result encoded for the cache


def scan_files(
    root: Path, work: list[tuple[SourceFile, str]], ctx: ScanContext, jobs: int, debug: bool = False, encode: bool = False
) -> Iterator[Outcome]:
    """For each (file, digest the cache holds for it): (its content digest, its ScanResult, the
    result encoded for the cache when `encode`), or (digest, None, None) when the content is what
    the cache holds. In the order given.

    Workers read the files themselves, so no process ever holds the whole tree's text, and encode
    what they found, so the parent (which only stores it) does not compete with them for a core."""
    tasks = [(root, file, known, ctx, debug, encode) for file, known in work]
    if jobs <= 1 or len(work) < MIN_FILES_FOR_POOL:
        for task in tasks:
            yield read_and_scan(*task)
        return
    from concurrent.futures import ProcessPoolExecutor  # here: a warm run, which scans nothing, never pays for it

    chunk = max(1, min(16, len(work) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_task, tasks, chunksize=chunk)


def _task(task: tuple[Path, SourceFile, str, ScanContext, bool, bool]) -> Outcome:
    if not gc.isenabled():
        gc.enable()  # forked from a parent that pauses collection while it links; syntax trees need it
    return read_and_scan(*task)


def read_and_scan(
    root: Path, file: SourceFile, known: str, ctx: ScanContext, debug: bool = False, encode: bool = False
) -> Outcome:
    from depmap.index.cache import content_digest, encode_result
    from depmap.discover import read_source
    from depmap.model import Skipped

    text = read_source(root, file)
    if isinstance(text, Skipped):  # unreadable, binary, minified: remembered by its stat
        digest, result = f"unread:{file.size}:{file.mtime_ns}", ScanResult(skipped=[text])
    else:
        digest = content_digest(text)
        if digest == known:
            return digest, None, None
        result = scan_text(file, text, ctx, debug)
    return digest, result, encode_result(result) if encode else None


def scan_text(file: SourceFile, text: str, ctx: ScanContext, debug: bool = False) -> ScanResult:
    """Every scanner of the file's kind over its text; a scanner that fails costs this file only."""
    from depmap.model import Skipped
    from depmap.registry import SCANNERS

    facts = []
    skipped = []
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

