"""The small Markdown of finding messages and fixes, split once for every report that renders it.

Rules write plain sentences that quote SQL and names in `code spans`, and sometimes put a
statement or a numbered list of statements on lines of their own, indented (two spaces or more)
or fenced with ``` . Nothing else is markup: a `*`, `_`, `<` or `[` in a message is the text it
is (it is often scanned SQL or a file name). `blocks` splits a message into paragraphs and code
blocks and `code_spans` a paragraph into text and code, as CommonMark does; the HTML report turns
them into escaped text, `<code>` and highlighted `<pre>`, the Markdown report into escaped text,
code spans and fences.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

_BACKTICKS = re.compile(r"`+")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$")
_INDENT = "  "


@dataclass(frozen=True)
class Block:
    """A paragraph (its lines joined by newlines), or a code block with its language if it named one."""

    text: str
    code: bool = False
    language: str = ""


def blocks(message: str) -> list[Block]:
    """Paragraphs and code blocks, in order. Blank lines end a paragraph; a run of indented lines
    (blank lines inside it kept) is one code block, dedented; a fence runs to its closing fence
    (or to the end of the message)."""
    lines = message.strip("\n").splitlines()
    found: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            found.append(Block("\n".join(line.strip() for line in paragraph)))
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            end_paragraph()
            marker, language = fence.groups()
            closing = next((n for n in range(index + 1, len(lines)) if lines[n].strip().startswith(marker[0] * len(marker))
                            and not lines[n].strip().strip(marker[0])), len(lines))
            found.append(Block(textwrap.dedent("\n".join(lines[index + 1 : closing])).strip("\n"), True, language.lower()))
            index = closing + 1
        elif line.startswith(_INDENT) and line.strip():
            end_paragraph()
            last = index
            while last + 1 < len(lines) and (lines[last + 1].startswith(_INDENT) or
                                             (not lines[last + 1].strip() and _indented_after(lines, last + 1))):
                last += 1
            found.append(Block(textwrap.dedent("\n".join(lines[index : last + 1])).strip("\n"), True))
            index = last + 1
        elif not line.strip():
            end_paragraph()
            index += 1
        else:
            paragraph.append(line)
            index += 1
    end_paragraph()
    return found


def _indented_after(lines: list[str], blank: int) -> bool:
    """Whether the blank line at `blank` is followed (after more blank lines) by an indented one."""
    rest = next((line for line in lines[blank:] if line.strip()), "")
    return rest.startswith(_INDENT)


def code_spans(text: str) -> list[tuple[bool, str]]:
    """Split text into plain and code-span pieces as CommonMark does: a run of N backticks opens a
    span closed by the next run of exactly N; a run with no partner is plain text. Code pieces
    come without their backticks and without the one space CommonMark strips at each end."""
    pieces: list[tuple[bool, str]] = []
    plain_start = position = 0
    while True:
        opening = _BACKTICKS.search(text, position)
        if opening is None:
            break
        closing = next((m for m in _BACKTICKS.finditer(text, opening.end()) if len(m.group()) == len(opening.group())), None)
        if closing is None:
            position = opening.end()
            continue
        if opening.start() > plain_start:
            pieces.append((False, text[plain_start:opening.start()]))
        pieces.append((True, _strip_span_padding(text[opening.end():closing.start()])))
        plain_start = position = closing.end()
    if plain_start < len(text):
        pieces.append((False, text[plain_start:]))
    return pieces


def _strip_span_padding(code: str) -> str:
    """CommonMark drops one space at each end of a span when both ends have one."""
    if len(code) >= 2 and code.startswith(" ") and code.endswith(" ") and code.strip():
        return code[1:-1]
    return code
