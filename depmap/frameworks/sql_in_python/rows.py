"""How the function that runs a query consumes its rows: by position, or not visibly.

A `SELECT *` returns one more column once a column is added. Code that reads rows by name
(`row["status"]`, `.mappings()`, a DataFrame column) does not notice; code that takes a row apart
by position does: `id, status, total = cur.fetchone()` raises "too many values to unpack",
`Order(*row)` passes one argument too many, `pd.DataFrame(rows, columns=[...])` rejects the width.

`row_uses(body, call, sink, source, constants)` follows, statically and within the function
that makes the call, the value the call returns and the cursor it runs on:

- `cur.execute(sql)` then `cur.fetchone()`, `cur.fetchall()`, `cur.fetchmany()`, `for r in cur`
  (until the next `execute` on the same cursor);
- `conn.execute(text(sql)).fetchall()`, `.first()`, `.one()`, `.all()` (SQLAlchemy, sqlite3,
  psycopg 3); `await conn.fetch(sql)` / `fetchrow` (asyncpg); `pd.read_sql(sql, con)`;
- names bound to those values, `for` loops and comprehensions over them, `enumerate(rows)`,
  `list(...)`, `next(cur)`, `rows[0]`.

It records each positional use: `unpack` (with the number of names), `index` (`row[3]`,
`row[-1]`), `zip` (with a hard-coded list of names; `strict`), `star_args` (`f(*row)`),
`frame_columns` (`DataFrame(rows, columns=[...])`), `set_columns` (`df.columns = [...]`), `iloc`
(`df.iloc[:, 3]`) and `export` (`df.to_parquet(...)`). A starred target (`a, b, *rest = row`)
absorbs extra columns and is not a use. Nothing else is inferred: a value returned, passed to
another function or stored on an object is out of sight, so the list is a lower bound.

The walk runs only for calls whose SQL selects `*` from some table, so its cost stays off the
common path.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from depmap.python.tree import (
    SourceText,
    TreeVisitor,
    argument,
    callee_name,
    dotted_name,
    is_name,
    positional_args,
    string_list,
)
from depmap.python.tree_strings import first_argument

CURSOR, ROWS, ROW, FRAME = "cursor", "rows", "row", "frame"
STATEMENT = "statement"  # `text(sql)`: a statement object, run later by `conn.execute(stmt)`

# What the database call itself returns.
_CALL_KINDS = {
    "execute": CURSOR, "exec_driver_sql": CURSOR,
    "fetch": ROWS, "fetch_all": ROWS, "fetchall": ROWS, "fetchmany": ROWS,
    "fetchrow": ROW, "fetch_one": ROW, "fetchone": ROW,
    "read_sql": FRAME, "read_sql_query": FRAME, "read_sql_table": FRAME,
}  # fmt: skip
# Calls whose receiver is the cursor that holds the rows afterwards (`cur.execute(sql)`).
CURSOR_SINKS = frozenset({"execute", "exec_driver_sql"})
# Database calls whose rows can be followed (`text` builds a statement that one of them runs).
RUNNERS = frozenset(_CALL_KINDS) | {"text"}
# Methods of a cursor / SQLAlchemy Result, and what they return.
_ROW_METHODS = frozenset({"fetchone", "first", "one", "one_or_none"})
_ROWS_METHODS = frozenset({"fetchall", "all", "fetchmany"})
_SAME_METHODS = frozenset({"tuples", "unique"})
_EXPORTS = frozenset({"to_csv", "to_parquet", "to_sql", "to_json", "to_excel", "to_feather", "to_records"})


@dataclass(frozen=True)
class Consumption:
    """What the function does with one call's rows: positional uses (sorted by line), whether the
    call is awaited, and whether it runs inside an `async with ....transaction():` block."""

    uses: tuple[dict[str, Any], ...]
    awaited: bool
    in_transaction: bool
    run_at: tuple[int, ...]  # lines of the calls that run the statement
    runners: tuple[str, ...]  # their names: execute, fetch, read_sql...
    unprepared: bool  # `execute(..., prepare=False)`: psycopg never prepares this call


def row_uses(
    body: ast.AST,
    call: ast.Call,
    sink: str,
    source: SourceText,
    constants: Mapping[str, int],
) -> Consumption:
    """How the rows `call` returns are used within `body` (the function, class or module making it)."""
    walker = _RowWalker(call, sink, source, constants)
    walker.walk(body)
    uses = sorted(walker.uses, key=lambda use: (use["line"], use["kind"]))
    runs = sorted(walker.runs)
    return Consumption(
        tuple(uses),
        walker.awaited,
        walker.in_transaction,
        tuple(sorted({line for line, _ in runs})),
        tuple(sorted({name for _, name in runs})),
        walker.unprepared,
    )


class _RowWalker(TreeVisitor):
    def __init__(self, call: ast.Call, sink: str, source: SourceText, constants: Mapping[str, int]) -> None:
        super().__init__("")
        self.call, self.sink, self.source = call, sink, source
        self.bindings: dict[str, str] = {}
        self.names: dict[str, int] = dict(constants)  # name -> length of a literal list of strings
        self.uses: list[dict[str, Any]] = []
        self.in_transaction = False
        self.awaited = False
        self.unprepared = False
        self.runs: set[tuple[int, str]] = set()
        self._transactions = 0
        self._root = True

    # scopes: nested functions and classes are someone else's

    def _enter(self, node: ast.AST) -> bool:
        entered, self._root = self._root, False
        return entered

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _enter

    def visit_Module(self, node: ast.Module) -> bool:
        self._root = False
        return True

    # what an expression holds

    def kind(self, node: ast.AST) -> str | None:
        if node is self.call:
            return STATEMENT if self.sink == "text" else _CALL_KINDS.get(self.sink)
        if isinstance(node, ast.Await):
            return self.kind(node.value)
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = dotted_name(node)
            return self.bindings.get(name) if name else None
        if isinstance(node, ast.Subscript):
            return ROW if self.kind(node.value) == ROWS and _index(node) is not None else None
        if not isinstance(node, ast.Call):
            return None
        name = callee_name(node.func)
        first = first_argument(node)
        if name in _CALL_KINDS and first is not None and self.kind(first) == STATEMENT:
            return _CALL_KINDS[name]  # conn.execute(text(sql)), pd.read_sql(stmt, con)
        if isinstance(node.func, ast.Attribute):
            inner = self.kind(node.func.value)
            if inner == CURSOR and name in _ROW_METHODS:
                return ROW
            if inner == CURSOR and name in _ROWS_METHODS:
                return ROWS
            if inner == CURSOR and name in _SAME_METHODS:
                return CURSOR
            return None
        args = positional_args(node)
        if name in ("list", "sorted", "tuple") and len(args) == 1 and self.kind(args[0]) in (CURSOR, ROWS):
            return ROWS
        if name == "next" and args and self.kind(args[0]) == CURSOR:
            return ROW
        return None

    def _iterates_rows(self, node: ast.AST) -> bool:
        return self.kind(node) in (CURSOR, ROWS)

    def _use(self, line: int, kind: str, **details: Any) -> None:
        self.uses.append({"kind": kind, "line": line, **details})

    # binding names

    def _bind(self, target: ast.AST, kind: str | None, value: ast.AST | None, at: int) -> None:
        name = dotted_name(target)
        if name is not None:
            if kind is None:
                self.bindings.pop(name, None)
            else:
                self.bindings[name] = kind
            listed = string_list(value) if value is not None else None
            if listed is not None:
                self.names[name] = len(listed)
            else:
                self.names.pop(name, None)
            if isinstance(target, ast.Attribute) and target.attr == "columns" and value is not None:
                owner = dotted_name(target.value)
                count = self._names_in(value)
                if owner and self.bindings.get(owner) == FRAME and count is not None:
                    self._use(at, "set_columns", names=count)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if kind == ROW:
                self._unpack(target, at)
            for element in target.elts:
                if not isinstance(element, ast.Starred):
                    self._bind(element, None, None, at)

    def _unpack(self, target: ast.Tuple | ast.List, at: int) -> None:
        if not any(isinstance(element, ast.Starred) for element in target.elts):
            self._use(at, "unpack", names=len(target.elts))

    def _loop(self, target: ast.AST, iterable: ast.AST, at: int) -> None:
        """`for row in rows`, `for a, b in cur`, `for i, row in enumerate(rows)`."""
        if isinstance(iterable, ast.Call) and callee_name(iterable.func) == "enumerate":
            first = first_argument(iterable)
            pair = isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2
            if pair and first is not None and self._iterates_rows(first):
                assert isinstance(target, (ast.Tuple, ast.List))
                second = target.elts[1]
                self._bind(second.value if isinstance(second, ast.Starred) else second, ROW, None, at)
                return
        self._bind(target, ROW if self._iterates_rows(iterable) else None, None, at)

    def visit_Assign(self, node: ast.Assign) -> None:
        kind = self.kind(node.value)
        for target in node.targets:
            self._bind(target, kind, node.value, node.lineno)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, self.kind(node.value), node.value, node.lineno)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._loop(node.target, node.iter, node.lineno)

    visit_AsyncFor = visit_For

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        before: ast.expr = node.value if isinstance(node, ast.DictComp) else node.elt
        for comp in node.generators:
            self._loop(comp.target, comp.iter, _for_line(self.source, before, comp.target))
            before = comp.ifs[-1] if comp.ifs else comp.iter

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def _run(self, call: ast.Call, name: str) -> None:
        self.runs.add((call.lineno, name))
        self.in_transaction = self.in_transaction or self._transactions > 0
        if is_name(argument(call, None, "prepare"), "False"):
            self.unprepared = True

    def visit_Await(self, node: ast.Await) -> None:
        inner = node.value
        if isinstance(inner, ast.Call) and (inner is self.call or self.kind(inner) is not None):
            self.awaited = True

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        if _opens_transaction(node):
            self._transactions += 1

    def leave_With(self, node: ast.With | ast.AsyncWith) -> None:
        if _opens_transaction(node):
            self._transactions -= 1

    visit_AsyncWith, leave_AsyncWith = visit_With, leave_With

    # uses

    def visit_Subscript(self, node: ast.Subscript) -> None:
        index = _index(node)
        if index is not None and self.kind(node.value) == ROW:
            self._use(node.lineno, "index", index=index)
        elif isinstance(node.value, ast.Attribute) and node.value.attr == "iloc":
            owner = dotted_name(node.value.value)
            column = _index(node, position=1)
            if owner and self.bindings.get(owner) == FRAME and column is not None:
                self._use(node.lineno, "iloc", index=column)

    def visit_Call(self, node: ast.Call) -> None:
        name = callee_name(node.func)
        if node is self.call and self.sink != "text":
            self._run(node, name or self.sink)
            if name in CURSOR_SINKS and isinstance(node.func, ast.Attribute):
                receiver = dotted_name(node.func.value)
                if receiver:
                    self.bindings[receiver] = CURSOR
            return
        first = first_argument(node)
        if name in _CALL_KINDS and first is not None and self.kind(first) == STATEMENT:
            self._run(node, name)
            return
        if name in CURSOR_SINKS and isinstance(node.func, ast.Attribute):
            receiver = dotted_name(node.func.value)
            if receiver and self.bindings.get(receiver) == CURSOR:
                del self.bindings[receiver]  # the cursor now holds another query's rows
        for arg in node.args:
            if isinstance(arg, ast.Starred) and self.kind(arg.value) == ROW:
                self._use(node.lineno, "star_args", callee=dotted_name(node.func) or "the call")
        positional = positional_args(node)
        if name == "zip" and any(self.kind(arg) == ROW for arg in positional):
            listed = [self._names_in(arg) for arg in positional]
            known = [count for count in listed if count is not None]
            if known:
                strict = is_name(argument(node, None, "strict"), "True")
                self._use(node.lineno, "zip", names=known[0], strict=strict)
        elif name in ("DataFrame", "from_records") and positional and self._iterates_rows(positional[0]):
            columns = argument(node, None, "columns")
            count = self._names_in(columns) if columns is not None else None
            if count is not None:
                self._use(node.lineno, "frame_columns", names=count)
        elif name in _EXPORTS and isinstance(node.func, ast.Attribute):
            owner = dotted_name(node.func.value)
            if owner and self.bindings.get(owner) == FRAME:
                self._use(node.lineno, "export", method=name)

    def _names_in(self, node: ast.AST) -> int | None:
        listed = string_list(node)
        if listed is not None:
            return len(listed)
        name = dotted_name(node)
        return self.names.get(name) if name else None


@dataclass(frozen=True)
class _Span:
    """A stretch of source between two nodes, to read with `SourceText.segment`."""

    lineno: int
    col_offset: int
    end_lineno: int
    end_col_offset: int


_FOR = re.compile(r"\b(?:async|for)\b")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _for_line(source: SourceText, before: ast.expr, target: ast.expr) -> int:
    """The line of a comprehension's `async for`/`for` (`ast.comprehension` has no position):
    found between the expression before it and its target."""
    first = before.end_lineno or before.lineno
    if first == target.lineno:
        return first
    between = source.segment(_Span(first, before.end_col_offset or 0, target.lineno, target.col_offset))  # type: ignore[arg-type]
    for offset, line in enumerate(_LINE_BREAK.split(between)):
        if _FOR.search(line.split("#", 1)[0]):
            return first + offset
    return target.lineno


def _opens_transaction(node: ast.With | ast.AsyncWith) -> bool:
    return any(
        isinstance(item.context_expr, ast.Call) and callee_name(item.context_expr.func) == "transaction"
        for item in node.items
    )


def _index(node: ast.Subscript, position: int = 0) -> int | None:
    """The integer at `position` of a subscript (`row[3]`, `row[-1]`, `df.iloc[:, 2]`)."""
    items = _subscript_items(node)
    if len(items) <= position:
        return None
    if position == 0 and len(items) != 1:
        return None
    value = items[position]
    sign = 1
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
        value, sign = value.operand, -1
    if isinstance(value, ast.Constant) and value.value.__class__ is int:
        return sign * value.value
    return None


def _subscript_items(node: ast.Subscript) -> list[ast.expr]:
    """The items between the brackets: `row[1, 2]` has two, `row[(1, 2)]` one (a tuple)."""
    inside = node.slice
    if isinstance(inside, ast.Tuple) and inside.elts:
        first, last = inside.elts[0], inside.elts[-1]
        starts = (first.lineno, first.col_offset) == (inside.lineno, inside.col_offset)
        ends = (last.end_lineno, last.end_col_offset) == (inside.end_lineno, inside.end_col_offset)
        if starts or ends:  # not written in parentheses
            return list(inside.elts)
    return [inside]


def literal_name_lists(tree: ast.Module) -> dict[str, int]:
    """Module constants that are literal lists of strings (`COLUMNS = ["id", "status"]`)."""
    found: dict[str, int] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target, listed = statement.targets[0], string_list(statement.value)
        if isinstance(target, ast.Name) and listed is not None:
            found[target.id] = len(listed)
    return found


__all__ = ["CURSOR_SINKS", "RUNNERS", "Consumption", "literal_name_lists", "row_uses"]
