"""Which files are searched, and reading them: never out of the root, never a binary file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depmap.config import Config
from depmap.discover import SourceFile
from depmap.mentions.files import Reader, decode, files_to_search, read_bytes, searched, unread_kind
from depmap.model import Skipped


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("models.py", True),
        ("schema.sql", True),
        ("sources.yml", True),
        ("orders.html", True),
        ("README.md", True),
        ("notes.txt", True),
        ("app.ts", True),
        ("Dockerfile", True),
        ("report.ipynb", True),
        ("seed.csv", False),  # rows of data, not code
        ("poetry.lock", False),
        ("package-lock.json", False),
        ("yarn.lock", False),
        ("bundle.min.js", False),
        ("bundle.js.map", False),
        ("django.po", False),
        ("logo.png", False),
        ("style.css", False),
    ],
)
def test_which_file_names_are_searched(name: str, expected: bool):
    assert searched(name) is expected


def file(path: str, kind: str = "other") -> SourceFile:
    return SourceFile(path, kind, 0, 0)


def test_a_kind_no_scanner_reads_is_named():
    assert unread_kind(file("shop/templates/orders.html")) == "no scanner reads .html files"
    assert unread_kind(file("Dockerfile")) == "no scanner reads this kind of file"
    assert unread_kind(file("shop/models.py", "python")) is None


def test_discovery_rules_apply(tmp_path: Path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text("x = 1\n")
    (tmp_path / "app" / "page.html").write_text("<p>orders</p>\n")
    (tmp_path / "app" / "data.csv").write_text("orders\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "lib.js").write_text("orders\n")
    (tmp_path / ".gitignore").write_text("*.html\n")
    assert [f.path for f in files_to_search(tmp_path, Config()).files] == ["app/views.py"]


def test_a_link_out_of_the_root_is_never_read(tmp_path: Path):
    outside = tmp_path / "outside.md"
    outside.write_text("orders\n")
    root = tmp_path / "project"
    root.mkdir()
    os.symlink(outside, root / "notes.md")
    assert files_to_search(root, Config()).files == []  # discovery does not follow it
    assert read_bytes(root, file("notes.md")) == Skipped("notes.md", "leads outside the scanned root: not searched")


def test_binary_files_are_left_out_silently_and_minified_ones_said(tmp_path: Path):
    (tmp_path / "blob.txt").write_bytes(b"orders\0\1\2")
    (tmp_path / "app.js").write_text("var orders=[" + "1," * 12_000 + "];")
    assert read_bytes(tmp_path, file("blob.txt")) is None
    data = read_bytes(tmp_path, file("app.js"))
    assert isinstance(data, bytes)
    assert decode(file("app.js"), data) == Skipped("app.js", "looks minified (a line over 20000 characters): not searched")


def test_text_is_decoded_as_its_tooling_reads_it():
    assert decode(file("a.py", "python"), b"# -*- coding: latin-1 -*-\nx = '\xe9'\n") == "# -*- coding: latin-1 -*-\nx = '\xe9'\n"
    assert decode(file("a.sql", "sql"), b"\xef\xbb\xbfselect 1 -- \xff\n") == "select 1 -- \ufffd\n"
    assert decode(file("a.sql", "sql"), "select 1\n".encode("utf-16")) == "select 1\n"


def test_the_reader_checks_each_folder_once_and_each_linked_file_whole(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("orders\n")
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "real.md").write_text("orders\n")
    os.symlink(root / "docs" / "real.md", root / "docs" / "alias.md")  # a link inside the root: read
    os.symlink(outside / "secret.md", root / "docs" / "leak.md")  # a file link out of it: never
    os.symlink(outside, root / "vendor")  # a folder link out of it: never
    reader = Reader(root)
    assert reader.read_bytes(file("docs/real.md")) == b"orders\n"
    assert reader.read_bytes(file("docs/alias.md")) == b"orders\n"
    for path in ("docs/leak.md", "vendor/secret.md"):
        assert reader.read_bytes(file(path)) == Skipped(path, "leads outside the scanned root: not searched")
    assert reader.read_bytes(file("docs/gone.md")) == Skipped("docs/gone.md", "not searched: No such file or directory")
