"""How the function that runs a query consumes its rows: by position, or not visibly.

A `SELECT *` returns one more column once a column is added. Code that reads rows by name
(`row["status"]`, `.mappings()`, a DataFrame column) does not notice; code that takes a row apart
by position does: `id, status, total = cur.fetchone()` raises "too many values to unpack",
`Order(*row)` passes one argument too many, `pd.DataFrame(rows, columns=[...])` rejects the width.

`row_uses(body, call, sink, positions, constants)` follows, statically and within the function
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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange

from depmap.scanners.python_source import argument, callee_name, dotted_name, string_list

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
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)


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
    body: cst.CSTNode,
    call: cst.Call,
    sink: str,
    positions: Mapping[cst.CSTNode, CodeRange],
    constants: Mapping[str, int],
) -> Consumption:
    """How the rows `call` returns are used within `body` (the function or module making it)."""
    walker = _RowWalker(call, sink, positions, constants)
    body.visit(walker)
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


class _RowWalker(cst.CSTVisitor):
    def __init__(
        self, call: cst.Call, sink: str, positions: Mapping[cst.CSTNode, CodeRange], constants: Mapping[str, int]
    ) -> None:
        super().__init__()
        self.call, self.sink, self.positions = call, sink, positions
        self.bindings: dict[str, str] = {}
        self.names: dict[str, int] = dict(constants)  # name -> length of a literal list of strings
        self.uses: list[dict[str, Any]] = []
        self.in_transaction = False
        self.awaited = False
        self.unprepared = False
        self.runs: set[tuple[int, str]] = set()
        self._transactions = 0
        self._done: set[int] = set()
        self._root = True

    # scopes: nested functions and classes are someone else's

    def _enter(self) -> bool:
        entered, self._root = self._root, False
        return entered

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return self._enter()

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return self._enter()

    def visit_Module(self, node: cst.Module) -> bool:
        self._root = False
        return True

    # what an expression holds

    def kind(self, node: cst.BaseExpression) -> str | None:
        if node is self.call:
            return STATEMENT if self.sink == "text" else _CALL_KINDS.get(self.sink)
        if isinstance(node, cst.Await):
            return self.kind(node.expression)
        if isinstance(node, (cst.Name, cst.Attribute)):
            name = dotted_name(node)
            return self.bindings.get(name) if name else None
        if isinstance(node, cst.Subscript):
            return ROW if self.kind(node.value) == ROWS and _index(node) is not None else None
        if not isinstance(node, cst.Call):
            return None
        name = callee_name(node.func)
        if name in _CALL_KINDS and node.args and self.kind(node.args[0].value) == STATEMENT:
            return _CALL_KINDS[name]  # conn.execute(text(sql)), pd.read_sql(stmt, con)
        if isinstance(node.func, cst.Attribute):
            inner = self.kind(node.func.value)
            if inner == CURSOR and name in _ROW_METHODS:
                return ROW
            if inner == CURSOR and name in _ROWS_METHODS:
                return ROWS
            if inner == CURSOR and name in _SAME_METHODS:
                return CURSOR
            return None
        args = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if name in ("list", "sorted", "tuple") and len(args) == 1 and self.kind(args[0]) in (CURSOR, ROWS):
            return ROWS
        if name == "next" and args and self.kind(args[0]) == CURSOR:
            return ROW
        return None

    def _iterates_rows(self, node: cst.BaseExpression) -> bool:
        return self.kind(node) in (CURSOR, ROWS)

    def _use(self, node: cst.CSTNode, kind: str, **details: Any) -> None:
        self.uses.append({"kind": kind, "line": self.positions[node].start.line, **details})

    # binding names

    def _bind(
        self, target: cst.BaseExpression, kind: str | None, value: cst.BaseExpression | None, at: cst.CSTNode
    ) -> None:
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
            if isinstance(target, cst.Attribute) and target.attr.value == "columns" and value is not None:
                owner = dotted_name(target.value)
                count = self._names_in(value)
                if owner and self.bindings.get(owner) == FRAME and count is not None:
                    self._use(at, "set_columns", names=count)
        elif isinstance(target, (cst.Tuple, cst.List)):
            if kind == ROW:
                self._unpack(target, at)
            for element in target.elements:
                if not isinstance(element, cst.StarredElement):
                    self._bind(element.value, None, None, at)

    def _unpack(self, target: cst.Tuple | cst.List, at: cst.CSTNode) -> None:
        if not any(isinstance(element, cst.StarredElement) for element in target.elements):
            self._use(at, "unpack", names=len(target.elements))

    def _loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression, at: cst.CSTNode) -> None:
        """`for row in rows`, `for a, b in cur`, `for i, row in enumerate(rows)`."""
        if isinstance(iterable, cst.Call) and callee_name(iterable.func) == "enumerate" and iterable.args:
            pair = isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2
            if pair and self._iterates_rows(iterable.args[0].value):
                assert isinstance(target, (cst.Tuple, cst.List))
                self._bind(target.elements[1].value, ROW, None, at)
                return
        self._bind(target, ROW if self._iterates_rows(iterable) else None, None, at)

    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self.kind(node.value)
        for target in node.targets:
            self._bind(target.target, kind, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, self.kind(node.value), node.value, node)

    def visit_For(self, node: cst.For) -> None:
        self._loop(node.target, node.iter, node)

    def _comprehension(self, node: cst.BaseExpression) -> None:
        comp: cst.CompFor | None = getattr(node, "for_in", None)
        while comp is not None:
            self._done.add(id(comp))
            self._loop(comp.target, comp.iter, comp)
            comp = comp.inner_for_in

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node)

    def _run(self, call: cst.Call, name: str) -> None:
        self.runs.add((self.positions[call].start.line, name))
        self.in_transaction = self.in_transaction or self._transactions > 0
        if dotted_name(argument(call, None, "prepare")) == "False":
            self.unprepared = True

    def visit_Await(self, node: cst.Await) -> None:
        inner = node.expression
        if isinstance(inner, cst.Call) and (inner is self.call or self.kind(inner) is not None):
            self.awaited = True

    def visit_With(self, node: cst.With) -> None:
        if any(isinstance(item.item, cst.Call) and callee_name(item.item.func) == "transaction" for item in node.items):
            self._transactions += 1

    def leave_With(self, original_node: cst.With) -> None:
        if any(isinstance(i.item, cst.Call) and callee_name(i.item.func) == "transaction" for i in original_node.items):
            self._transactions -= 1

    # uses

    def visit_Subscript(self, node: cst.Subscript) -> None:
        index = _index(node)
        if index is not None and self.kind(node.value) == ROW:
            self._use(node, "index", index=index)
        elif isinstance(node.value, cst.Attribute) and node.value.attr.value == "iloc":
            owner = dotted_name(node.value.value)
            column = _index(node, position=1)
            if owner and self.bindings.get(owner) == FRAME and column is not None:
                self._use(node, "iloc", index=column)

    def visit_Call(self, node: cst.Call) -> None:
        name = callee_name(node.func)
        if node is self.call and self.sink != "text":
            self._run(node, name or self.sink)
            if name in CURSOR_SINKS and isinstance(node.func, cst.Attribute):
                receiver = dotted_name(node.func.value)
                if receiver:
                    self.bindings[receiver] = CURSOR
            return
        if name in _CALL_KINDS and node.args and self.kind(node.args[0].value) == STATEMENT:
            self._run(node, name)
            return
        if name in CURSOR_SINKS and isinstance(node.func, cst.Attribute):
            receiver = dotted_name(node.func.value)
            if receiver and self.bindings.get(receiver) == CURSOR:
                del self.bindings[receiver]  # the cursor now holds another query's rows
        for arg in node.args:
            if arg.star == "*" and self.kind(arg.value) == ROW:
                self._use(node, "star_args", callee=dotted_name(node.func) or "the call")
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if name == "zip" and any(self.kind(arg) == ROW for arg in positional):
            listed = [self._names_in(arg) for arg in positional]
            known = [count for count in listed if count is not None]
            if known:
                strict = dotted_name(argument(node, None, "strict")) == "True"
                self._use(node, "zip", names=known[0], strict=strict)
        elif name in ("DataFrame", "from_records") and positional and self._iterates_rows(positional[0]):
            columns = argument(node, None, "columns")
            count = self._names_in(columns) if columns is not None else None
            if count is not None:
                self._use(node, "frame_columns", names=count)
        elif name in _EXPORTS and isinstance(node.func, cst.Attribute):
            owner = dotted_name(node.func.value)
            if owner and self.bindings.get(owner) == FRAME:
                self._use(node, "export", method=name)

    def _names_in(self, node: cst.BaseExpression) -> int | None:
        listed = string_list(node)
        if listed is not None:
            return len(listed)
        name = dotted_name(node)
        return self.names.get(name) if name else None


def _index(node: cst.Subscript, position: int = 0) -> int | None:
    """The integer at `position` of a subscript (`row[3]`, `row[-1]`, `df.iloc[:, 2]`)."""
    if len(node.slice) <= position:
        return None
    if position == 0 and len(node.slice) != 1:
        return None
    item = node.slice[position].slice
    if not isinstance(item, cst.Index):
        return None
    value = item.value
    sign = 1
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        value, sign = value.expression, -1
    if isinstance(value, cst.Integer):
        return sign * int(value.value, 0)
    return None


def literal_name_lists(module: cst.Module) -> dict[str, int]:
    """Module constants that are literal lists of strings (`COLUMNS = ["id", "status"]`)."""
    found: dict[str, int] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target, listed = small.targets[0].target, string_list(small.value)
            if isinstance(target, cst.Name) and listed is not None:
                found[target.value] = len(listed)
    return found


__all__ = ["CURSOR_SINKS", "RUNNERS", "Consumption", "literal_name_lists", "row_uses"]
