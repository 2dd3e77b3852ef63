"""Where a file's comments, docstrings and strings are: what a word found at an offset is part of.

A mention in a comment or a docstring is prose; one in a string that no SQL scanner took never
reaches a query; one in code is a name. Python is read with its own tokenizer (comments, strings,
f-strings) and `ast` (which strings are docstrings: a string standing alone as a statement); SQL
and dbt models with a small lexer (`--`, `/* */`, Jinja `{# #}`, skipping quoted text so that a
`--` inside a literal is not a comment); YAML by its `#` comments. Any other kind has no regions:
every word in it is code.

>>> regions = python_regions("'''Orders.'''\\nx = 'orders'  # orders\\n")
>>> [regions.kind_at(i) for i in (3, 20, 31)]
['docstring', 'string', 'comment']
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from dataclasses import dataclass, field

COMMENT, DOCSTRING, STRING, CODE = "comment", "docstring", "string", "code"
# What a piece of Python code is, beyond its tokens: an import statement, a type annotation.
IMPORT, ANNOTATION = "import", "annotation"


@dataclass
class Regions:
    """Non-overlapping (start, end, kind) spans of a text, by offset; for Python, the `roles` of
    statements and expressions (imports, annotations: spans that may hold strings) and the
    module's `ast` when it parsed (the name links are read from its imports)."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)
    tree: ast.Module | None = None
    roles: list[tuple[int, int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.spans.sort()
        self._starts = [start for start, _, _ in self.spans]

    def kind_at(self, offset: int) -> str:
        """COMMENT, DOCSTRING, STRING, or CODE when no region holds the offset."""
        position = bisect.bisect_right(self._starts, offset) - 1
        if position >= 0:
            start, end, kind = self.spans[position]
            if start <= offset < end:
                return kind
        return CODE

    def role_at(self, offset: int) -> str | None:
        """IMPORT or ANNOTATION when the offset is inside one, else None."""
        return next((role for start, end, role in self.roles if start <= offset < end), None)


def regions_for(kind: str, text: str) -> Regions:
    """The regions of a file of this `FileKind` (python, sql, yaml; any other kind has none)."""
    if kind == "python":
        return python_regions(text)
    if kind == "sql":
        return sql_regions(text)
    if kind in ("yaml", "dbt_project"):
        return yaml_regions(text)
    return Regions()


# -- Python ----------------------------------------------------------------------------------------


def python_regions(text: str) -> Regions:
    """Comments, docstrings and other strings of Python source; a file the tokenizer cannot read
    to the end keeps the regions found before the error."""
    starts = _line_starts(text)
    try:
        tree: ast.Module | None = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    docstring_lines = _docstring_lines(tree) if tree is not None else set()
    spans: list[tuple[int, int, str]] = []
    depth = 0  # inside an f-string of Python 3.12+, whose parts are tokens of their own
    opened = (0, 0)
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == fstring_start:
                if depth == 0:
                    opened = token.start
                depth += 1
            elif token.type == fstring_end and depth:
                depth -= 1
                if depth == 0:
                    spans.append(_string_span(starts, opened, token.end, docstring_lines))
            elif depth:
                continue
            elif token.type == tokenize.COMMENT:
                spans.append((_offset(starts, token.start), _offset(starts, token.end), COMMENT))
            elif token.type == tokenize.STRING:
                spans.append(_string_span(starts, token.start, token.end, docstring_lines))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return Regions(spans, tree, _roles(tree, text, starts) if tree is not None else [])


def _roles(tree: ast.Module, text: str, starts: list[int]) -> list[tuple[int, int, str]]:
    """Spans of import statements and type annotations (a string annotation included)."""
    roles: list[tuple[int, int, str]] = []

    def add(node: ast.AST | None, role: str) -> None:
        if node is not None and getattr(node, "end_lineno", None) is not None:
            begin = _char_offset(text, starts, node.lineno, node.col_offset)  # type: ignore[attr-defined]
            roles.append((begin, _char_offset(text, starts, node.end_lineno, node.end_col_offset), role))  # type: ignore[attr-defined]

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            add(node, IMPORT)
        elif isinstance(node, ast.arg):
            add(node.annotation, ANNOTATION)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node.returns, ANNOTATION)
        elif isinstance(node, ast.AnnAssign):
            add(node.annotation, ANNOTATION)
    return roles


def _char_offset(text: str, starts: list[int], lineno: int, byte_col: int) -> int:
    """The text offset of an `ast` position, whose column counts UTF-8 bytes."""
    begin = starts[min(lineno, len(starts)) - 1]
    line = text[begin : begin + byte_col]  # a byte column is never fewer characters than bytes
    return begin + len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _string_span(starts: list[int], begin: tuple[int, int], end: tuple[int, int], docstring_lines: set[int]) -> tuple[int, int, str]:
    kind = DOCSTRING if begin[0] in docstring_lines else STRING
    return (_offset(starts, begin), _offset(starts, end), kind)


def _docstring_lines(tree: ast.Module) -> set[int]:
    """Lines of strings that stand alone as statements: docstrings, and the prose blocks some
    code keeps between statements (no SQL scanner reads a string nothing uses)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, (ast.Constant, ast.JoinedStr)):
            value = node.value
            if isinstance(value, ast.JoinedStr) or isinstance(value.value, str):
                lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _offset(starts: list[int], position: tuple[int, int]) -> int:
    row, col = position
    return starts[row - 1] + col if row - 1 < len(starts) else starts[-1]


# -- SQL and dbt models ------------------------------------------------------------------------------

_SQL_TOKENS = re.compile(
    r"""(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z)|\{\#.*?(?:\#\}|\Z))
      |'(?:[^']|'')*(?:'|\Z)
      |"(?:[^"]|"")*(?:"|\Z)
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
