"""A warm mention search reads only the files whose stored words may name the table, and finds
what a search of every file finds."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from depmap.index.build import Index, build_index
from depmap.mentions import find_mentions
from depmap.mentions import files as mention_files

FILES = {
    "db/schema.sql": "CREATE TABLE invoices (id bigint PRIMARY KEY, total_cents bigint NOT NULL);\n"
                     "CREATE TABLE refunds (id bigint PRIMARY KEY, invoice_id bigint NOT NULL);\n",
    "billing/totals.py": 'def month_total(cur):\n    cur.execute("SELECT sum(total_cents) FROM invoices")\n    return cur.fetchone()[0]\n',
    "billing/refunds.py": 'def pending(cur):\n    cur.execute("SELECT id FROM refunds WHERE invoice_id IS NULL")\n    return cur.fetchall()\n',
    "templates/invoice.html": "<h1>Invoices</h1>\n<p>{{ invoices|length }} open</p>\n",
    "docs/archive.md": "# Archive\n\nThe invoices table is copied to cold storage every night.\n",
    "reports/refunds.sql": "-- refunds are matched to INVOICES by hand\nSELECT id FROM refunds;\n",
    "docs/scanned.txt": "\0\0 scanned page: invoices 2019",
    "billing/settings.py": "INVOICES_KEPT_DAYS = 3650\n",  # the needle inside a longer word only
    "docs/legal.md": "Les factures (invoices_fr) sont archivées dix ans.\n",  # and in a file that is not ASCII
}
EXPECTED = [
    ("docs/archive.md", 3, "not-analysed"),
    ("reports/refunds.sql", 1, "comment"),
    ("templates/invoice.html", 1, "not-analysed"),
    ("templates/invoice.html", 2, "not-analysed"),
]


def age(root: Path, seconds: int = 60) -> None:
    """Every file made older than the cache's racy window, as in a checkout that did not just happen."""
    for path in [root, *root.rglob("*")]:
        if ".depmap" not in path.parts:
            info = path.stat()
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 1_000_000_000))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "billing_app"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode())
    age(root)
    build_index(root, jobs=1, use_cache=True)
    age(root)
    build_index(root, jobs=1, use_cache=True)  # the discovery snapshot and every file's words are stored
    return root


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The paths the mention search reads."""
    seen: list[str] = []
    real = mention_files.Reader.read_bytes

    def counted(self, file):  # noqa: ANN001
        seen.append(file.path)
        return real(self, file)

    monkeypatch.setattr(mention_files.Reader, "read_bytes", counted)
    return seen


def warm(root: Path, table: str = "invoices"):
    index = build_index(root, jobs=1, use_cache=True, partial=True)
    assert index.store is not None
    return find_mentions(index.focused([table]), [table])


def cold(root: Path, table: str = "invoices"):
    return find_mentions(build_index(root, jobs=1, use_cache=False), [table])


def found(search) -> list[tuple[str, int, str]]:
    return [(m.path, m.line, m.why) for m in search.mentions]


def test_a_name_in_files_without_facts_is_found_reading_only_the_files_that_hold_it(project, reads):
    search = warm(project)
    assert found(search) == EXPECTED
    assert sorted(reads) == ["billing/totals.py", "db/schema.sql", "docs/archive.md", "docs/legal.md", "reports/refunds.sql",
                             "templates/invoice.html"]
    # The scanned page is binary: neither searched nor read; settings.py holds the bytes but not the
    # word: counted as read (as a search of its bytes would), not read.
    assert (search.files_searched, search.files_read) == (8, 7)
    reads.clear()
    expected = cold(project)
    assert len(reads) == 9
    assert (search.to_json(), search.mentions) == (expected.to_json(), expected.mentions)


def test_a_word_written_into_a_file_is_found_and_one_removed_is_gone(project, reads):
    (project / "docs" / "archive.md").write_text("# Archive\n\nNothing is archived any more.\n")  # edited in place
    (project / "templates" / "refund.html").write_text("<p>Refunded against {{ refund.invoices|join }}</p>\n")  # new
    search = warm(project)  # the edited file's row is stale, the new file has none: both are read
    assert found(search) == [EXPECTED[1], EXPECTED[2], EXPECTED[3], ("templates/refund.html", 1, "not-analysed")]
    assert {"docs/archive.md", "templates/refund.html"} <= set(reads)
    assert (search.to_json(), search.mentions) == (cold(project).to_json(), cold(project).mentions)
    age(project)
    build_index(project, jobs=1, use_cache=True)  # a run that saves the cache stores their words
    reads.clear()
    assert found(warm(project)) == found(search)
    assert "docs/archive.md" not in reads and "templates/refund.html" in reads
    path = project / "billing" / "refunds.py"  # a scanned file: the index is linked again
    path.write_text(path.read_text() + "# invoices without a refund are not listed here\n")
    age(project)
    build_index(project, jobs=1, use_cache=True)
    reads.clear()
    search = warm(project)
    assert ("billing/refunds.py", 4, "comment") in found(search)
    assert "billing/refunds.py" in reads
    assert (search.to_json(), search.mentions) == (cold(project).to_json(), cold(project).mentions)


def test_a_file_too_recent_to_trust_is_read_until_it_is_older(project, reads):
    (project / "docs" / "later.md").write_text("invoices are kept for ten years\n")
    build_index(project, jobs=1, use_cache=True)  # written moments ago: no words stored for it
    assert ("docs/later.md", 1, "not-analysed") in found(warm(project))
    assert "docs/later.md" in reads


@pytest.mark.parametrize("damage", [
    "UPDATE mention_words SET words = 7",
    "UPDATE mention_words SET words = x'2061626320'",  # the right bytes, as a blob
    "UPDATE mention_words SET size = 'large'",
    "UPDATE mention_words SET content = 5",
    "UPDATE mention_words_stamp SET stamp = 'another depmap'",
    "DROP TABLE mention_words",
    "DROP TABLE mention_words_stamp",
])
def test_damaged_word_rows_mean_reading_every_file_with_the_same_answer(project, reads, damage):
    db = sqlite3.connect(project / ".depmap" / "cache.sqlite")
    db.execute(damage)
    db.commit()
    db.close()
    search = warm(project)
    assert found(search) == EXPECTED
    assert len(reads) == 9
    assert (search.to_json(), search.mentions) == (cold(project).to_json(), cold(project).mentions)
    build_index(project, jobs=1, use_cache=True)  # the next run that saves the cache stores them again
    reads.clear()
    assert found(warm(project)) == EXPECTED
    assert len(reads) == 6


def test_the_claims_come_from_the_stored_spans_without_decoding_facts(project, monkeypatch):
    def no_decoding(self, paths):  # noqa: ANN001
        raise AssertionError("facts decoded")

    expected = cold(project, "refunds")
    monkeypatch.setattr(Index, "facts_at", no_decoding)
    search = warm(project, "refunds")
    assert found(search) == [("reports/refunds.sql", 1, "comment")]
    assert (search.to_json(), search.mentions) == (expected.to_json(), expected.mentions)


@pytest.mark.parametrize("damage", [
    "UPDATE linked_spans SET spans = '[[1, 2]]'",
    "UPDATE linked_spans SET spans = 'not json'",
    # each would explain every line it names if read: a column of the wrong type, a row of seven
    "UPDATE linked_spans SET spans = '[[1, 99, \"usage\", 7, null, null]]'",
    "UPDATE linked_spans SET spans = '[[true, 99, \"usage\", \"refunds\", null, null]]'",
    "UPDATE linked_spans SET spans = '[[1, 99, \"usage\", \"refunds\", null, 5]]'",
    "UPDATE linked_spans SET spans = '[[1, 99, \"usage\", \"refunds\", null, null, null]]'",
    "UPDATE linked_spans SET spans = '[{\"start\": 1}]'",
    "UPDATE linked_spans_stamp SET key = 'another index'",
    "DROP TABLE linked_spans",
])
def test_damaged_spans_mean_decoding_the_facts_with_the_same_answer(project, damage):
    from depmap.index.span_store import spans_at

    db = sqlite3.connect(project / ".depmap" / "cache.sqlite")
    key = db.execute("SELECT key FROM linked_spans_stamp").fetchone()[0]
    paths = [path for (path,) in db.execute("SELECT path FROM linked_spans")]
    assert spans_at(db, key, paths) is not None
    db.execute(damage)
    db.commit()
    assert spans_at(db, key, paths) is None  # not read: the facts are decoded instead
    db.close()
    for table in ("invoices", "refunds"):
        search, expected = warm(project, table), cold(project, table)
        assert (search.to_json(), search.mentions) == (expected.to_json(), expected.mentions)
