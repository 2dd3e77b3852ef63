"""Markdown escaping for the pull-request report: scanned text must render as the text it is.

Jinja escapes nothing in a `.md` template, and a report quotes whatever the scanned project
holds: SQL with `|` and backticks, file names, messages that quote both. Unescaped, a pipe ends a
table cell, a newline ends the table, `<img ...>` or `<details>` renders as HTML, `@name`
notifies a GitHub user, and GitHub-flavoured Markdown turns a bare `https://…`, `www.…` or
e-mail address into a live link. These filters make such text inert:

- `md_text` / `md_cell`: inline text. The code spans it already holds (depmap's messages quote
  SQL in backticks) are re-emitted with safe fences; everywhere else Markdown punctuation is
  backslash-escaped, `<`, `>`, `&` and `|` become entities, a zero-width space goes after `@`
  and before the `:` of `://` and the `.` of `www.` (no mention, no autolink; the text reads the
  same), and newlines become `<br>`, so the text stays on one line of a table or list. Code spans
  are never autolinked.
- `md_code`: one code span (HTML is literal inside it; in a table, `|` still needs `\\|`).
- `md_fence`: a fenced block whose fence no line of the code can close.
- `md_where`: `path:line` as a code span, linked to the source when there is a link base.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from depmap.render.links import source_link

_BACKTICKS = re.compile(r"`+")
_PUNCTUATION = {"\\": "\\\\", "`": "\\`", "*": "\\*", "[": "\\[", "]": "\\]", "~": "\\~", "$": "\\$"}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;"}
_ZERO_WIDTH_SPACE = "&#8203;"
# Characters a URL keeps as they are; anything else (spaces, parentheses, pipes, angle brackets)
# is percent-encoded so that it cannot end the link or the table cell.
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


def md_text(value: object) -> str:
    """Inline text for a paragraph or list item."""
    return _inline(str(value), table=False)


def md_cell(value: object) -> str:
    """Inline text for a table cell."""
    return _inline(str(value), table=True)


def md_code(value: object, table: bool = False) -> str:
    """`value` as one code span, whatever backticks, pipes or newlines it holds."""
    text = " ".join(str(value).splitlines()).replace("\r", " ")
    if not text:
        return ""
    if table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    padded = text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ") and text.strip())
    return f"{fence} {text} {fence}" if padded else f"{fence}{text}{fence}"


def md_fence(value: object, language: str = "") -> str:
    """A fenced code block: the fence is longer than any backtick run inside, so nothing closes it early."""
    code = str(value).rstrip("\n")
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(code)), default=0) + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def md_url(url: str) -> str:
    """A link target that cannot end the link or the table cell early."""
    return quote(url, safe=_URL_SAFE)


def md_where(location: Any, link_base: str | None, table: bool = False) -> str:
    """`path:line` in code, as a link to the source when `link_base` is set; `(project)` without a path.

    `location` is a Location, anything else with a `path` (a whole file), or a path."""
    path = location if isinstance(location, str) else location.path
    line = getattr(location, "line", None)
    if not path:
        return f"({location.symbol})" if getattr(location, "symbol", None) else "(project)"
    label = md_code(f"{path}:{line}" if line else path, table=table)
    url = source_link(link_base, path, line, getattr(location, "site_end", None))
    return f"[{label}]({md_url(url)})" if url else label


FILTERS = {"md_text": md_text, "md_cell": md_cell, "md_code": md_code, "md_fence": md_fence, "md_where": md_where}


def _inline(text: str, *, table: bool) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    joined = "\n".join(lines)
    out = []
    for is_code, piece in _code_spans(joined):
        if is_code:
            out.append(md_code(_strip_span_padding(piece), table=table))
        else:
            out.append("<br>".join(_plain(line) for line in piece.split("\n")))
    return "".join(out)


def _code_spans(text: str) -> list[tuple[bool, str]]:
    """Split text into plain and code-span pieces as CommonMark does: a run of N backticks opens a
    span closed by the next run of exactly N; a run with no partner is plain text."""
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
        pieces.append((True, text[opening.end():closing.start()]))
        plain_start = position = closing.end()
    if plain_start < len(text):
        pieces.append((False, text[plain_start:]))
    return pieces


def _strip_span_padding(code: str) -> str:
    """CommonMark drops one space at each end of a span when both ends have one."""
    if len(code) >= 2 and code.startswith(" ") and code.endswith(" ") and code.strip():
        return code[1:-1]
    return code


def _plain(text: str) -> str:
    out = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if char in _PUNCTUATION:
            out.append(_PUNCTUATION[char])
        elif char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char == "_" and not (before.isalnum() and after.isalnum()):
            out.append("\\_")  # only an underscore inside a word cannot start or end emphasis
        elif char == "@" and (after.isalnum() or after in "-_"):
            out.append("@" + _ZERO_WIDTH_SPACE)  # `@name` would notify that GitHub user; `a@b.example` is a mailto link
        elif char == ":" and text.startswith("//", index + 1):
            out.append(_ZERO_WIDTH_SPACE + ":")  # `https://…` (any scheme) would be autolinked
        elif char == "." and text[max(index - 3, 0):index].lower() == "www":
            out.append(_ZERO_WIDTH_SPACE + ".")  # so would `www.…`
        else:
            out.append(char)
    return "".join(out)
