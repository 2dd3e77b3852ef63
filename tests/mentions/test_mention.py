"""A mention's JSON, and the search's account of itself."""

from __future__ import annotations

from depmap.mentions.mention import Mention, MentionSearch
from depmap.model import Skipped


def test_json_of_a_mention_and_of_the_search():
    search = MentionSearch(
        ("orders",),
        ("Order", "orders"),
        [Mention("a.py", 3, "string", 'log("orders")'), Mention("b.html", 1, "not-analysed", "orders", "no scanner reads .html files"),
         Mention("c.py", 9, "string", "'orders'")],
        files_searched=12,
        files_read=3,
        not_searched=[Skipped("big.md", "larger than 2000000 bytes")],
    )
    assert [m.to_json() for m in search.mentions] == [
        {"path": "a.py", "line": 3, "text": 'log("orders")', "why": "string"},
        {"path": "b.html", "line": 1, "text": "orders", "why": "not-analysed", "detail": "no scanner reads .html files"},
        {"path": "c.py", "line": 9, "text": "'orders'", "why": "string"},
    ]
    assert search.to_json() == {
        "names": ["Order", "orders"],
        "files_searched": 12,
        "files_read": 3,
        "by_reason": {"not-analysed": 1, "string": 2},
        "not_searched": [{"path": "big.md", "reason": "larger than 2000000 bytes"}],
    }


def test_mentions_sort_by_path_then_line():
    found = sorted([Mention("b.py", 1, "comment", "x"), Mention("a.py", 10, "string", "x"), Mention("a.py", 2, "string", "x")])
    assert [(m.path, m.line) for m in found] == [("a.py", 2), ("a.py", 10), ("b.py", 1)]
