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
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from depmap.discover import SourceFile
from depmap.model import ScanResult

if TYPE_CHECKING:
    from depmap.index.worker_rows import FileParts

_LEVEL = 1


@dataclass(frozen=True)
class PackedParts:
    """A scan worker's rows of a file (`worker_rows.FileParts`) held until the index is written,
    when no staging writes them as they arrive (`staged_rows.stage` could not open the cache):
    `project` compressed, `groups` pickled and compressed."""

    digest: str
    project: bytes
    skipped: str
    groups: bytes
    words: Any


def packed_parts(parts: "FileParts") -> PackedParts:
    """`parts` compressed as they arrive, to be held (they shrink to a tenth)."""
    groups = zlib.compress(pickle.dumps(parts.groups, protocol=pickle.HIGHEST_PROTOCOL), _LEVEL)
    return PackedParts(parts.digest, zlib.compress(parts.project.encode(), _LEVEL), parts.skipped, groups, parts.words)


class PackedRows:
    """`linked_files` rows in the order they were added, their long texts compressed, and the
    `linked_context`/`linked_callees` rows of the files whose scan workers made them."""

    def __init__(self) -> None:
        self._rows: list[tuple[str, str, bytes, str]] = []
        self._groups: dict[str, bytes] = {}  # path -> `PackedParts.groups`

    def add(self, path: str, digest: str, project: str, skipped: str) -> None:
        self._rows.append((path, digest, zlib.compress(project.encode(), _LEVEL), skipped))

    def add_parts(self, path: str, digest: str, parts: PackedParts) -> None:
        """A row its scan worker made (`worker_rows`), with the file's groups."""
        self._rows.append((path, digest, parts.project, parts.skipped))
        self._groups[path] = parts.groups

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[tuple[str, str, str, str]]:
        for path, digest, packed, skipped in self._rows:
            yield path, digest, zlib.decompress(packed).decode(), skipped

    def rows_of(self, path: str, project: str) -> tuple[list[Any], list[Any]]:
        """`project_facts.rows_of` of a row of these (`project_facts.write_rows` asks): as its
        worker made them, else made here."""
        from depmap.index import project_facts

        made = self._groups.get(path)
        return pickle.loads(zlib.decompress(made)) if made is not None else project_facts.rows_of(path, project)


def packed_file_rows(files: Iterable[SourceFile], digests: Iterable[str], results: Iterable[ScanResult],
                     parts: Mapping[str, PackedParts] | None = None) -> PackedRows:
    """Every file's `linked_files` row after a scan of them all (`incremental.file_rows`, packed):
    each row's text is made and compressed before the next, so only one is ever whole. A file
    whose worker made its row (`parts`, when its digest is the one the row was made with) is not
    made again."""
    from depmap.index.relink import project_level
    from depmap.index.row_update import file_row

    parts = parts or {}
    rows = PackedRows()
    for file, digest, result in zip(files, digests, results):
        made = parts.get(file.path)
        if made is not None and made.digest == digest:
            rows.add_parts(file.path, digest, made)
        else:
            rows.add(*file_row(file.path, digest, project_level(file.path, result.facts), list(result.skipped)))
    return rows
