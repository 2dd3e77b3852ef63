"""The stored words of the searched files: written for new and stale files only, never through a
link or for a file too recent to trust, and right after a killed run."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from depmap.config import load_config
from depmap.index.build import build_index
from depmap.index.word_store import rows_to_write
from depmap.mentions.files import files_to_search
from depmap.mentions.words import WordFinder, file_words, needle_parts
from depmap.mentions.names import NameForm
from tests.index.test_query_index import answers, copy, SHOP, age, killed_after


def stored(root: Path) -> dict[str, tuple[int, str]]:
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        return {path: (binary, words) for path, binary, words in db.execute("SELECT path, content, words FROM mention_words")}
    finally:
        db.close()


def searched(root: Path):
    return files_to_search(root, load_config(root)[0]).files


def test_every_needle_the_bytes_test_finds_has_its_parts_in_the_stored_words():
    texts = [b"SELECT * FROM Sales.Orders o", b"customer__orders__status", b"x = Order.objects.all()\n",
             b"caf\xc3\xa9_orders = 1", b"ORDERS\tjoin line_items", b"myorders", b"\xff\xfeo\x00r\x00"]
    forms = [NameForm("sales.orders", "table"), NameForm("orders", "table"), NameForm("Order", "model"),
             NameForm("line_items", "table"), NameForm("orders", "accessor")]
    for text in texts:
        words = file_words(text)
        for form in forms:
            if WordFinder([form]).may_occur(text):
                assert all(part in words for part in needle_parts(form.text.lower().encode())), (text, form)
    assert file_words(b"customer__orders__status") == " customer__orders__status "
    assert sorted(file_words(b"SELECT id FROM Orders, ORDERS\n").split()) == ["from", "id", "orders", "select"]
    assert "orders" in file_words(b"customer__orders__status")  # the lookup's segment, as the bytes test sees it


def test_only_new_and_stale_files_are_read_and_gone_ones_dropped(tmp_path):
    root = copy(SHOP, tmp_path / "shop")
    build_index(root, jobs=1, use_cache=True)
    everything = stored(root)
    assert set(everything) == {f.path for f in searched(root)}
    assert everything["README.md"][0] == 0 and " orders " in everything["README.md"][1]
    assert rows_to_write(root, searched(root)).rows == []
    readme = root / "README.md"
    readme.write_text("Nothing about any table.\n")
    os.utime(readme, ns=(0, time.time_ns() - 60_000_000_000))  # edited a minute ago
    (root / "shop" / "reports" / "queries" / "monthly_revenue.sql").unlink()
    update = rows_to_write(root, searched(root))
    info = readme.stat()
    assert [row[:5] for row in update.rows] == [("README.md", info.st_size, info.st_mtime_ns, info.st_ctime_ns, 0)]
    assert sorted(update.rows[0][5].split()) == ["about", "any", "nothing", "table"]
    assert update.gone == ["shop/reports/queries/monthly_revenue.sql"]


def test_a_recent_file_and_a_file_through_a_link_are_left_to_be_read(tmp_path):
    root = copy(SHOP, tmp_path / "shop")
    (root / "notes.md").write_text("orders are archived yearly\n")  # moments ago
    os.symlink(root / "README.md", root / "shop" / "README.md")
    build_index(root, jobs=1, use_cache=True)
    rows = stored(root)
    assert "notes.md" not in rows and "shop/README.md" not in rows and "README.md" in rows


def test_runs_killed_while_saving_words_leave_answers_equal_to_a_run_without_the_cache(tmp_path):
    root = copy(SHOP, tmp_path / "shop")
    readme = root / "README.md"
    for delay in (0.3, 0.7, 1.1, 1.6):
        readme.write_text(readme.read_text() + f"\nThe orders table gained a column at step {delay}.\n")
        age(root)
        killed_after(delay, "scan", "--path", str(root), "-q")
        expected = answers(root, "--no-cache")
        assert answers(root) == expected
        assert answers(root) == expected  # and warm


def test_a_snapshot_row_of_the_wrong_shape_or_type_is_refused():
    import json

    import pytest

    from depmap.index.freshness import Snapshot

    good = Snapshot("s", [["", 1, 2]], [], [["a.py", "python", 3, 4, 5, True]], [["b.sql", "larger than 2 MB", True, False]])
    assert Snapshot.from_json(good.to_json()) == Snapshot.from_json(good.to_json())
    data = json.loads(good.to_json())
    for field, row in (("files", ["a.py", "python", 3, 4, True, True]), ("files", ["a.py", "python", 3, 4, 5]),
                       ("folders", ["", 1.0, 2]), ("skipped", ["b.sql", "x", 1, False]), ("files", "a.py")):
        with pytest.raises(ValueError):
            Snapshot.from_json(json.dumps({**data, field: [row]}))


def test_rows_read_under_one_stamp_are_not_written_under_another(tmp_path):
    root = copy(SHOP, tmp_path / "shop")
    build_index(root, jobs=1, use_cache=True)
    readme = root / "README.md"
    readme.write_text("The orders table, again.\n")
    os.utime(readme, ns=(0, time.time_ns() - 60_000_000_000))
    update = rows_to_write(root, searched(root))
    assert [row[0] for row in update.rows] == ["README.md"] and not update.restart
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite", isolation_level=None)
    db.execute("UPDATE mention_words_stamp SET stamp = 'another depmap'")  # replaced by another version meanwhile
    db.execute("BEGIN IMMEDIATE")
    update.write(db)
    db.execute("COMMIT")
    assert db.execute("SELECT path FROM mention_words").fetchall() == [("README.md",)]
    from depmap.index.cache import scanner_stamp

    assert db.execute("SELECT stamp FROM mention_words_stamp").fetchall() == [(scanner_stamp(),)]
    db.close()
