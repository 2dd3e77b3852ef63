"""Shared plumbing for the scanners that read Python source with libcst.

Three things every Python scanner needs and should do the same way:

- `parse_python` parses a file once, turns a syntax error into a `Skipped` with a reason a user
  can act on, and builds a `MetadataWrapper` only when asked (positions cost as much again as the
  parse itself, see PERFORMANCE.md);
- `module_name_for` and `ScopedVisitor` give every fact the same dotted symbol,
  `pkg.module.Class.method`;
- `string_text` reads the value of a string literal (escapes, raw and triple-quoted strings,
  implicit concatenation, f-string holes) together with the source line of every character, so
  that a line of the value can be traced back to the line of the file it was written on;
- small helpers for expressions that build text (`a + b`, `"..." % x`, `"...".format()`,
  `dedent(...)`), for calls (`callee_name`, `argument`, `string_list`) and for literals
  (`literal_string`, `literal_bool`, `is_name`), so that every analysis reads them alike.

Nothing here imports, compiles or runs the scanned code.
"""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from depmap.model import Skipped
from depmap.scanners.module_names import module_name_for  # noqa: F401  (re-exported)

# -- parsing ---------------------------------------------------------------------------------------

# Lines that only Python 2 accepts: `print "x"`, `print >>f, x`, `exec "code"`, `raise E, "msg"`,
# `except E, e:` (Python 3.14 reads the last one as "E or e", so it is a hint, never proof).
_PY2_LINE = re.compile(
    r"""^[ \t]*(?:print[ \t]+(?:["'\w]|>>)
          |exec[ \t]+["'\w]
          |raise[ \t]+[\w.]+[ \t]*,
          |except[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:)""",
    re.M | re.X,
)
# Tokenizer complaints that Python 2 code triggers: `0777` octals and `repr` backticks.
_PY2_MESSAGE = re.compile(
    r"leading zeros in decimal integer|'`' is not a valid character|Missing parentheses in call to '(?:print|exec)'"
)
_PY2_OPERATOR = re.compile(r"`|<>")  # repr backticks, the old "not equal"; on the error line only
_MESSAGE_LIMIT = 160
_ERROR_AT = re.compile(r"(?:parser|tokenizer) error: error at (\d+):(\d+): ")
_ERROR_KIND = re.compile(r"^(?:parser|tokenizer) error: ")
_EXPECTED = re.compile(r"expected one of (.*)$")
_EXPECTED_LIMIT = 6


@dataclass(frozen=True)
class ParsedModule:
    """A parsed file. `wrapper` is None unless metadata was asked for; when present,
    `wrapper.module is module`, so positions resolved on it apply to the nodes of `module`."""

    path: str
    module_name: str
    module: cst.Module
    wrapper: MetadataWrapper | None = None


Positions = Mapping[cst.CSTNode, CodeRange]


class LazyPositions(Mapping[cst.CSTNode, CodeRange]):
    """Positions cost twice the parse (PERFORMANCE.md) and many files that pass a prefilter hold
    nothing after all: compute them the first time a node's line is needed, once per file."""

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self._wrapper = wrapper
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None

    def _resolved(self) -> Mapping[cst.CSTNode, CodeRange]:
        if self._positions is None:
            self._positions = self._wrapper.resolve(PositionProvider)
        return self._positions

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        return self._resolved()[node]

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._resolved())

    def __len__(self) -> int:
        return len(self._resolved())


def parse_python(path: str, text: str, *, metadata: bool = False) -> ParsedModule | Skipped:
    """Parse once; a file that is not valid Python 3 comes back as a `Skipped` with its reason."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return Skipped(path, syntax_error_reason(error, text))
    except cst.CSTValidationError as error:  # e.g. "a" b"b": the tokenizer accepts it, Python does not
        found = _cpython_error(text)
        where = f" at line {found[0]}" if found else ""
        return Skipped(path, f"Python syntax error{where}: {found[2] if found else error}")
    except RecursionError:
        return Skipped(path, "Python source too deeply nested to parse")
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True) if metadata else None
    return ParsedModule(path=path, module_name=module_name_for(path), module=module, wrapper=wrapper)


def syntax_error_reason(error: cst.ParserSyntaxError, text: str) -> str:
    """One line: where, what, and whether the file looks like Python 2.

    CPython's own parser (`ast.parse`, which never runs the code) is asked first: its line is the
    line of the mistake (libcst's can point past it) and its message is written for people
    ("Missing parentheses in call to 'print'"). libcst's message is the fallback.
    """
    found = _cpython_error(text)
    if found is not None:
        line, column, message = found
    else:
        message = " ".join(error.message.split())
        line, column = error.editor_line, None
        where = _ERROR_AT.match(message)
        if where:
            line, column = int(where.group(1)), int(where.group(2)) + 1
            message = message[where.end() :]
        message = _ERROR_KIND.sub("", message)
        expected = _EXPECTED.match(message)
        if expected and len(expected.group(1).split(", ")) > _EXPECTED_LIMIT:
            message = "expected one of " + ", ".join(expected.group(1).split(", ")[:_EXPECTED_LIMIT]) + ", …"
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1] + "…"
    place = f"line {line}" + (f", column {column}" if column else "")
    reason = f"Python syntax error at {place}: {message}"
    lines = text.splitlines()
    error_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if _PY2_MESSAGE.search(message) or _PY2_LINE.search(text) or _PY2_OPERATOR.search(error_line):
        reason += " (Python 2 syntax? depmap reads Python 3 only)"
    return reason


def _cpython_error(text: str) -> tuple[int, int | None, str] | None:
    """(line, 1-based column, message) of the first error CPython finds, if it finds one."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        return error.lineno or 1, error.offset, error.msg
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


# -- symbols ---------------------------------------------------------------------------------------


def dotted(*parts: str | None) -> str:
    return ".".join(part for part in parts if part)


class ScopedVisitor(cst.CSTVisitor):
    """Keeps track of the classes and functions the visit is inside.

    Fills in `scopes`, a stack of ("class" | "function", name), entered for the *body* of each
    definition only: decorators and default values belong to the enclosing scope, as in Python.
    Subclasses that override the `*_body` hooks must call `super()`.
    """

    def __init__(self, module_name: str) -> None:
        super().__init__()
        self.module_name = module_name
        self.scopes: list[tuple[str, str]] = []

    @property
    def symbol(self) -> str:
        """`pkg.module.Class.method` for the innermost scope, the module name at top level."""
        return dotted(self.module_name, *(name for _, name in self.scopes))

    @property
    def in_function(self) -> bool:
        return any(kind == "function" for kind, _ in self.scopes)

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self.scopes.append(("class", node.name.value))

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.scopes.append(("function", node.name.value))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()


# -- string literals -------------------------------------------------------------------------------

STRING_NODES = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.TemplatedString)
HOLE = "{}"  # what an f-string hole becomes: the SQL engine neutralises it like a str.format hole

_SIMPLE_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f",
    "n": "\n", "r": "\r", "t": "\t", "v": "\v",
}  # fmt: skip
_ESCAPE = re.compile(r"\\(\r\n|\n|N\{[^}]*\}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{1,3}|.)", re.S)
_ESCAPE_OR_BRACE = re.compile(_ESCAPE.pattern + r"|\{\{|\}\}", re.S)
_BRACE = re.compile(r"\{\{|\}\}")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class LocatedText:
    """A string value and, for each of its characters, the file line it was written on.

    `holes` counts the parts whose value is unknown statically (f-string holes and the like),
    each standing in the text as `{}`.
    """

    text: str
    lines: tuple[int, ...]
    holes: int = 0

    def file_line(self, text_line: int) -> int:
        """The file line of a 1-based line of `text` (of its first non-blank character)."""
        if not self.lines:
            return 1
        offset = 0
        for _ in range(text_line - 1):
            found = self.text.find("\n", offset)
            if found < 0:
                break
            offset = found + 1
        end = self.text.find("\n", offset)
        end = len(self.text) if end < 0 else end
        first = offset + (len(self.text[offset:end]) - len(self.text[offset:end].lstrip()))
        index = first if first < end else offset
        return self.lines[min(index, len(self.lines) - 1)]

    def startswith_hole(self) -> bool:
        return self.holes > 0 and self.text.lstrip().startswith(HOLE)

    def substitute(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> LocatedText:
        """`pattern.sub(replace, text)` keeping every character's line; a replacement that is
        `{}` counts as a hole."""
        chars: list[str] = []
        lines: list[int] = []
        holes = self.holes
        position = 0
        for match in pattern.finditer(self.text):
            chars.append(self.text[position : match.start()])
            lines.extend(self.lines[position : match.start()])
            value = replace(match)
            chars.append(value)
            lines.extend([self.lines[match.start()]] * len(value))
            holes += value == HOLE
            position = match.end()
        chars.append(self.text[position:])
        lines.extend(self.lines[position:])
        return LocatedText("".join(chars), tuple(lines), holes)


def located(text: str, line: int) -> LocatedText:
    """Text written starting at `line`, its own newlines being the file's."""
    lines: list[int] = []
    for char in text:
        lines.append(line)
        if char == "\n":
            line += 1
    return LocatedText(text, tuple(lines))


def hole_at(line: int) -> LocatedText:
    return LocatedText(HOLE, (line, line), holes=1)


def join(left: LocatedText, right: LocatedText) -> LocatedText:
    """Concatenate two values written in different places.

    When the right part starts on another line than the left part ends, a newline is put
    between them (unless that would split a word: `"SELECT a" "FROM t"` is one line of SQL at
    run time too). SQL does not care about the extra whitespace, and a statement that starts in
    the right part then has a text line of its own, which maps back to the right file line.
    """
    if not left.text:
        return right
    if not right.text:
        return left
    if (
        left.lines[-1] != right.lines[0]
        and left.text[-1] != "\n"
        and right.text[0] != "\n"
        and not (_WORD_CHAR.match(left.text[-1]) and _WORD_CHAR.match(right.text[0]))
    ):
        return LocatedText(
            left.text + "\n" + right.text,
            (*left.lines, left.lines[-1], *right.lines),
            left.holes + right.holes,
        )
    return LocatedText(left.text + right.text, left.lines + right.lines, left.holes + right.holes)


# What `"..." % args` and `"...".format(...)` fill in: each conversion becomes a hole.
PERCENT_FIELD = re.compile(r"%%|%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


def fill_fields(text: LocatedText, pattern: re.Pattern[str]) -> LocatedText:
    """The text after Python's %-formatting or str.format: escapes undone, fields unknown."""
    return text.substitute(pattern, lambda m: m.group(0)[0] if m.group(0) in ("%%", "{{", "}}") else HOLE)


def _decode(body: str, line: int, *, raw: bool, formatted: bool) -> LocatedText:
    """The value of the source text between a literal's quotes, character by character."""
    pattern = (_BRACE if formatted else None) if raw else (_ESCAPE_OR_BRACE if formatted else _ESCAPE)
    if pattern is None:
        return located(body, line)
    chars: list[str] = []
    lines: list[int] = []
    position = 0
    for match in pattern.finditer(body):
        for char in body[position : match.start()]:
            chars.append(char)
            lines.append(line)
            if char == "\n":
                line += 1
        position = match.end()
        token = match.group(0)
        value = token[0] if token in ("{{", "}}") else _escape_value(token[1:])
        chars.append(value)
        lines.extend([line] * len(value))
        line += token.count("\n")
    for char in body[position:]:
        chars.append(char)
        lines.append(line)
        if char == "\n":
            line += 1
    return LocatedText("".join(chars), tuple(lines))


def _escape_value(sequence: str) -> str:
    """What `\\<sequence>` means in a (non-raw) str literal."""
    if sequence in ("\n", "\r\n"):
        return ""  # backslash-newline continues the literal on the next line
    if sequence in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[sequence]
    head = sequence[0]
    if head in "01234567":
        return chr(int(sequence, 8))
    if head in "xuU" and len(sequence) > 1:
        return chr(int(sequence[1:], 16))
    if head == "N" and sequence.startswith("N{"):
        try:
            return unicodedata.lookup(sequence[2:-1])
        except KeyError:
            pass
    return "\\" + sequence  # unknown escapes keep their backslash


def _is_bytes(prefix: str) -> bool:
    return "b" in prefix.lower()


def string_text(node: cst.BaseExpression, positions: Mapping[cst.CSTNode, CodeRange]) -> LocatedText | None:
    """The value of a str literal (simple, concatenated, f- or t-string), None for bytes.

    Each f-string/t-string hole becomes `{}` and is counted in `holes`. Implicitly concatenated
    parts written on different lines are joined as `join` does (a newline where it cannot merge
    two words), so that every line of the value still has one line of the file.
    """
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix
        if _is_bytes(prefix):
            return None
        quote = node.quote
        body = node.value[len(prefix) + len(quote) : -len(quote)]
        text = _decode(body, positions[node].start.line, raw="r" in prefix.lower(), formatted=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "\d" in a non-raw literal compiles with a warning
            expected = node.evaluated_value
        if isinstance(expected, str) and expected != text.text:  # should not happen; trust Python
            return located(expected, positions[node].start.line)
        return text
    if isinstance(node, cst.ConcatenatedString):
        left = string_text(node.left, positions)
        right = string_text(node.right, positions)
        if left is None or right is None:
            return None
        return join(left, right)
    if isinstance(node, (cst.FormattedString, cst.TemplatedString)):
        raw = "r" in node.prefix.lower()
        result = LocatedText("", ())
        for part in node.parts:
            line = positions[part].start.line
            if isinstance(part, (cst.FormattedStringText, cst.TemplatedStringText)):
                piece = _decode(part.value, line, raw=raw, formatted=True)
            else:
                piece = hole_at(line)
            result = LocatedText(result.text + piece.text, result.lines + piece.lines, result.holes + piece.holes)
        return result
    return None


def leftmost_string(node: cst.BaseExpression) -> cst.SimpleString | cst.FormattedString | cst.TemplatedString | None:
    """The first literal of a (possibly concatenated) string, to peek at how it starts."""
    while isinstance(node, cst.ConcatenatedString):
        node = node.left
    if isinstance(node, (cst.SimpleString, cst.FormattedString, cst.TemplatedString)):
        return node
    return None


def string_head(node: cst.SimpleString | cst.FormattedString | cst.TemplatedString) -> str:
    """The raw source of the start of a literal's value (no position metadata needed):
    enough to test whether it begins with a keyword."""
    if isinstance(node, cst.SimpleString):
        if _is_bytes(node.prefix):
            return ""
        return node.value[len(node.prefix) + len(node.quote) : -len(node.quote)]
    first = node.parts[0] if node.parts else None
    if isinstance(first, (cst.FormattedStringText, cst.TemplatedStringText)):
        return first.value
    return ""


# -- expressions that build text -------------------------------------------------------------------

TEXT_WRAPPERS = frozenset({"dedent", "cleandoc"})  # textwrap.dedent, inspect.cleandoc: same text
TEXT_METHODS = frozenset({"strip", "lstrip", "rstrip"})


def callee_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """`a.b.c` as text, for Name/Attribute chains only."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def operands(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`a + b + c` -> [a, b, c]; anything else -> [node]. Iterative: generated code can chain
    thousands of `+`."""
    result: list[cst.BaseExpression] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.Add):
            pending.extend((current.right, current.left))
        else:
            result.append(current)
    return result


def wrapped_text(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The text inside `"...".format(...)`, `.strip()`, `dedent("...")` and `"..." % args`."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return node.left
    if isinstance(node, cst.Call):
        name = callee_name(node.func)
        if isinstance(node.func, cst.Attribute) and name in TEXT_METHODS | {"format"}:
            return node.func.value
        if name in TEXT_WRAPPERS and node.args:
            return node.args[0].value
    return None


def fields_filled_by(node: cst.BaseExpression) -> re.Pattern[str] | None:
    if isinstance(node, cst.BinaryOperation):
        return PERCENT_FIELD
    if isinstance(node, cst.Call) and callee_name(node.func) == "format":
        return FORMAT_FIELD
    return None


def is_text_expression(node: cst.BaseExpression) -> bool:
    """A str literal, or an expression that builds text from one."""
    if isinstance(node, STRING_NODES):
        first = leftmost_string(node)
        return first is not None and not (isinstance(first, cst.SimpleString) and _is_bytes(first.prefix))
    inner = wrapped_text(node)
    if inner is not None:
        return is_text_expression(inner)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return any(is_text_expression(operand) for operand in operands(node))
    return False


def text_structure(node: cst.BaseExpression) -> Iterable[cst.BaseExpression]:
    """The sub-expressions that are part of the text (not arguments of `%` or `.format`)."""
    yield node
    inner = wrapped_text(node)
    if inner is not None:
        yield from text_structure(inner)
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        for operand in operands(node):
            yield from text_structure(operand)
    elif isinstance(node, cst.ConcatenatedString):
        yield from text_structure(node.left)
        yield from text_structure(node.right)


def first_operand(node: cst.BaseExpression) -> cst.BaseExpression:
    while True:
        inner = wrapped_text(node)
        if inner is not None:
            node = inner
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            node = operands(node)[0]
        else:
            return node


def argument(call: cst.Call, index: int | None, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if index is None:
        return None
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    return positional[index] if index < len(positional) else None


def string_list(node: cst.BaseExpression) -> tuple[str, ...] | None:
    """("a", "b") or ["a", "b"]: the names; anything else: None (unknown)."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    names = []
    for element in node.elements:
        value = element.value
        if not isinstance(value, cst.SimpleString) or "b" in value.prefix.lower():
            return None
        evaluated = value.evaluated_value
        if not isinstance(evaluated, str):
            return None
        names.append(evaluated)
    return tuple(names)


# -- literals --------------------------------------------------------------------------------------


def literal_string(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain (non-f, non-bytes) string literal, implicit concatenation included."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_bool(node: cst.BaseExpression | None) -> bool | None:
    """`True` / `False` as written; None for anything else (a name, a call, a missing argument)."""
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def is_name(node: cst.BaseExpression | None, name: str) -> bool:
    """Is `node` the bare name `name` (`None`, `True`, a local variable)?"""
    return isinstance(node, cst.Name) and node.value == name
