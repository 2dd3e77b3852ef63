"""Scanned and user-given text made safe to print on a terminal.

A file name, a line of code or an argument may hold control characters: a newline fakes an
output line, ESC (and its one-byte C1 form, U+009B) starts an escape sequence that can recolour
the terminal, move the cursor or set the window title, and bidirectional controls reorder what
is shown. Terminal output shows each as a Python-style escape (`\\n`, `\\x1b`, `\\u202e`) instead;
the JSON, HTML and Markdown outputs keep the exact text and escape it their own way.
"""

from __future__ import annotations

import re

_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_BUT_LAYOUT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # keeps tab and newline
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    """One line: every control character, newlines included, as its escape."""
    return _CONTROL.sub(_escape, str(text))


def printable_lines(text: object) -> str:
    """Text whose newlines and tabs are its own layout (a message, a fix, SQL): other controls escaped."""
    return _CONTROL_BUT_LAYOUT.sub(_escape, str(text))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"
