"""Where a file's comments, docstrings and strings are: what a word found at an offset is part of.

A mention in a comment or a docstring is prose; one in a string that no SQL scanner took never
reaches a query; one in code is a name, unless it only imports the model or annotates a type.
Python is read by a small lexer, one regular expression for comments and strings (from the
quote: a prefix such as `rb` made the expression four times slower) and line-level rules for the rest, never by `tokenize` or `ast` over
the whole file (on a large project they were most of a query's time):

- a docstring is a string alone on its lines whose previous code line does not leave an
  expression open (`(`, `[`, `{`, `,`, an operator, another string): a docstring, or prose
  kept between statements, which no SQL scanner reads either;
- an import is a line opening with `import` or `from x import` (through its closing bracket);
  only these statements are parsed, to know which models a module links (`import_tree`);
- an annotation follows `->` on its line, or a `name:` that opens the line or follows `(` or `,`
  (an annotated assignment, a parameter), with only type-like text between (not in a lambda).

SQL and dbt models have their own lexer (`--`, `/* */`, Jinja `{# #}`, skipping quoted text so
that a `--` inside a literal is not a comment); YAML its `#` comments. Any other kind has no
regions: every word in it is code.

>>> regions = python_regions("'''Orders.'''\\nx = 'orders'  # orders\\n")
>>> [regions.kind_at(i) for i in (3, 20, 31)]
['docstring', 'string', 'comment']
"""

from __future__ import annotations

import ast
import bisect
import re
import textwrap
from functools import cached_property

COMMENT, DOCSTRING, STRING, CODE = "comment", "docstring", "string", "code"
# What a piece of Python code is, beyond its tokens: an import statement, a type annotation.
IMPORT, ANNOTATION = "import", "annotation"

# Type-like text up to a word: names, dots, `|`, quotes, and at most one bracket left open
# (`dict[str, ` reaches `Order`; `x: int, ` does not reach the next parameter's name).
_TYPE_CHARS = r"[ \t\w.|'\"]*(?:\[[^\]\n]*)?"
_AFTER_ARROW = re.compile(rf"->{_TYPE_CHARS}\Z")
# `name: ` opening a line (not a keyword's colon), or after `(` or `,` (a parameter), then type-like text.
_AFTER_PARAMETER = re.compile(
    rf"(?:^|[(,])[ \t]*(?!(?:if|elif|else|while|for|with|try|except|finally|match|case|return|yield)\b)\*{{0,2}}[A-Za-z_][\w.]*[ \t]*:{_TYPE_CHARS}\Z",
    re.M,
)


class Regions:
    """Non-overlapping (start, end, kind) spans of a text, by offset; for Python source (`python`,
    the text), also the spans of its import statements."""

    def __init__(
        self, spans: list[tuple[int, int, str]] | None = None, python: str | None = None, imports: list[tuple[int, int]] | None = None
    ) -> None:
        self.spans = sorted(spans or [])
        self._starts = [start for start, _, _ in self.spans]
        self._python = python
        self._imports = imports or []

    def kind_at(self, offset: int) -> str:
        """COMMENT, DOCSTRING, STRING, or CODE when no region holds the offset."""
        position = bisect.bisect_right(self._starts, offset) - 1
        if position >= 0:
            start, end, kind = self.spans[position]
            if start <= offset < end:
                return self._told_apart(position) if kind == _PENDING else kind
        return CODE

    def _told_apart(self, position: int) -> str:
        """DOCSTRING or STRING for the Python string at `position`, decided when first asked: a
        search asks of a few strings of a file (telling each apart was a third of lexing it)."""
        start, end, _ = self.spans[position]
        text = self._python or ""
        begin = start  # the quote; a prefix (r, b, f, rb, ...) is not part of the match: faster
        while begin > start - 2 and begin and text[begin - 1] in _PREFIXES:
            begin -= 1
        before = self.spans[max(0, position - _LOOK_BACK):position]
        alone = (begin == 0 or text[begin - 1] in " \t\n") and _alone(text, begin, end, before)
        kind = DOCSTRING if alone else STRING
        self.spans[position] = (start, end, kind)
        return kind

    def role_at(self, offset: int) -> str | None:
        """IMPORT or ANNOTATION when the offset is inside one, else None."""
        if any(start <= offset < end for start, end in self._imports):
            return IMPORT
        text = self._python
        if text is None:
            return None
        line = text.rfind("\n", 0, offset) + 1
        window = max(line, offset - 200)  # a long line is looked at near the word only
        if _AFTER_ARROW.search(text, window, offset):
            return ANNOTATION
        if _AFTER_PARAMETER.search(text, window, offset) and "lambda" not in text[window:offset]:
            return ANNOTATION
        return None

    @cached_property
    def import_tree(self) -> ast.Module | None:
        """The module's import statements alone, parsed (each dedented; one that does not parse is
        left out): what the name links need, at a fraction of parsing the module."""
        if self._python is None:
            return None
        statements = []
        for start, end in self._imports:
            try:
                statements.extend(ast.parse(textwrap.dedent(self._python[start:end])).body)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
        return ast.Module(body=statements, type_ignores=[])


def regions_for(kind: str, text: str, reach: int | None = None) -> Regions:
    """The regions of a file of this `FileKind` (python, sql, yaml; any other kind has none);
    of Python, only as far as `reach` when given (see `python_regions`)."""
    if kind == "python":
        return python_regions(text, reach)
    if kind == "sql":
        return sql_regions(text)
    if kind in ("yaml", "dbt_project"):
        return yaml_regions(text)
    return Regions()


# -- Python ----------------------------------------------------------------------------------------

_PY_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
      |(?P<string>(?:'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)
            |\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)
            |'[^'\\\n]*(?:\\.[^'\\\n]*)*(?:'|$)
            |"[^"\\\n]*(?:\\.[^"\\\n]*)*(?:"|$)))""",
    re.S | re.X | re.M,
)
# Where a comment or string can start: searched for first, then the token matched there (twice
# as fast as `finditer`, which tries the whole expression at every character).
_TOKEN_START = re.compile(r"[#'\"]")
_PREFIXES = frozenset("rRbBuUfFtT")
_PENDING = "string?"  # a string not yet told apart from a docstring (`Regions._told_apart`)
_LOOK_BACK = 50  # regions before a string where the comments that end its previous code line are
_ENDS_STATEMENT = re.compile(r"[ \t]*(?:\#[^\n]*)?(?:\r?\n|\Z)")
_IMPORT_LINE = re.compile(r"[ \t]*(?:from[ \t]+[\w.]+[ \t]+import|import)\b[^\n]*")  # matched at a line's start
_OPEN_ENDINGS = tuple("([{,+-*/%=&|<>\\\"'") + (" and", " or", " not", " in", " is", " if", " else", "lambda")


def python_regions(text: str, reach: int | None = None) -> Regions:
    """Comments, docstrings, other strings and import statements of Python source, by a lexer
    that never fails: an unterminated string runs to the end of its line (or of the file). With
    `reach`, the comments and strings that start before it only: all that decides what an offset
    before it is part of (a search asks of the words it found, often early in a file)."""
    spans = []
    position = 0
    end = len(text) if reach is None else min(reach, len(text))
    while (quote := _TOKEN_START.search(text, position, end)) is not None:
        match = _PY_TOKENS.match(text, quote.start())
        if match is None:  # a quote that opens no string (a lone backslash before the end): as `finditer` skips it
            position = quote.start() + 1
            continue
        spans.append((*match.span(), COMMENT if match.lastgroup == "comment" else _PENDING))
        position = match.end()
    return Regions(spans, text, _imports(text))


def _alone(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    """Whether the string at start..end stands alone as a statement: nothing before it on its
    line, nothing but a comment after it, and a previous code line that closes its expression."""
    line = text.rfind("\n", 0, start) + 1
    if text[line:start].strip() or _ENDS_STATEMENT.match(text, end) is None:
        return False
    previous = _previous_code_line(text, line, spans)
    return not previous.endswith(_OPEN_ENDINGS)


def _previous_code_line(text: str, line: int, spans: list[tuple[int, int, str]]) -> str:
    """The last line before `line` holding code, its trailing comment cut, right-stripped."""
    end = line - 1
    comments = [(s, e) for s, e, kind in spans[-_LOOK_BACK:] if kind == COMMENT]
    while end > 0:
        begin = text.rfind("\n", 0, end) + 1
        stop = end
        for s, e in comments:
            if begin <= s < stop:
                stop = s
        code = text[begin:stop].rstrip()
        if code.strip():
            return code
        end = begin - 1
    return ""


def _imports(text: str) -> list[tuple[int, int]]:
    """Import statements: a line opening with `import` or `from x import`, through its closing
    bracket when the names are in one. Only the lines that hold the word are tried (found by
    `str.find`): a multi-line pattern tried at every line's start was a tenth of a warm query."""
    found = []
    position = 0
    while (at := text.find("import", position)) >= 0:
        match = _IMPORT_LINE.match(text, text.rfind("\n", 0, at) + 1)
        if match is None:  # this line is no import: the next line may be
            position = text.find("\n", at) + 1
            if position == 0:
                break
            continue
        start, end = match.span()
        if "(" in match.group() and ")" not in match.group():
            closing = text.find(")", end)
            end = closing + 1 if closing >= 0 else len(text)
        found.append((start, end))
        position = match.end()
    return found


# -- SQL and dbt models ------------------------------------------------------------------------------

_SQL_TOKENS = re.compile(
    r"""(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z)|\{\#.*?(?:\#\}|\Z))
      |'[^']*(?:''[^']*)*(?:'|\Z)
      |"[^"]*(?:""[^"]*)*(?:"|\Z)
      |(?P<dollar>\$[A-Za-z_]*\$).*?(?:(?P=dollar)|\Z)""",
    re.S | re.X,
)


def sql_regions(text: str) -> Regions:
    """Comments of SQL and of the Jinja in dbt models; literals and quoted names are skipped over
    (and are code: a literal in SQL is part of its statement)."""
    spans = [(m.start(), m.end(), COMMENT) for m in _SQL_TOKENS.finditer(text) if m.group("comment")]
    return Regions(spans)


# -- YAML ------------------------------------------------------------------------------------------


def yaml_regions(text: str) -> Regions:
    """`#` comments: at a line's start or after a space, outside quotes."""
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if "#" not in line:
            offset += len(line) + 1
            continue
        quote = ""
        for i, char in enumerate(line):
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"" and (i == 0 or line[i - 1] in " \t:[{,-"):
                quote = char
            elif char == "#" and (i == 0 or line[i - 1] in " \t"):
                spans.append((offset + i, offset + len(line), COMMENT))
                break
        offset += len(line) + 1
    return Regions(spans)
