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
  same), newlines become `<br>`, so the text stays on one line of a table or list, and a leading
  `#`, `-`, `+`, `=` or `1.` is escaped, so it starts no heading or list. Code spans are never
  autolinked.
- `md_code`: one code span (HTML is literal inside it; in a table, `|` still needs `\\|`).
- `md_fence`: a fenced block whose fence no line of the code can close.
- `md_blocks`: a finding's message or fix (depmap.render.message_text): paragraphs as `md_text`,
  indented or fenced code as `md_fence`.
- `md_where`: `path:line` as a code span, linked to the source when there is a link base.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from depmap.render.links import source_link
from depmap.render.message_text import blocks, code_spans

_BACKTICKS = re.compile(r"`+")
_CODE_LANGUAGES = {"": "sql", "py": "python"}  # a rule's indented code is SQL
_PUNCTUATION = {"\\": "\\\\", "`": "\\`", "*": "\\*", "[": "\\[", "]": "\\]", "~": "\\~", "$": "\\$"}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;"}
_ZERO_WIDTH_SPACE = "&#8203;"
# What starts a heading, list, rule or setext underline at the start of a line (a paragraph of a
# message on a line of its own): escaped with a backslash.
_BLOCK_START = re.compile(r"(#{1,6}|[-+]|\d{1,9}[.)])([ \t]|$)|[=-]+[ \t]*$")
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


def md_blocks(value: object) -> str:
    """A message or fix: its paragraphs as `md_text`, its code blocks fenced, a blank line between."""
    return "\n\n".join(md_fence(block.text, _CODE_LANGUAGES.get(block.language, block.language)) if block.code else md_text(block.text)
                         for block in blocks(str(value)))


FILTERS = {"md_text": md_text, "md_blocks": md_blocks, "md_cell": md_cell, "md_code": md_code, "md_fence": md_fence, "md_where": md_where}


def _inline(text: str, *, table: bool) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    joined = "\n".join(lines)
    out = []
    for is_code, piece in code_spans(joined):
        if is_code:
            out.append(md_code(piece, table=table))
        else:
            out.append("<br>".join(_plain(line) for line in piece.split("\n")))
    text = "".join(out)
    start = _BLOCK_START.match(text)
    if start is None:
        return text
    mark = len(text) - len(text.lstrip("0123456789"))  # before the `.` of `12.`, else the first character
    return text[:mark] + "\\" + text[mark:]


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
