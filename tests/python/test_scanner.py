"""What the Python scanner says of a file it cannot read: the real cause, at the real line."""

from __future__ import annotations

import sys

import pytest

from depmap.frameworks.sql_in_python.strings import SQL_STRINGS
from depmap.python.scanner import scan_python
from depmap.scan_context import ScanContext

QUERY = 'def active(cursor):\n    cursor.execute("SELECT id FROM orders")\n'


def reason(source: str) -> str:
    result = scan_python("shop/queries.py", QUERY + source, ScanContext(), analyses=(SQL_STRINGS,))
    assert result.facts == []
    (skipped,) = result.skipped
    return skipped.reason


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1 = 2\n", "Python syntax error at line 3, column 5: cannot assign to literal"),
        ("def f(:\n    pass\n", "Python syntax error at line 3, column 7: invalid syntax"),
        ('print "total"\n', "Python syntax error at line 3, column 1: Missing parentheses in call to 'print'. "
                            "Did you mean print(...)? (Python 2 syntax? depmap reads Python 3 only)"),
        pytest.param('label = f"{"open"}"\n', "Python syntax newer than the Python 3.11 running depmap (line 3): "
                     "not analysed (run depmap on the project's Python version)",
                     marks=pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="PEP 701 f-strings are newer than 3.11 only")),
    ],
)
def test_syntax_errors_are_told_from_newer_syntax(source, expected):
    assert reason(source) == expected


def test_brackets_nested_past_the_native_parser_are_never_handed_to_it():
    """libcst's parser, which words the reason, crashes (a segmentation fault) near 1,500 nested
    brackets; CPython's own message is used instead."""
    assert reason("table = " + "[" * 3000 + "]" * 3000 + "\n") == "Python syntax error at line 3: too many nested parentheses"


def test_a_nul_byte_is_reported_at_its_own_line():
    assert reason("x = 1\n" * 2000 + 'marker = "\0"\n') == "NUL byte at line 2003: not Python source text"
