"""String literals in `ast` trees, read with the file line of every character.

`ast` merges implicitly concatenated literals into one node and, before Python 3.12, keeps no
reliable positions inside an f-string. So the literal's source as written (`SourceText.segment`)
is split into its literals by a small scanner (prefix, quotes, escapes, and for f- and t-strings
the `{...}` holes with their nested brackets, strings, conversions and format specs), and each
literal is decoded with `located_text` (`decode`, `join`, `hole_at`): every character keeps the
file line it was written on. The scanner relies on the segment being valid Python, which it is:
`ast` parsed it.

Also here, for `ast` nodes: the peeks at how a literal opens (`leftmost_string`, `string_head`)
and the expressions that build text (`+`, `%`, `.format()`, `.strip()`, `dedent()`):
`is_text_expression`, `text_structure`, `first_operand`, `operands`, `wrapped_text`,
`fields_filled_by`.

Nothing here imports, compiles or runs the scanned code (`ast.literal_eval` reads a literal only).
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from depmap.python.located_text import (
    FORMAT_FIELD,
    PERCENT_FIELD,
    TEXT_METHODS,
    TEXT_WRAPPERS,
    LocatedText,
    decode,
    hole_at,
    join_all,
    located,
)
from depmap.python.tree import SourceText, callee_name, call_args

_TEMPLATE_STR: type | None = getattr(ast, "TemplateStr", None)  # Python 3.14
FORMATTED_NODES: tuple[type, ...] = (ast.JoinedStr,) if _TEMPLATE_STR is None else (ast.JoinedStr, _TEMPLATE_STR)
_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})
_LINE_BREAK = re.compile(r"\r\n?|\n")


def is_string(node: ast.AST) -> bool:
    """A str, bytes, f- or t-string literal (what libcst calls a string node)."""
    if node.__class__ is ast.Constant:
        return isinstance(node.value, (str, bytes))  # type: ignore[attr-defined]
    return isinstance(node, FORMATTED_NODES)


# -- scanning the source of a literal --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Literal:
    """One literal of a (possibly implicitly concatenated) string, as offsets into its source.

    `pieces` splits an f- or t-string's body: ("text", start, end) and ("hole", start, has_spec),
    a hole's start being its `{`."""

    prefix: str  # lower case
    quote: str
    start: int  # of the body
    end: int  # of the body (the closing quote)
    pieces: tuple[tuple[str, int, int], ...] = ()

    @property
    def formatted(self) -> bool:
        return "f" in self.prefix or "t" in self.prefix

    @property
    def raw(self) -> bool:
        return "r" in self.prefix


def _literals(segment: str) -> list[_Literal]:
    """The literals of a string node's source; whitespace, comments and backslash-newlines
    between them are skipped."""
    found: list[_Literal] = []
    index, length = 0, len(segment)
    while index < length:
        char = segment[index]
        if char in " \t\f\r\n\\":
            index += 1
        elif char == "#":
            newline = segment.find("\n", index)
            index = length if newline < 0 else newline
        else:
            literal, index = _literal(segment, index)
            found.append(literal)
    return found


def _literal(text: str, index: int) -> tuple[_Literal, int]:
    """The literal whose prefix starts at `index`, and the offset after its closing quote."""
    start = index
    while text[index] not in "'\"":
        index += 1
    prefix = text[start:index].lower()
    quote = text[index : index + 3] if text.startswith(text[index] * 3, index) else text[index]
    body = index + len(quote)
    if "f" in prefix or "t" in prefix:
        pieces: list[tuple[str, int, int]] = []
        end = _formatted_body(text, body, quote, "r" in prefix, pieces)
        return _Literal(prefix, quote, body, end, tuple(pieces)), end + len(quote)
    end = _plain_body(text, body, quote)
    return _Literal(prefix, quote, body, end), end + len(quote)


def _plain_body(text: str, index: int, quote: str) -> int:
    """Where the body that starts at `index` ends (raw or not, a backslash escapes the next
    character as far as finding the closing quote goes)."""
    while not text.startswith(quote, index):
        index += 2 if text[index] == "\\" else 1
    return index


def _formatted_body(text: str, index: int, quote: str, raw: bool, pieces: list[tuple[str, int, int]]) -> int:
    """Like `_plain_body` for an f- or t-string, listing its text pieces and holes."""
    piece = index
    while not text.startswith(quote, index):
        char = text[index]
        if char == "\\":
            following = text[index + 1]
            if not raw and following == "N" and text.startswith("{", index + 2):
                index = text.index("}", index) + 1  # \N{NAME}: an escape, not a hole
            else:
                index += 1 if following in "{}" else 2  # a backslash does not escape a brace
        elif char in "{}" and text.startswith(char * 2, index):
            index += 2
        elif char == "{":
            if index > piece:
                pieces.append(("text", piece, index))
            end, has_spec = _hole(text, index + 1)
            pieces.append(("hole", index, int(has_spec)))
            index = piece = end
        else:
            index += 1
    if index > piece:
        pieces.append(("text", piece, index))
    return index


def _hole(text: str, index: int) -> tuple[int, bool]:
    """Scan a hole from just after its `{`: the offset after its `}`, and whether it has a format
    spec. Brackets nest; strings inside (even in the outer quotes, Python 3.12+) are skipped whole;
    a format spec may hold holes of its own."""
    depth = 0
    while True:
        char = text[index]
        if char in "'\"":
            run = index
            while run > 0 and (text[run - 1].isalnum() or text[run - 1] == "_"):
                run -= 1
            start = run if text[run:index].lower() in _PREFIXES else index
            _, index = _literal(text, start)
        elif char == "#":  # a comment in a multi-line hole (Python 3.12+)
            index = text.index("\n", index)
        elif char in "([{":
            depth += 1
            index += 1
        elif char in ")]":
            depth -= 1
            index += 1
        elif char == "}":
            if depth == 0:
                return index + 1, False
            depth -= 1
            index += 1
        elif char == "!" and depth == 0 and text[index + 1] != "=":
            index += 2  # a conversion: !r, !s, !a
        elif char == ":" and depth == 0:
            return _format_spec(text, index + 1), True
        else:
            index += 1


def _format_spec(text: str, index: int) -> int:
    """Scan a format spec up to the `}` closing its hole (its own holes nest): the offset after it."""
    while True:
        char = text[index]
        if char == "{":
            index, _ = _hole(text, index + 1)
        elif char == "}":
            return index + 1
        else:
            index += 1


# -- string values with lines ----------------------------------------------------------------------


def string_text(node: ast.AST, source: SourceText) -> LocatedText | None:
    """The value of a str literal (simple, concatenated, f- or t-string) and the file line of each
    of its characters; None for bytes and for anything that is not a string literal."""
    if node.__class__ is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if not isinstance(value, str):
            return None
        line = node.lineno  # type: ignore[attr-defined]
        if line == node.end_lineno:  # type: ignore[attr-defined]
            return LocatedText(value, (line,) * len(value))  # one line: every character is on it
        segment = source.segment(node)
        if "\\" not in segment and _is_single_literal(segment, value):
            return located(value, line)  # a triple-quoted literal without escapes
        return _scanned(segment, line)
    if isinstance(node, FORMATTED_NODES):
        return _scanned(source.segment(node), node.lineno)  # type: ignore[attr-defined]
    return None


def _is_single_literal(segment: str, value: str) -> bool:
    """Is `segment` one literal whose body is `value` as written (so neither concatenated nor
    holding `\\r` line breaks)?"""
    index = 0
    while segment[index] not in "'\"":
        index += 1
    quote = segment[index : index + 3] if segment.startswith(segment[index] * 3, index) else segment[index]
    end = len(segment) - len(quote)
    return end - index - len(quote) == len(value) and segment.endswith(quote) and segment[index + len(quote) : end] == value


def _scanned(segment: str, first_line: int) -> LocatedText | None:
    parts: list[LocatedText] = []
    line_at = _LineIndex(segment, first_line)
    for literal in _literals(segment):
        if "b" in literal.prefix:
            return None
        parts.append(_literal_text(segment, literal, line_at))
    return join_all(parts)


class _LineIndex:
    """The file line of an offset in a segment, by bisection over its line breaks found once: a
    segment can hold tens of thousands of implicitly concatenated literals."""

    def __init__(self, segment: str, first_line: int) -> None:
        self.breaks = [match.end() for match in _LINE_BREAK.finditer(segment)]
        self.first_line = first_line

    def __call__(self, offset: int) -> int:
        return self.first_line + bisect.bisect_right(self.breaks, offset)


def _literal_text(segment: str, literal: _Literal, line_at: _LineIndex) -> LocatedText:
    if not literal.formatted:
        body = segment[literal.start : literal.end]
        line = line_at(literal.start)
        text = decode(body, line, raw=literal.raw, formatted=False)
        if "\r" in body:  # Python reads a \r\n or \r line break in a literal as \n: trust its value
            expected = ast.literal_eval(literal.prefix + literal.quote + body + literal.quote)
            if expected != text.text:
                return located(expected, line)
        return text
    chars: list[str] = []
    lines: list[int] = []
    holes = 0
    for kind, start, end in literal.pieces:
        line = line_at(start)
        if kind == "text":
            piece = decode(segment[start:end], line, raw=literal.raw, formatted=True)
        else:
            piece = hole_at(line)
            holes += 1
        chars.append(piece.text)
        lines.extend(piece.lines)
    return LocatedText("".join(chars), tuple(lines), holes)


def template_with_format_spec(node: ast.AST, source: SourceText) -> bool:
    """Is `node` one t-string with a hole that carries a format spec (`t"{table:i}"`)? psycopg
    binds a t-string's plain holes as parameters but splices those into the SQL."""
    if not isinstance(node, FORMATTED_NODES):
        return False
    literals = _literals(source.segment(node))
    if len(literals) != 1 or "t" not in literals[0].prefix:
        return False
    return any(kind == "hole" and end for kind, _, end in literals[0].pieces)


def is_template(node: ast.AST, source: SourceText) -> bool:
    """Is `node` one t-string (not concatenated with anything)?"""
    if not isinstance(node, FORMATTED_NODES):
        return False
    literals = _literals(source.segment(node))
    return len(literals) == 1 and "t" in literals[0].prefix


# -- how a literal opens ---------------------------------------------------------------------------


def leftmost_string(node: ast.AST) -> ast.AST | None:
    """The literal to peek at for how a string starts (in `ast`, the whole concatenation is one
    node; `string_head` reads its first literal)."""
    return node if is_string(node) else None


def string_head(node: ast.AST, source: SourceText) -> str:
    """The source of the start of a literal's value, as written, after its prefix and quotes: up
    to its end, or in an f- or t-string up to its first hole. Empty for bytes. Enough to test
    whether it opens with a keyword."""
    segment = source.segment(node)
    literal, _ = _literal(segment, 0)
    if "b" in literal.prefix:
        return ""
    if not literal.formatted:
        return segment[literal.start : literal.end]
    first = literal.pieces[0] if literal.pieces else None
    return segment[first[1] : first[2]] if first is not None and first[0] == "text" else ""


# -- expressions that build text -------------------------------------------------------------------


def first_argument(call: ast.Call) -> ast.expr | None:
    """The first argument as written, keyword or not (what libcst's `call.args[0].value` is)."""
    if call.args and call.keywords:
        return call_args(call)[0].value
    if call.args:
        first = call.args[0]
        return first.value if isinstance(first, ast.Starred) else first
    return call.keywords[0].value if call.keywords else None


def operands(node: ast.AST) -> list[ast.AST]:
    """`a + b + c` -> [a, b, c]; anything else -> [node]."""
    return addition_chain(node)[1]


def addition_chain(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    """(the `+` nodes of `a + b + c`, its operands [a, b, c]); ([], [node]) for anything else.
    Iterative: generated code can chain thousands of `+`."""
    additions: list[ast.AST] = []
    result: list[ast.AST] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if current.__class__ is ast.BinOp and current.op.__class__ is ast.Add:  # type: ignore[attr-defined]
            additions.append(current)
            pending.extend((current.right, current.left))  # type: ignore[attr-defined]
        else:
            result.append(current)
    return additions, result


def wrapped_text(node: ast.AST) -> ast.AST | None:
    """The text inside `"...".format(...)`, `.strip()`, `dedent("...")` and `"..." % args`."""
    cls = node.__class__
    if cls is ast.BinOp:
        return node.left if node.op.__class__ is ast.Mod else None  # type: ignore[attr-defined]
    if cls is ast.Call:
        func = node.func  # type: ignore[attr-defined]
        name = callee_name(func)
        if isinstance(func, ast.Attribute) and (name in TEXT_METHODS or name == "format"):
            return func.value
        if name in TEXT_WRAPPERS:
            return first_argument(node)  # type: ignore[arg-type]
    return None


def fields_filled_by(node: ast.AST) -> re.Pattern[str] | None:
    """The fields `"..." % args` or `"...".format(...)` fills (each becomes a hole); None for a
    wrapper that keeps the text as it is."""
    if isinstance(node, ast.BinOp):
        return PERCENT_FIELD
    if isinstance(node, ast.Call) and callee_name(node.func) == "format":
        return FORMAT_FIELD
    return None


def is_text_expression(node: ast.AST) -> bool:
    """A str literal, or an expression that builds text from one."""
    if is_string(node):
        return not (node.__class__ is ast.Constant and isinstance(node.value, bytes))  # type: ignore[attr-defined]
    inner = wrapped_text(node)
    if inner is not None:
        return is_text_expression(inner)
    if node.__class__ is ast.BinOp and node.op.__class__ is ast.Add:  # type: ignore[attr-defined]
        return any(is_text_expression(operand) for operand in operands(node))
    return False


def text_structure(node: ast.AST) -> Iterable[ast.AST]:
    """The sub-expressions that are part of the text (not arguments of `%` or `.format`), the
    inner `+` of a chain included, so that a chain is one text however many `+` it has."""
    yield node
    inner = wrapped_text(node)
    if inner is not None:
        yield from text_structure(inner)
    elif node.__class__ is ast.BinOp and node.op.__class__ is ast.Add:  # type: ignore[attr-defined]
        additions, parts = addition_chain(node)
        yield from additions[1:]  # the first is `node` itself
        for operand in parts:
            yield from text_structure(operand)


def first_operand(node: ast.AST) -> ast.AST:
    """The expression the text starts with (through wrappers and `+`)."""
    while True:
        inner = wrapped_text(node)
        if inner is not None:
            node = inner
        elif node.__class__ is ast.BinOp and node.op.__class__ is ast.Add:  # type: ignore[attr-defined]
            node = operands(node)[0]
        else:
            return node


# -- t-strings on a Python older than 3.14 ---------------------------------------------------------


__all__ = [
    "FORMATTED_NODES", "fields_filled_by", "first_argument", "first_operand", "is_string", "is_template", "is_text_expression",
    "leftmost_string", "operands", "string_head", "string_text",
    "template_with_format_spec", "text_structure", "wrapped_text",
]  # fmt: skip
