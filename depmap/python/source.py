"""libcst where it earns its keep: telling a syntax error from newer syntax, and re-reading the
migrations a `check` names.

The scan reads every file with `ast` (`depmap.python.tree`): 13 times cheaper, lines included. libcst's
own parser reads every Python 3 grammar whatever Python runs depmap, so a file the running Python
rejects is parsed here once to word the reason (`syntax_error_reason`: CPython's line and message
first, a Python 2 hint) or to learn that it is only newer syntax. `depmap.impact.migration_calls`
re-reads the few migration files a `check` names with positions, through `parse_python` and the
call helpers below. Nothing here imports, compiles or runs the scanned code.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # libcst loads only where a file needs it: a scan of valid Python never does
    import libcst as cst
    from libcst.metadata import MetadataWrapper

from depmap.model import Skipped
from depmap.nesting import nesting_depth
from depmap.python.module_names import module_name_for

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
# libcst's native parser overflows its stack (a segmentation fault, not an exception) on about 1,500
# nested brackets; CPython itself refuses more than 200, so no file deeper than this is Python.
NATIVE_PARSER_DEPTH = 1000


@dataclass(frozen=True)
class ParsedModule:
    """A parsed file. `wrapper` is None unless metadata was asked for; when present,
    `wrapper.module is module`, so positions resolved on it apply to the nodes of `module`."""

    path: str
    module_name: str
    module: cst.Module
    wrapper: MetadataWrapper | None = None


def parse_python(path: str, text: str, *, metadata: bool = False) -> ParsedModule | Skipped:
    """Parse once; a file that is not valid Python 3 comes back as a `Skipped` with its reason."""
    if nesting_depth(text, "([{", NATIVE_PARSER_DEPTH) > NATIVE_PARSER_DEPTH:  # never handed to the native parser
        found = _cpython_error(text)
        where = f" at line {found[0]}" if found else ""
        return Skipped(path, f"Python syntax error{where}: {found[2] if found else 'brackets nested too deeply'}")
    import libcst as cst
    from libcst.metadata import MetadataWrapper

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
        return worded_syntax_error(text, *found)
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
    return worded_syntax_error(text, line, column, message)


def worded_syntax_error(text: str, line: int, column: int | None, message: str) -> str:
    """`Python syntax error at line L, column C: message`, with a hint when it looks like Python 2."""
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


# -- reading calls (the migrations `check` re-reads) ----------------------------------------------


def callee_name(func: cst.BaseExpression) -> str | None:
    import libcst as cst

    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def argument(call: cst.Call, index: int | None, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if index is None:
        return None
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    return positional[index] if index < len(positional) else None


def literal_string(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain (non-f, non-bytes) string literal, implicit concatenation included."""
    import libcst as cst

    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_bool(node: cst.BaseExpression | None) -> bool | None:
    """`True` / `False` as written; None for anything else (a name, a call, a missing argument)."""
    import libcst as cst

    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None
