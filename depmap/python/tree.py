"""Shared plumbing for the Python analyses, which read the standard library's `ast` trees.

Every Python analysis reads `ast`: `ast.parse` costs 0.55 s per 100k lines against libcst's 7 s,
and its nodes carry their own exact lines, where libcst's positions cost 18 s more
(PERFORMANCE.md); in a Django codebase most files mention a model or a query, so that difference
was most of a cold scan. What the analyses share, so that every one reads code alike:

- `TreeVisitor` walks a tree in source order with a dispatch table per node class (`ast.NodeVisitor`
  looks the method up by name on every node) and keeps the class/function scope stack that makes
  every fact's symbol `pkg.module.Class.method`;
- `SourceText` gives a node's source as written (`ast.get_source_segment` splits the whole file
  on every call);
- `call_args` lists a call's arguments in source order (`ast` keeps positional and keyword
  arguments apart);
- `dotted_name`, `argument`, `literal_string`, `literal_bool`, `is_name`, `string_list`;
- `without_type_parameters`, which lets a Python older than 3.12 read PEP 695 syntax.

String values with their lines are in `depmap.python.tree_strings`. Nothing here imports, compiles or
runs the scanned code: `ast.parse` only parses.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Optional


# -- symbols ---------------------------------------------------------------------------------------


def dotted(*parts: str | None) -> str:
    """`pkg.module` + `Class` + `method`: the dotted symbol of a scope, empty parts left out."""
    return ".".join(part for part in parts if part)


# -- source text -----------------------------------------------------------------------------------


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # the tokenizer's line breaks: \r\n, \r, \n only


class SourceText:
    """A file's text, split into lines once, to cut out the source of any node.

    `ast` columns are UTF-8 byte offsets: an ASCII file is sliced as it is, any other file's lines
    are encoded first (`ast.get_source_segment` splits the whole file again on every call)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | list[bytes] | None = None

    def _split(self) -> list[str] | list[bytes]:
        if self._lines is None:
            lines = _LINE.findall(self.text)
            self._lines = lines if self.text.isascii() else [line.encode("utf-8") for line in lines]
        return self._lines

    def segment(self, node: ast.AST) -> str:
        """The source of `node` as written."""
        lines: Any = self._split()
        first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
        start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
        if first == last:
            piece = lines[first][start:end]
        else:
            parts = [lines[first][start:], *lines[first + 1 : last], lines[last][:end]]
            piece = parts[0][:0].join(parts)
        return piece if isinstance(piece, str) else piece.decode("utf-8", "replace")


# -- the parsed file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedTree:
    """A file read with `ast`: the tree, its text for snippets, and the dotted module name."""

    path: str
    module_name: str
    tree: ast.Module
    source: SourceText

    @property
    def is_package(self) -> bool:
        return self.path.endswith("__init__.py")


# -- walking ---------------------------------------------------------------------------------------

FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_NOT_NODES = frozenset({"ctx", "type_comment", "name", "id", "attr", "arg", "module", "level", "kind", "conversion", "is_async"})


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that can hold nodes (not names, strings or numbers)."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        skip = _NOT_NODES | {"value"} if cls in (ast.Constant, ast.MatchSingleton) else _NOT_NODES
        fields = tuple(name for name in getattr(cls, "_fields", ()) if name not in skip)
        _CHILD_FIELDS[cls] = fields
    return fields


def children(node: ast.AST) -> Iterator[ast.AST]:
    """Direct child nodes in the order the class lists them (source order for expressions)."""
    for name in _child_fields(node.__class__):
        value = getattr(node, name, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST):
            yield value


def subtree_nodes(root: ast.AST) -> list[ast.AST]:
    """`root` and every node under it, in no promised order (`ctx` markers left out): for
    searches whose answer does not depend on the order. `ast.walk` resumes a generator and builds
    two more for every node, several times the cost of this loop."""
    found: list[ast.AST] = []
    stack = [root]
    child_fields, AST = _child_fields, ast.AST
    while stack:
        node = stack.pop()
        found.append(node)
        for name in _CHILD_FIELDS.get(node.__class__) or child_fields(node.__class__):
            value = getattr(node, name, None)
            if value.__class__ is list:
                stack.extend(item for item in value if isinstance(item, AST))
            elif isinstance(value, AST):
                stack.append(value)
    return found


_BODY_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")
_STATEMENT_FIELDS: dict[type, tuple[str, ...]] = {}


def statements_breadth_first(root: ast.AST) -> Iterator[ast.AST]:
    """The statements of `root` (a function or class) and under it, in exactly `ast.walk`'s
    order, without visiting any expression: a statement's ancestors are statements, `except`
    handlers and `case`s only, so leaving the rest of the tree out keeps each statement's depth
    and its place among its level's nodes. Yields the handlers and cases too."""
    from collections import deque

    todo = deque([root])
    while todo:
        node = todo.popleft()
        cls = node.__class__
        fields = _STATEMENT_FIELDS.get(cls)
        if fields is None:
            fields = _STATEMENT_FIELDS[cls] = tuple(name for name in cls._fields if name in _BODY_FIELDS) if issubclass(cls, (ast.stmt, ast.excepthandler, ast.match_case)) else ()
        for name in fields:
            todo.extend(getattr(node, name))
        yield node


def children_in_source_order(node: ast.AST) -> list[ast.AST]:
    """Direct children as written, for readers that keep first-use order: `ast` lists a dict's
    keys before its values, the test of `a if test else b` first, and keyword arguments after every
    positional one (`f(a=F("x"), *rest)`)."""
    if isinstance(node, ast.Dict):
        return [item for pair in zip(node.keys, node.values) for item in pair if item is not None]
    if isinstance(node, ast.IfExp):
        return [node.body, node.test, node.orelse]
    if isinstance(node, ast.Call) and node.args and node.keywords:
        last, first_keyword = node.args[-1], node.keywords[0]
        if (last.lineno, last.col_offset) > (first_keyword.lineno, first_keyword.col_offset):
            return [node.func, *(arg.value for arg in call_args(node))]
    return list(children(node))


_Plan = tuple[Optional[Callable[[Any, Any], Any]], Optional[Callable[[Any, Any], Any]], tuple[str, ...], Optional[Callable[[Any, Any], None]]]
_PLANS: dict[type, dict[type, "_Plan | None"]] = {}  # per visitor class: how to walk each node class


class TreeVisitor:
    """Visits every node in source order: `visit_<Class>(node)` before a node's children,
    `leave_<Class>(node)` after them; a `visit_` that returns False skips the children.

    Keeps `scopes`, a stack of ("class" | "function", name), entered for the *body* of each
    definition only: decorators, bases, default values and annotations belong to the enclosing
    scope, as in Python. Hooks `enter_class`/`leave_class`/`enter_function`/`leave_function` run
    around a body; subclasses that override them call `super()`. `async def` is a function too.
    """

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self.scopes: list[tuple[str, str]] = []
        # Plans hold the class's functions, not this visitor's bound methods: a bound method kept
        # by its own visitor is a reference cycle, which would keep every file's visitor (and the
        # tree nodes it holds) alive until the garbage collector ran.
        self._plans: dict[type, _Plan | None] = _PLANS.setdefault(type(self), {})

    @property
    def symbol(self) -> str:
        """`pkg.module.Class.method` for the innermost scope, the module name at top level."""
        return dotted(self.module_name, *(name for _, name in self.scopes))

    @property
    def in_function(self) -> bool:
        return any(kind == "function" for kind, _ in self.scopes)

    def enter_class(self, node: ast.ClassDef) -> None:
        self.scopes.append(("class", node.name))

    def leave_class(self, node: ast.ClassDef) -> None:
        self.scopes.pop()

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append(("function", node.name))

    def leave_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.pop()

    def _plan(self, cls: type) -> _Plan | None:
        """How to walk nodes of `cls`: its visit and leave methods, the fields that hold nodes and
        the special walk it needs; None when there is nothing to do at all (a `Name`, a
        `Constant`, a string in a list): the walk does not even call itself for those, and they
        are half the nodes of a tree."""
        plan: _Plan | None = None
        if isinstance(cls, type) and issubclass(cls, ast.AST):
            visit = getattr(type(self), "visit_" + cls.__name__, None)
            leave = getattr(type(self), "leave_" + cls.__name__, None)
            special = _SPECIAL_WALKS.get(cls)
            fields = _child_fields(cls)
            if visit is not None or leave is not None or special is not None or fields:
                plan = (visit, leave, fields, special)
        self._plans[cls] = plan
        return plan

    def walk(self, node: ast.AST) -> None:
        """Visit `node` and everything under it."""
        cls = node.__class__
        plan = self._plans[cls] if cls in self._plans else self._plan(cls)
        if plan is not None:
            self._walk_planned(node, plan)

    def _walk_planned(self, node: Any, plan: _Plan) -> None:
        visit, leave, fields, special = plan
        if visit is not None and visit(self, node) is False:
            return
        if special is not None:
            special(self, node)
        else:
            plans = self._plans
            for name in fields:
                value = getattr(node, name)
                if value.__class__ is list:
                    for item in value:
                        cls = item.__class__
                        child = plans[cls] if cls in plans else self._plan(cls)
                        if child is not None:
                            self._walk_planned(item, child)
                else:
                    cls = value.__class__
                    child = plans[cls] if cls in plans else self._plan(cls)
                    if child is not None:
                        self._walk_planned(value, child)
        if leave is not None:
            leave(self, node)

    def _walk_all(self, nodes: list[Any]) -> None:
        for item in nodes:
            if item is not None:
                self.walk(item)

    def _walk_class(self, node: ast.ClassDef) -> None:
        self._walk_all(node.decorator_list)
        self._walk_all(node.bases)
        self._walk_all(node.keywords)
        self.enter_class(node)
        self._walk_all(node.body)
        self.leave_class(node)

    def _walk_arguments(self, node: ast.arguments) -> None:
        """Each parameter, then its default: `ast` keeps all defaults after all parameters."""
        positional = [*node.posonlyargs, *node.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(node.defaults)) + list(node.defaults)
        pairs = [*zip(positional, defaults), (node.vararg, None), *zip(node.kwonlyargs, node.kw_defaults), (node.kwarg, None)]
        for parameter, default in pairs:
            if parameter is not None:
                self.walk(parameter)
            if default is not None:
                self.walk(default)

    def _walk_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._walk_all(node.decorator_list)
        self.walk(node.args)
        if node.returns is not None:
            self.walk(node.returns)
        self.enter_function(node)
        self._walk_all(node.body)
        self.leave_function(node)


_SPECIAL_WALKS: dict[type, Callable[[TreeVisitor, Any], None]] = {
    ast.ClassDef: TreeVisitor._walk_class,
    ast.FunctionDef: TreeVisitor._walk_function,
    ast.AsyncFunctionDef: TreeVisitor._walk_function,
    ast.arguments: TreeVisitor._walk_arguments,
}


# -- calls -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument of a call as written: `value`, `keyword=value`, `*value` or `**value`."""

    value: ast.expr
    keyword: str | None = None
    star: str = ""  # "", "*" or "**"


def call_args(call: ast.Call) -> list[Arg]:
    """The arguments of a call in source order (`f(a=1, *b)` keeps `a=1` first)."""
    found: list[tuple[tuple[int, int], Arg]] = []
    for value in call.args:
        if isinstance(value, ast.Starred):
            found.append(((value.lineno, value.col_offset), Arg(value.value, None, "*")))
        else:
            found.append(((value.lineno, value.col_offset), Arg(value)))
    for keyword in call.keywords:
        found.append(((keyword.lineno, keyword.col_offset), Arg(keyword.value, keyword.arg, "" if keyword.arg else "**")))
    if call.keywords and call.args:
        found.sort(key=lambda pair: pair[0])
    return [arg for _, arg in found]


def positional_args(call: ast.Call) -> list[ast.expr]:
    """The positional arguments, `*args` left out."""
    return [value for value in call.args if not isinstance(value, ast.Starred)]


def argument(call: ast.Call, index: int | None, keyword: str) -> ast.expr | None:
    """The argument passed as `keyword=`, else the `index`-th positional one."""
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if index is None:
        return None
    positional = positional_args(call)
    return positional[index] if index < len(positional) else None


def callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def dotted_name(node: ast.AST | None) -> str | None:
    """`a.b.c` as text, for Name/Attribute chains only."""
    if node.__class__ is ast.Name:  # half the calls: answered without building a list
        return node.id  # type: ignore[union-attr]
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


# -- displays and subscripts ----------------------------------------------------------------------


def single_assignment(statement: ast.AST) -> tuple[str | None, ast.expr | None]:
    """`name = value` / `name: T = value` -> (name, value); anything else -> (None, None)."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None:
        return statement.target.id, statement.value
    return None, None


def top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module statements, looking into `if`/`try` blocks (TYPE_CHECKING, optional imports)."""
    for statement in body:
        if isinstance(statement, (ast.If, ast.Try)):
            yield from top_level(statement.body)
        else:
            yield statement


def unquoted_annotation(annotation: ast.expr) -> ast.expr | None:
    """`"Order"` read as `Order` (a string annotation); None when the string is no expression."""
    text = literal_string(annotation)
    if text is None:
        return annotation
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def unstarred(node: ast.expr) -> ast.expr:
    """`*x` in a list, tuple or base list stands for x."""
    return node.value if isinstance(node, ast.Starred) else node


def elements(node: ast.List | ast.Tuple | ast.Set) -> list[ast.expr]:
    """The elements of a literal list, tuple or set, `*x` read as x."""
    return [unstarred(element) for element in node.elts]


def subscript_items(node: ast.Subscript) -> list[ast.expr]:
    """`X[a, b]` -> [a, b]; slices (`X[1:2]`) are left out."""
    index = node.slice
    if isinstance(index, ast.Tuple):
        return [item for item in index.elts if not isinstance(item, ast.Slice)]
    return [] if isinstance(index, ast.Slice) else [index]


# -- literals --------------------------------------------------------------------------------------


def literal_string(node: ast.AST | None) -> str | None:
    """The value of a plain (non-f, non-bytes) string literal, implicit concatenation included."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def literal_bool(node: ast.AST | None) -> bool | None:
    """`True` / `False` as written; None for anything else (a name, a call, a missing argument)."""
    if isinstance(node, ast.Constant) and node.value.__class__ is bool:
        return bool(node.value)
    return None


_CONSTANT_NAMES = {"None": None, "True": True, "False": False}


def is_name(node: ast.AST | None, name: str) -> bool:
    """Is `node` the bare name `name` (`None`, `True`, a local variable)?"""
    if name in _CONSTANT_NAMES:
        return isinstance(node, ast.Constant) and node.value is _CONSTANT_NAMES[name]
    return isinstance(node, ast.Name) and node.id == name


def string_list(node: ast.AST | None) -> tuple[str, ...] | None:
    """("a", "b") or ["a", "b"]: the names; anything else: None (unknown)."""
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    names = []
    for element in node.elts:
        value = literal_string(element)
        if value is None:
            return None
        names.append(value)
    return tuple(names)




# -- syntax newer than the running Python ----------------------------------------------------------


def without_newer_syntax(text: str) -> str | None:
    """The text with syntax newer than Python 3.11 rewritten in place, for a Python that cannot
    parse it: PEP 695 type parameters (`def f[T](x)` and `class C[K, V](Base)` lose their `[...]`,
    `type X = int` becomes `_;   X = int`), PEP 758 exception lists (`except A, B:` becomes
    `except A   :`; no analysis reads which exceptions a handler catches) and PEP 750 t-strings
    (`t"..."` becomes `f"..."`; `is_template` still tells them apart in the text as written).
    Lines and columns stay where they were, so every other node keeps its position. None when
    there is nothing to rewrite, or a list to blank spans lines."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type != tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return None
    blanks: list[tuple[tuple[int, int], tuple[int, int], str]] = []  # (start, end, filler)
    starts_statement = True
    for index, token in enumerate(tokens):
        following = tokens[index + 1 : index + 3]
        if token.type == tokenize.NAME and token.string == "except":
            blank = _exception_list_tail(tokens, index + 1)
            if blank is not None:
                blanks.append((*blank, ""))
        elif token.type == tokenize.NAME and len(following) == 2 and following[0].type == tokenize.NAME:
            after = following[1]
            if token.string in ("def", "class") and after.string == "[":
                blanks.append((after.start, _closing_bracket(tokens, index + 2), ""))
            elif token.string == "type" and starts_statement and after.string in ("=", "["):
                blanks.append((token.start, token.end, "_;"))  # `type X = int` -> `_;   X = int`
                if after.string == "[":
                    blanks.append((after.start, _closing_bracket(tokens, index + 2), ""))
        elif token.type == tokenize.NAME and token.string.lower() in ("t", "tr", "rt") and following:
            # Before 3.14 the tokenizer reads `t"..."` as the name `t` right before a string.
            string = following[0]
            if string.type in (tokenize.STRING, _FSTRING_START) and string.start == token.end:
                blanks.append((token.start, token.end, token.string.replace("t", "f").replace("T", "F")))
        starts_statement = token.type in _STATEMENT_STARTS or token.string == ";"
    if not blanks:
        return None
    lines = _LINE.findall(text)  # the tokenizer's rows
    for (row, start), (end_row, end), filler in blanks:
        if end_row != row:
            return None
        line = lines[row - 1]
        lines[row - 1] = line[:start] + filler.ljust(end - start) + line[end:]
    return "".join(lines)


def _exception_list_tail(tokens: list[tokenize.TokenInfo], first: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """`except A, B:` (no parentheses, no `as`): from the first comma to the colon."""
    depth = 0
    comma: tuple[int, int] | None = None
    for token in tokens[first:]:
        if token.type == tokenize.OP and token.string in ("(", "[", "{"):
            depth += 1
        elif token.type == tokenize.OP and token.string in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and token.string == "," and comma is None:
            comma = token.start
        elif depth == 0 and token.string == "as" or token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            return None
        elif depth == 0 and token.string == ":":
            return (comma, token.start) if comma is not None else None
    return None


_STATEMENT_STARTS = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT})
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+


def _closing_bracket(tokens: list[tokenize.TokenInfo], opening: int) -> tuple[int, int]:
    """Where the bracket opened at `tokens[opening]` closes (-1, -1 when it never does)."""
    depth = 0
    for token in tokens[opening:]:
        if token.type == tokenize.OP and token.string in ("(", "[", "{"):
            depth += 1
        elif token.type == tokenize.OP and token.string in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return token.end
    return (-1, -1)


__all__ = [
    "Arg", "FUNCTION_NODES", "ParsedTree", "SourceText", "TreeVisitor", "argument", "call_args", "callee_name",
    "children", "children_in_source_order", "dotted", "dotted_name", "elements", "is_name", "literal_bool", "literal_string",
    "positional_args", "statements_breadth_first", "string_list", "subscript_items", "subtree_nodes", "unstarred", "without_newer_syntax",
]  # fmt: skip
