"""Where a file's comments, docstrings and strings are: what a word found at an offset is part of.

A mention in a comment or a docstring is prose; one in a string that no SQL scanner took never
reaches a query; one in code is a name. Python is read by a small lexer (comments, strings with
their prefixes and triple quotes, the bracket depth between them): a string standing alone as a
statement is a docstring, a line opening with `import` or `from x import` an import statement.
(Python's own `tokenize` took 4 µs a token, most of a query's time on a large project; the lexer
is one regular expression.) Type annotations come from `ast`, parsed only when a line needs
them. SQL and dbt models have their own lexer (`--`, `/* */`, Jinja `{# #}`, skipping quoted
text so that a `--` inside a literal is not a comment); YAML its `#` comments. Any other kind
has no regions: every word in it is code.

>>> regions = python_regions("'''Orders.'''\\nx = 'orders'  # orders\\n")
>>> [regions.kind_at(i) for i in (3, 20, 31)]
['docstring', 'string', 'comment']
"""

from __future__ import annotations

import ast
import bisect
import re
from functools import cached_property

COMMENT, DOCSTRING, STRING, CODE = "comment", "docstring", "string", "code"
# What a piece of Python code is, beyond its tokens: an import statement, a type annotation.
IMPORT, ANNOTATION = "import", "annotation"
# What precedes, on its line, a word that may be in a type annotation: `x: `, `-> list[`, `y: "`.
_ANNOTATED = re.compile(r"(?:->|\w\s*:)[\s\w.\[\],|'\"]*\Z")


class Regions:
    """Non-overlapping (start, end, kind) spans of a text, by offset. For Python source (`python`,
    the text), also the spans of import statements and, read from the `ast` on first use, of
    type annotations; `tree` is the module's `ast` when it parses (name links read its imports)."""

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
                return kind
        return CODE

    def role_at(self, offset: int) -> str | None:
        """IMPORT or ANNOTATION when the offset is inside one, else None. The `ast` is read only for
        a word that looks annotated on its line (after a `:` or `->`, among type-like characters)."""
        if any(start <= offset < end for start, end in self._imports):
            return IMPORT
        text = self._python
        if text is None or not _ANNOTATED.search(text, max(text.rfind("\n", 0, offset) + 1, offset - 200), offset):
            return None
        if any(start <= offset < end for start, end in self._annotations):
            return ANNOTATION
        return None

    @cached_property
    def tree(self) -> ast.Module | None:
        if self._python is None:
            return None
        try:
            return ast.parse(self._python)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    @cached_property
    def _annotations(self) -> list[tuple[int, int]]:
        tree = self.tree
        return _annotations(tree, self._python or "") if tree is not None else []


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

_PY_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
      |(?P<string>(?:(?<![\w])[rRbBuUfFtT]{1,2})?
          (?:'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)
            |\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)
            |'[^'\\\n]*(?:\\.[^'\\\n]*)*(?:'|$)
            |"[^"\\\n]*(?:\\.[^"\\\n]*)*(?:"|$)))""",
    re.S | re.X | re.M,
)
_ENDS_STATEMENT = re.compile(r"[ \t]*(?:\#[^\n]*)?(?:\r?\n|\Z)")
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+import|import)\b[^\n]*", re.M)


def python_regions(text: str) -> Regions:
    """Comments, docstrings, other strings and import statements of Python source, by a lexer
    that never fails: an unterminated string runs to the end of its line (or of the file).

    A docstring is a string standing alone as a statement: outside brackets (counted in the code
    between tokens), nothing before it on its line (a line ending in a backslash continues),
    nothing but a comment after it."""
    spans: list[tuple[int, int, str]] = []
    depth = last = 0
    for match in _PY_TOKENS.finditer(text):
        start, end = match.span()
        code = text[last:start]
        depth = max(0, depth + code.count("(") + code.count("[") + code.count("{") - code.count(")") - code.count("]") - code.count("}"))
        last = end
        if match.lastgroup == "comment":
            spans.append((start, end, COMMENT))
            continue
        alone = depth == 0 and _starts_statement(text, start) and _ENDS_STATEMENT.match(text, end) is not None
        spans.append((start, end, DOCSTRING if alone else STRING))
    return Regions(spans, text, _imports(text))


def _starts_statement(text: str, start: int) -> bool:
    line = text.rfind("\n", 0, start) + 1
    if text[line:start].strip():
        return False
    return line < 2 or text[line - 2] != "\\"


def _imports(text: str) -> list[tuple[int, int]]:
    """Import statements: a line opening with `import` or `from x import`, through its closing
    bracket when the names are in one."""
    found = []
    for match in _IMPORT_LINE.finditer(text):
        start, end = match.span()
        if "(" in match.group() and ")" not in match.group():
            closing = text.find(")", end)
            end = closing + 1 if closing >= 0 else len(text)
        found.append((start, end))
    return found


def _annotations(tree: ast.Module, text: str) -> list[tuple[int, int]]:
    """Spans of type annotations (string annotations included), from a walk over statements only."""
    starts = _line_starts(text)
    found: list[tuple[int, int]] = []

    def add(node: ast.expr | None) -> None:
        if node is not None and node.end_lineno is not None and node.end_col_offset is not None:
            found.append((_char_offset(text, starts, node.lineno, node.col_offset), _char_offset(text, starts, node.end_lineno, node.end_col_offset)))

    def visit(statements: list) -> None:
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = node.args
                for arg in (*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs, arguments.kwarg):
                    if arg is not None:
                        add(arg.annotation)
                add(node.returns)
            elif isinstance(node, ast.AnnAssign):
                add(node.annotation)
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                children = getattr(node, name, None)
                if isinstance(children, list):
                    visit(children)

    visit(tree.body)
    return found


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _char_offset(text: str, starts: list[int], lineno: int, byte_col: int) -> int:
    """The text offset of an `ast` position, whose column counts UTF-8 bytes."""
    begin = starts[min(lineno, len(starts)) - 1]
    line = text[begin : begin + byte_col]  # a byte column is never fewer characters than bytes
    return begin + len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


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
