"""A warm query over a tree a stored warm state vouches for answers without the scan cache, reads
only the word rows that may name its table, and finds what a search of every file finds; an edit,
a recent file, a link or a damaged row takes it back to the usual way."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from depmap.index.build import build_index
from depmap.index.cache import ScanCache
from depmap.index.freshness import Snapshot
from tests.mentions.test_stored_words import EXPECTED, age, cold, found, project, reads, warm  # noqa: F401 (fixtures)

DAMAGES = [
    "UPDATE mention_words SET words = 7",
    "UPDATE mention_words SET words = x'2061626320'",
    "UPDATE mention_words SET size = 'large'",
    "UPDATE mention_words SET content = 5",
    "UPDATE mention_words_stamp SET stamp = 'another depmap'",
    "DELETE FROM mention_words WHERE path = 'docs/archive.md'",
    "DROP TABLE mention_words",
]


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Each time a run opens the scan cache."""
    seen: list[str] = []
    real = ScanCache.open.__func__

    def counted(cls, root, ctx):  # noqa: ANN001
        seen.append(str(root))
        return real(cls, root, ctx)

    monkeypatch.setattr(ScanCache, "open", classmethod(counted))
    return seen


def state(root: Path) -> dict | None:
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        row = db.execute("SELECT value FROM linked_meta WHERE name = 'warm_state'").fetchone()
        return json.loads(row[0]) if row else None
    finally:
        db.close()


def snapshot_stat(root: Path, path: str) -> tuple[int, int, int]:
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        text = db.execute("SELECT value FROM linked_meta WHERE name = 'discovery'").fetchone()[0]
    finally:
        db.close()
    return next(tuple(row[2:5]) for row in Snapshot.from_json(text).files if row[0] == path)


def test_the_second_warm_query_opens_no_scan_cache_and_reads_the_same_files(project, reads, opened):
    first = warm(project)  # proves the tree unchanged, then vouches for it
    assert len(opened) == 1
    assert state(project)["unworded"] == [] and state(project)["rows"] == 9
    first_reads, _ = sorted(reads), reads.clear()
    second = warm(project)
    assert len(opened) == 1  # not again
    assert found(second) == EXPECTED
    assert sorted(reads) == first_reads
    assert (second.files_searched, second.files_read) == (first.files_searched, first.files_read) == (8, 7)
    expected = cold(project)
    assert (second.to_json(), second.mentions) == (expected.to_json(), expected.mentions)
    refunds = warm(project, "refunds")
    assert len(opened) == 1
    assert refunds.to_json() == cold(project, "refunds").to_json()


def test_an_edit_is_seen_and_the_snapshot_takes_its_stat_so_that_the_next_query_is_vouched_for_again(project, reads, opened):
    warm(project)
    archive = project / "docs" / "archive.md"
    archive.write_text("# Archive\n\nNothing is archived any more.\n")  # moments ago, and not a scanned file
    reads.clear()
    search = warm(project)  # the tree moved away from the snapshot: the usual way
    assert len(opened) == 2
    assert found(search) == EXPECTED[1:]
    assert "docs/archive.md" in reads  # its word row is stale
    info = archive.stat()
    assert snapshot_stat(project, "docs/archive.md") == (info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    warm(project)
    assert len(opened) == 3  # too recent to vouch for
    os.utime(archive, ns=(info.st_atime_ns, info.st_mtime_ns - 60_000_000_000))
    warm(project)
    assert len(opened) == 4
    assert state(project)["unworded"] == ["docs/archive.md"]  # no scan stored its words since
    reads.clear()
    again = warm(project)
    assert len(opened) == 4
    assert "docs/archive.md" in reads  # read, not taken for a file without the name
    assert (again.to_json(), again.mentions) == (cold(project).to_json(), cold(project).mentions)


def test_no_state_is_stored_while_a_file_is_too_recent(project, reads, opened):
    (project / "docs" / "later.md").write_text("invoices are kept for ten years\n")
    assert ("docs/later.md", 1, "not-analysed") in found(warm(project))
    assert state(project) is None
    assert ("docs/later.md", 1, "not-analysed") in found(warm(project))
    assert len(opened) == 2


def test_a_file_through_a_link_has_no_words_and_is_read_under_the_state(tmp_path, reads, opened):
    from tests.mentions.test_stored_words import FILES

    root = tmp_path / "billing_app"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text) if "\0" not in text else (root / rel).write_bytes(text.encode())
    os.symlink(root / "docs" / "archive.md", root / "docs" / "archive_copy.md")
    for _ in range(2):
        age(root)
        build_index(root, jobs=1, use_cache=True)  # the second stores the snapshot and the words
    warm(root)
    assert state(root)["unworded"] == ["docs/archive_copy.md"]
    reads.clear()
    search = warm(root)
    assert len(opened) == 3
    assert ("docs/archive_copy.md", 3, "not-analysed") in found(search)
    assert "docs/archive_copy.md" in reads
    assert (search.to_json(), search.mentions) == (cold(root).to_json(), cold(root).mentions)


@pytest.mark.parametrize("damage", DAMAGES)
def test_word_rows_damaged_after_the_state_was_stored_are_read_with_the_same_answer(project, reads, damage):
    warm(project)
    assert state(project) is not None
    db = sqlite3.connect(project / ".depmap" / "cache.sqlite")
    db.execute(damage)
    db.commit()
    db.close()
    reads.clear()
    search = warm(project)
    assert found(search) == EXPECTED
    assert "docs/archive.md" in reads
    assert (search.to_json(), search.mentions) == (cold(project).to_json(), cold(project).mentions)


@pytest.mark.parametrize("damage", [
    "UPDATE linked_meta SET value = 'not json' WHERE name = 'warm_state'",
    "UPDATE linked_meta SET value = json_set(value, '$.rows', 'nine') WHERE name = 'warm_state'",
    "UPDATE linked_meta SET value = json_set(value, '$.key', 'another') WHERE name = 'warm_state'",
    "UPDATE linked_meta SET value = json_remove(value, '$.unworded') WHERE name = 'warm_state'",
])
def test_a_damaged_state_is_not_taken(project, reads, opened, damage):
    warm(project)
    db = sqlite3.connect(project / ".depmap" / "cache.sqlite")
    db.execute(damage)
    db.commit()
    db.close()
    search = warm(project)
    assert len(opened) == 2
    assert found(search) == EXPECTED
    assert state(project)["rows"] == 9  # and the usual way stores it again


def test_a_run_that_writes_word_rows_forgets_the_state(project):
    warm(project)
    assert state(project) is not None
    (project / "docs" / "new.md").write_text("invoices, again\n")
    age(project)
    build_index(project, jobs=1, use_cache=True)  # stores the new file's words
    assert state(project) is None


def test_a_query_does_not_wait_for_another_run_writing_to_vouch(project, opened):
    import time

    writer = sqlite3.connect(project / ".depmap" / "cache.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another run in the middle of writing
    try:
        started = time.monotonic()
        assert found(warm(project)) == EXPECTED
        assert time.monotonic() - started < 10  # the store's own read waits for nothing either
        assert state(project) is None
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    warm(project)
    assert state(project) is not None
    warm(project)
    assert len(opened) == 2
