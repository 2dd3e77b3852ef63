"""Cheap text tests that decide whether a file is parsed at all, written so that `re` stays fast.

A pattern that starts with a literal (`session\\.`) makes `re` jump from one occurrence of that
literal to the next; one that starts with `\\b`, an alternation or a case-insensitive group makes
it try the whole pattern at every character: 30 times slower, about 0.7 s per 100k lines for
the SQLAlchemy and Alembic prefilters together before they were split up like this. So: literal
tests with `in`, patterns that start with their literal, and word boundaries checked by hand.
"""

from __future__ import annotations

import re


def mentions(text: str, word: str) -> bool:
    """`word` anywhere in `text`, in any letter case."""
    return word in text or word in text.lower()


def search_word(pattern: re.Pattern[str], text: str, *, not_after: str = "") -> bool:
    """Does `pattern` match where a word starts (`\\bpattern`), not right after `not_after`?"""
    for match in pattern.finditer(text):
        start = match.start()
        before = text[start - 1] if start else ""
        if before and (before.isalnum() or before == "_"):
            continue
        if not_after and text[max(0, start - len(not_after)) : start] == not_after:
            continue
        return True
    return False


__all__ = ["mentions", "search_word"]
