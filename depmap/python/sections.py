"""Python kept between marker lines of another kind of file (a page file's code section).

With `python-section-start` (and `python-section-end`, the start marker again when unset)
configured, a file scanned as Python whose extension is not Python's keeps only the lines
between a start marker and the next end marker; every other line, markers included, becomes an
empty line, so each usage keeps its real line number.
"""

from __future__ import annotations

import re

PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


def python_sections(text: str, start: str, end: str) -> str:
    opening, closing = re.compile(start), re.compile(end)
    kept: list[str] = []
    inside = False
    for line in text.split("\n"):
        if not inside and opening.search(line):
            inside = True
            kept.append("")
        elif inside and closing.search(line):
            inside = False
            kept.append("")
        else:
            kept.append(line if inside else "")
    return "\n".join(kept)
