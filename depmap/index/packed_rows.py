"""Every scanned file's `linked_files` row, held compressed until a cold scan writes its index.

A row carries the file's project-level raw facts as JSON (`row_update.file_row`): what relinking
reads after a change. Since every call and what each function touches became project-level, those
texts add up to 85 MB at a million lines, held from the end of the scan until the index is written,
which is the highest point of a cold scan's memory. Compressed one row at a time (zlib, the fastest
level) they hold a tenth of that, and each is inflated only as SQLite takes it. The rows written
are the same text.
"""

from __future__ import annotations

import zlib
from typing import Iterable, Iterator

from depmap.discover import SourceFile
from depmap.model import ScanResult

_LEVEL = 1


class PackedRows:
    """`linked_files` rows in the order they were added, their long texts compressed."""

    def __init__(self) -> None:
        self._rows: list[tuple[str, str, bytes, str]] = []

    def add(self, path: str, digest: str, project: str, skipped: str) -> None:
        self._rows.append((path, digest, zlib.compress(project.encode(), _LEVEL), skipped))

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[tuple[str, str, str, str]]:
        for path, digest, packed, skipped in self._rows:
            yield path, digest, zlib.decompress(packed).decode(), skipped


def packed_file_rows(files: Iterable[SourceFile], digests: Iterable[str], results: Iterable[ScanResult]) -> PackedRows:
    """Every file's `linked_files` row after a scan of them all (`incremental.file_rows`, packed):
    each row's text is made and compressed before the next, so only one is ever whole."""
    from depmap.index.relink import project_level
    from depmap.index.row_update import file_row

    rows = PackedRows()
    for file, digest, result in zip(files, digests, results):
        rows.add(*file_row(file.path, digest, project_level(file.path, result.facts), list(result.skipped)))
    return rows
