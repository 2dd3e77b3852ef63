"""Terminal lines that never cut a word: aligned cells, prose wrapped with its indentation, code whole.

rich's tables and word wrapping fit everything into the terminal's width: they cut SQL mid-token
(`shippi…`), folded column names in two and sent a message's second line back to the margin. Here
every line is built whole and printed with soft wrap, which rich neither wraps nor crops (a line
wider than the terminal is shown as `grep` shows one). Only prose is wrapped, between words, and
an inline `code span` counts as one word; a line of a message that is indented (the numbered SQL
steps of a fix, a statement) is code and is printed as it is.
"""

from __future__ import annotations

import re
from typing import Sequence

from rich.console import Console
from rich.text import Text

GAP = "  "
_WORDS = re.compile(r"`[^`]*`\S*|\S+")  # a backtick span (and what sticks to it, `x`,) is one word


def print_line(out: Console, line: Text | str, style: str = "") -> None:
    """One line as it is (without trailing spaces): never wrapped, cropped or folded by rich.
    Where nothing is styled (a pipe, a file, a CI log) the line's text is written as rich would
    write it, tabs expanded: rich's rendering of each line was a fifth of a large `who-reads`."""
    text = line.copy() if isinstance(line, Text) else Text(line, style=style)
    text.rstrip()
    if out.color_system is None and not out.is_terminal and not out.record:
        text.expand_tabs(out.tab_size)
        out.file.write(text.plain + "\n")
        return
    out.print(text, soft_wrap=True)


def wrap_prose(text: str, width: int | None, indent: str = "", hang: str | None = None) -> list[str]:
    """`text` (one paragraph, no newline) as lines of at most `width` cells where the words allow:
    the first starts with `indent`, the next ones with `hang` (default: `indent`). A word wider
    than the room left gets a line of its own, whole. No width: one line."""
    if width is None:
        return [indent + text]
    hang = indent if hang is None else hang
    lines: list[str] = []
    current = ""
    for word in _WORDS.findall(text):
        prefix = hang if lines else indent
        if current and len(prefix) + len(current) + 1 + len(word) > max(width, len(prefix) + 20):
            lines.append(prefix + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current or not lines:
        lines.append((hang if lines else indent) + current)
    return lines


def block_lines(text: str, width: int | None, indent: str, hang: str | None = None) -> list[str]:
    """A message, a fix or a description: each prose line wrapped with `indent` on every line (the
    continuation of the first one with `hang`); each indented line (code, SQL, a numbered step)
    kept whole, indented the same."""
    lines: list[str] = []
    for number, line in enumerate(text.splitlines() or [""]):
        if not line.strip():
            lines.append("")
        elif line[0] in " \t":
            lines.append(indent + line)
        else:
            lines.extend(wrap_prose(line, width, indent, hang if number == 0 else None))
    return lines


def print_block(out: Console, text: str, indent: str, style: str = "", hang: str | None = None) -> None:
    """Prose wrapped to the terminal's width (in a pipe or a file, where nothing wraps, its lines
    as they are), code whole; every line indented."""
    width = None if out.soft_wrap else out.width
    for line in block_lines(text, width, indent, hang):
        print_line(out, Text(line, style=style))


def aligned(rows: Sequence[Sequence[Text]], right: Sequence[int] = (0,), widest: int | None = None) -> list[Text]:
    """Rows of cells as lines: every cell but the last padded to its column's width (the columns
    in `right` justified right), two spaces between cells, the last cell whole and unpadded.
    `widest`: a cell wider than this sets no column's width (it is followed by the gap alone), so
    one row naming eighty columns does not push every other row's code a thousand cells right."""
    if not rows:
        return []
    count = max(len(row) for row in rows)
    widths = [max((row[i].cell_len for row in rows if i < len(row) - 1 and (widest is None or row[i].cell_len <= widest)), default=0)
              for i in range(count)]
    lines = []
    for row in rows:
        line = Text()
        for i, cell in enumerate(row):
            if i:
                line.append(GAP)
            if i == len(row) - 1:
                line.append_text(cell)
                break
            pad = " " * max(widths[i] - cell.cell_len, 0)
            if i in right:
                line.append(pad)
                line.append_text(cell)
            else:
                line.append_text(cell)
                line.append(pad)
        lines.append(line)
    return lines


def wrap_list(items: Sequence[str], width: int, first_room: int, indent: int, prefix: str = "", suffix: str = "") -> list[str]:
    """`prefix` + items joined by ", " + `suffix`, broken after a comma only: the first line gets
    `first_room` cells, the next ones `width - indent` (each starts with `indent` spaces). An item
    wider than a line stays whole on a line of its own."""
    lines: list[str] = []
    current = prefix
    room = first_room
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else suffix)
        if current.strip() and len(current.rstrip()) + len(piece.rstrip()) > room:
            lines.append(current.rstrip())
            current = " " * indent + piece
            room = width
        else:
            current += piece
    if not items:
        current += suffix
    lines.append(current.rstrip())
    return lines
