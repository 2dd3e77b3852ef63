"""`python-files`/`sql-files` give project-specific extensions a scanner; in a Python file of
another extension, only the lines between the section markers are Python, at their real lines."""

from __future__ import annotations

from pathlib import Path

from depmap.index.build import build_index
from depmap.python.sections import python_sections

CONFIG = """\
[tool.depmap]
python-files = ["pages/*.page"]
sql-files = ["queries/*.hql"]
python-section-start = "^<%python>$"
python-section-end = "^</%python>$"
"""

PAGE = """\
<h1>Orders</h1>
<p>select something from nowhere</p>
<%python>
import sqlite3

def load(conn: sqlite3.Connection):
    return conn.execute("SELECT id, total FROM orders WHERE status = 'open'").fetchall()
</%python>
<ul>{% for o in orders %}<li>{{ o.id }}</li>{% endfor %}</ul>
"""


def test_sections_keep_their_lines() -> None:
    kept = python_sections(PAGE, "^<%python>$", "^</%python>$").split("\n")
    assert kept[:3] == ["", "", ""] and kept[3] == "import sqlite3" and kept[7:] == ["", "", ""]


def test_configured_extensions_are_scanned(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "orders.page").write_text(PAGE)
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "daily.hql").write_text("INSERT INTO daily_totals SELECT day, sum(total) FROM orders GROUP BY day;\n")
    (tmp_path / "pages" / "about.html").write_text("<p>SELECT * FROM orders</p>\n")  # not configured: not scanned
    index = build_index(tmp_path)
    readers = sorted((f.location.path, f.location.line, f.location.symbol, f.columns) for f in index.graph.readers("orders"))
    assert readers == [
        ("pages/orders.page", 7, "pages.orders.load", ("id", "total", "status")),
        ("queries/daily.hql", 1, None, ("day", "total")),
    ]
