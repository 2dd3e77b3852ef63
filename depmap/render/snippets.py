"""Source excerpts for reports: a few lines around a site, highlighted, the site's lines marked.

Pygments escapes every character of the source, so a scanned file holding `<script>` shows it
as text. When the file cannot be read any more (moved, binary), the finding's own snippet is
shown instead, highlighted the same way.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from depmap.model import Location

CONTEXT_LINES = 3
MAX_MARKED_LINES = 12
_LEXER_BY_SUFFIX = {".sql": "sql", ".j2": "sql+jinja"}


class SourceReader:
    """Reads each scanned file once per report; paths are relative to the project root."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = self._read(path)
        return self._lines[path]

    def _read(self, path: str) -> list[str] | None:
        if self.root is None or not path:
            return None
        try:
            return (self.root / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None


def excerpt_html(reader: SourceReader, location: Location, fallback: str) -> str:
    """Highlighted HTML of the site's lines with some context (line numbers from the file).

    A site inside a longer statement shows the statement (up to `MAX_MARKED_LINES` either side
    of the site) with only the line naming the table marked; any other site marks all its lines.
    """
    path, line = location.path, location.line
    lines = reader.lines(path)
    if lines and 0 < line <= len(lines):
        if location.statement_line is not None:
            first = max(location.statement_line, line - MAX_MARKED_LINES)
            last = min(location.end_line or line, line + MAX_MARKED_LINES)
            marked_lines = [line]
        else:
            first, last = line, min(location.end_line or line, line + MAX_MARKED_LINES - 1)
            marked_lines = list(range(line, last + 1))
        first_shown = max(1, first - CONTEXT_LINES)
        last_shown = min(len(lines), last + CONTEXT_LINES)
        code = "\n".join(lines[first_shown - 1 : last_shown]) + "\n"
        return _highlight(code, path, first_shown, [n - first_shown + 1 for n in marked_lines])
    if fallback.strip():
        return _highlight(fallback.rstrip() + "\n", path, line or 1, [1])
    return ""


def _highlight(code: str, path: str, first_line: int, marked: list[int]) -> str:
    formatter = HtmlFormatter(linenos="inline", linenostart=first_line, hl_lines=marked, cssclass="code", wrapcode=True)
    return highlight(code, _lexer(path), formatter)


def _lexer(path: str) -> Lexer:
    suffix = Path(path).suffix.lower()
    return _lexer_named(_LEXER_BY_SUFFIX.get(suffix, ""), Path(path).name)


@lru_cache(maxsize=64)
def _lexer_named(alias: str, name: str) -> Lexer:
    from pygments.lexers import get_lexer_by_name

    try:
        return get_lexer_by_name(alias) if alias else get_lexer_for_filename(name)
    except ClassNotFound:
        return TextLexer()


def highlight_sql(statement: str) -> str:
    return highlight(statement, _lexer_named("sql", "x.sql"), HtmlFormatter(cssclass="code", wrapcode=True))


def highlight_python(code: str) -> str:
    return highlight(code, _lexer_named("python", "x.py"), HtmlFormatter(cssclass="code", wrapcode=True))


def pygments_css() -> str:
    """Token colours for light pages, and for dark ones under prefers-color-scheme."""
    light = _scoped(HtmlFormatter(style="default").get_style_defs(".code"))
    dark = _scoped(HtmlFormatter(style="monokai").get_style_defs(".code"))
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def _scoped(css: str) -> str:
    """Only the rules under .code: pygments also styles bare `pre` and `.linenos`, page-wide."""
    return "\n".join(line for line in css.splitlines() if line.startswith(".code"))
