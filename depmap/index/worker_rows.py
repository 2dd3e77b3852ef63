"""Every per-file row of the cache a cold scan writes, made in the worker that scanned the file.

A cold scan stores, beside each file's scan cache row (already encoded in the worker), the file's
`linked_files` row (its project-level raw facts and what its scan skipped), those facts grouped
as a relink reads them (`project_facts.rows_of`), and the runs of word bytes the mention search
reads (`word_store`). Made in the main process after the scan, they cost 4-5 s at a million lines
on one core while the workers' cores sat idle. Each depends on one file alone, so the worker
makes them from the result it holds (the words from the bytes the scan read, as the mention
search reads them: checked against the discovered stat, never through a link), and the main
process only writes them, as they arrive (`staged_rows`); plain, since it no longer holds them
(where it must, `packed_rows.packed_parts` compresses them on arrival).

The texts are the ones the main process would make (the same functions over the same facts), so
the rows written are the same; a file without parts (read from the scan cache, rescanned in the
main process after a damaged row) gets its rows made there, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depmap.discover import ReadBytes, SourceFile
from depmap.index.word_store import WordRow
from depmap.model import ScanResult

@dataclass(frozen=True)
class FileParts:
    """One file's rows, as a worker sends them: `digest` the content they were made from, `project`
    the JSON of its project-level facts, `skipped` its skip reasons' JSON, `groups` the
    `linked_context` and `linked_callees` rows of those facts (`project_facts.rows_of`), `words`
    its `mention_words` row (None when the file could not be read as the mention search reads it:
    too recent, through a link)."""

    digest: str
    project: str
    skipped: str
    groups: tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]
    words: WordRow | None


def parts_of(root: Path, file: SourceFile, digest: str, result: ScanResult, read: ReadBytes | None = None) -> FileParts:
    """The rows of a file just scanned (in the worker), from its checked result (`plain_result`)
    and the bytes the scan read (`read`: with the stat of what they were read from)."""
    from depmap.index import fast_json, project_facts
    from depmap.index.relink import project_level

    items = [fact.to_json() for fact in project_level(file.path, result.facts)]
    project = fast_json.dumps(items)  # `row_update.file_row`'s texts
    skipped = fast_json.dumps([[item.path, item.reason] for item in result.skipped])
    groups = project_facts.rows_of_items(file.path, items) if items else ([], [])
    return FileParts(digest, project, skipped, groups, _words(root, file, read))


_readers: dict[Path, Any] = {}


def _words(root: Path, file: SourceFile, read: ReadBytes | None) -> WordRow | None:
    """The file's `mention_words` row, as the mention search reads it (`word_store.word_row`), from
    the bytes the scan read when it could read them."""
    import time

    from depmap.index.word_store import word_row
    from depmap.mentions.files import Reader

    reader = _readers.get(root)
    if reader is None:
        _readers.clear()  # one root per scan
        reader = _readers[root] = Reader(root)
    return word_row(root, reader, file, time.time_ns(), read)
