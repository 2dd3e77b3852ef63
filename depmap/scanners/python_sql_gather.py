"""One pass over a Python module that collects what may be SQL, before any of it is resolved.

`GatherSqlVisitor` only records: string expressions that may be SQL, database calls and their SQL
arguments, calls that name a table, and every assignment of every scope. Which text a name holds
at a given call, and what the SQL says, depend on assignments that may come later in the file
(a method reads a class attribute defined below it), so that is decided afterwards, by
`python_sql_resolve`, from what this pass gathered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from depmap.scanners.python_source import (
    STRING_NODES,
    ScopedVisitor,
    callee_name,
    dotted,
    dotted_name,
    first_operand,
    is_name,
    is_text_expression,
    leftmost_string,
    operands,
    string_head,
    text_structure,
)
from depmap.scanners.python_sql_recognize import (
    REVERSE_SQL_KEYWORD_ARGS,
    REVERSIBLE_SQL_SINKS,
    SQL_KEYWORD_ARGS,
    SQL_SINKS,
    SQL_SINKS_AFTER_CURSOR,
    TABLE_SINKS,
    WEAK_SQL_KEYWORD_ARGS,
    WEAK_SQL_SINKS,
    opens_with_keyword,
)

_LOGGER = re.compile(r"_*(?:log|logger|logging|logs)", re.I)
_QUIET_FUNCTIONS = frozenset({"print", "_", "gettext", "gettext_lazy", "ngettext", "pgettext", "ugettext"})
_BRANCHES = (cst.If, cst.Else, cst.For, cst.While, cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase)


@dataclass(eq=False)
class Scope:
    """A module, class or function body: its assignments, and the branches (`if`, `for`, ...)
    open at the point the visitor has reached."""

    kind: str  # "module", "class" or "function"
    symbol: str
    parent: Scope | None
    bindings: dict[str, list[Assignment]] = field(default_factory=dict)
    attributes: dict[str, list[Assignment]] = field(default_factory=dict)  # self.X = ... in methods
    bases: tuple[str, ...] = ()
    branches: list[int] = field(default_factory=list)
    node: cst.CSTNode | None = None  # the function, class or module: where its rows are consumed

    def enclosing_class(self) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope


@dataclass(eq=False)
class Assignment:
    """`name = parts` or `name += parts` (parts are concatenated; None: a value we cannot read)."""

    seq: int
    augmented: bool
    parts: tuple[cst.BaseExpression, ...] | None
    scope: Scope
    branch: tuple[int, ...]
    symbol: str  # where the text is written


@dataclass(eq=False)
class Candidate:
    """A string expression outside any database call that opens like SQL (or a name that may hold
    SQL): reported at medium confidence if it resolves to a statement."""

    node: cst.BaseExpression
    scope: Scope
    seq: int
    symbol: str


@dataclass(eq=False)
class Sink:
    """A database call and the arguments that carry its SQL; `strong` when the call certainly runs
    SQL (`execute`), not when its name is generic (`text`, `query=`)."""

    name: str
    strong: bool
    args: tuple[cst.BaseExpression, ...]
    scope: Scope
    seq: int
    symbol: str  # the code that runs it
    text_symbol: str  # the symbol a literal written in the call belongs to
    reverse: bool = False  # rollback SQL (RunSQL reverse_sql): runs only when migrating down
    call: cst.Call | None = None


@dataclass
class DriverHints:
    """What the file says about its PostgreSQL driver: the packages it imports, an SQLAlchemy URL
    naming asyncpg, and settings that turn server-side prepared statements off."""

    imports: set[str] = field(default_factory=set)  # top-level packages: "asyncpg", "psycopg", ...
    asyncpg_url: bool = False  # "postgresql+asyncpg://..." somewhere in the file
    no_prepare: set[str] = field(default_factory=set)  # "psycopg", "asyncpg": caching turned off


# Keyword arguments that turn a driver's prepared-statement cache off.
_NO_PREPARE = {"prepare_threshold": ("psycopg", "None"), "statement_cache_size": ("asyncpg", "0"),
               "prepared_statement_cache_size": ("asyncpg", "0")}  # fmt: skip


@dataclass(eq=False)
class TableSink:
    """A call that names a table instead of passing SQL (`TABLE_SINKS`)."""

    call: cst.Call
    name: str
    scope: Scope
    seq: int
    symbol: str


class GatherSqlVisitor(ScopedVisitor):
    """Collects, in one pass: `candidates` (string expressions that may be SQL), `sinks` (database
    calls and their SQL arguments), `table_sinks` (`read_sql_table`, `copy_from`, ...), the
    assignments of every scope (`Scope.bindings`) needed to follow a name to its text, and
    `drivers` (the file's evidence of a PostgreSQL driver that caches prepared statements)."""

    def __init__(self, module_name: str) -> None:
        super().__init__(module_name)
        self.module_scope = Scope("module", module_name, None)
        self.scope = self.module_scope
        self.classes: dict[str, list[Scope]] = {}
        self.candidates: list[Candidate] = []
        self.sinks: list[Sink] = []
        self.table_sinks: list[TableSink] = []
        self.drivers = DriverHints()
        self._seq = 0
        self._quiet: list[bool] = [False]
        self._inner: set[int] = set()  # parts of an expression already taken as a candidate
        self._target: str | None = None  # the name a module/class-level assignment defines

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def text_symbol(self) -> str:
        if self.scope.kind != "function" and self._target:
            return dotted(self.scope.symbol, self._target)
        return self.scope.symbol

    # scopes and branches

    def visit_Module(self, node: cst.Module) -> None:
        self.module_scope.node = node

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef_body(node)
        bases = tuple(dotted_name(arg.value) or "" for arg in node.bases)
        self.scope = Scope("class", self.symbol, self.scope, bases=bases, node=node)
        self.classes.setdefault(node.name.value, []).append(self.scope)

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        super().leave_ClassDef_body(node)
        self.scope = self.scope.parent or self.module_scope

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef_body(node)
        self.scope = Scope("function", self.symbol, self.scope, node=node)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        super().leave_FunctionDef_body(node)
        self.scope = self.scope.parent or self.module_scope

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if attribute == "body" and isinstance(node, _BRANCHES):
            self.scope.branches.append(self._next())
        super().on_visit_attribute(node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        super().on_leave_attribute(original_node, attribute)
        if attribute == "body" and isinstance(original_node, _BRANCHES):
            self.scope.branches.pop()

    # assignments

    def _bind(self, target: cst.BaseExpression, augmented: bool, parts: tuple[cst.BaseExpression, ...] | None) -> None:
        scope = self.scope
        if isinstance(target, cst.Name):
            name, table = target.value, scope.bindings
        elif is_self_attribute(target) and scope.kind == "function" and scope.parent and scope.parent.kind == "class":
            assert isinstance(target, cst.Attribute)
            name, table, scope = target.attr.value, scope.parent.attributes, scope.parent
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, False, None)
            return
        else:
            return
        symbol = self.scope.symbol if self.scope.kind == "function" else dotted(scope.symbol, name)
        event = Assignment(self._next(), augmented, parts, self.scope, tuple(self.scope.branches), symbol)
        table.setdefault(name, []).append(event)

    def visit_Assign(self, node: cst.Assign) -> None:
        first = node.targets[0].target
        self._target = first.value if isinstance(first, cst.Name) else None
        pieces = operands(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name) and is_name(pieces[0], target.target.value) and len(pieces) > 1:
                self._bind(target.target, True, tuple(pieces[1:]))  # query = query + "..."
            else:
                self._bind(target.target, False, (node.value,))

    def leave_Assign(self, original_node: cst.Assign) -> None:
        self._target = None

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._target = node.target.value if isinstance(node.target, cst.Name) else None
            self._bind(node.target, False, (node.value,))

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        self._target = None

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, cst.AddAssign):
            self._bind(node.target, True, (node.value,))
        else:
            self._bind(node.target, False, None)

    # driver evidence

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            if name:
                self.drivers.imports.add(name.split(".", 1)[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        name = dotted_name(node.module) if node.module is not None and not node.relative else None
        if name:
            self.drivers.imports.add(name.split(".", 1)[0])

    def _driver_settings(self, node: cst.Call) -> None:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in _NO_PREPARE:
                driver, off = _NO_PREPARE[arg.keyword.value]
                value = arg.value
                if isinstance(value, (cst.Name, cst.Integer)) and value.value == off:
                    self.drivers.no_prepare.add(driver)

    # places where strings are not SQL

    def visit_Expr(self, node: cst.Expr) -> bool:
        return not isinstance(node.value, STRING_NODES)  # docstrings and other bare strings

    def visit_Raise(self, node: cst.Raise) -> None:
        self._quiet.append(True)

    def leave_Raise(self, original_node: cst.Raise) -> None:
        self._quiet.pop()

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._quiet.append(True)  # `action == "delete from cart"` compares a label

    def leave_Comparison(self, original_node: cst.Comparison) -> None:
        self._quiet.pop()

    # calls

    def visit_Call(self, node: cst.Call) -> None:
        name = callee_name(node.func)
        quiet = self._quiet[-1]
        if name in TABLE_SINKS:
            self.table_sinks.append(TableSink(node, name, self.scope, self._next(), self.symbol))
            quiet = False
        elif _is_quiet_call(node.func, name):
            quiet = True
        if node.args and node.args[-1].keyword is not None:
            self._driver_settings(node)
        sinks = self._sinks(node, name)
        if sinks:
            self.sinks.extend(sinks)
            quiet = False
        self._quiet.append(quiet)
        self._maybe_candidate(node)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._quiet.pop()

    def _sinks(self, node: cst.Call, name: str | None) -> list[Sink]:
        """The call's SQL arguments: forward ones, and rollback ones (`RunSQL(sql, reverse_sql)`)."""
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        args: list[cst.BaseExpression] = []
        reverse: list[cst.BaseExpression] = []
        strong = False
        if name in SQL_SINKS or name in WEAK_SQL_SINKS:
            args, strong = positional[:1], name in SQL_SINKS
            if name in REVERSIBLE_SQL_SINKS:
                reverse = positional[1:2]
        elif name in SQL_SINKS_AFTER_CURSOR:
            args, strong = positional[1:2], True
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword else None
            if keyword in REVERSE_SQL_KEYWORD_ARGS:
                reverse.append(arg.value)
                strong = True
            elif keyword in SQL_KEYWORD_ARGS:
                args.append(arg.value)
                strong = True
            elif keyword in WEAK_SQL_KEYWORD_ARGS:
                args.append(arg.value)
        sinks = []
        for values, backwards in ((args, False), (reverse, True)):
            if values:
                sink = Sink(name or "", strong, tuple(values), self.scope, self._next(), self.symbol, self.text_symbol)
                sink.reverse, sink.call = backwards, node
                sinks.append(sink)
        return sinks

    # string expressions

    def _maybe_candidate(self, node: cst.BaseExpression) -> None:
        if id(node) in self._inner or not is_text_expression(node):
            return
        for part in text_structure(node):
            self._inner.add(id(part))
        first = first_operand(node)
        literal = leftmost_string(first)
        if self._quiet[-1]:
            return
        if literal is not None and not opens_with_keyword(string_head(literal)):
            return
        if literal is None and not isinstance(first, (cst.Name, cst.Attribute)):
            return
        self.candidates.append(Candidate(node, self.scope, self._next(), self.text_symbol))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "+asyncpg" in node.value:  # create_async_engine("postgresql+asyncpg://...")
            self.drivers.asyncpg_url = True
            if "prepared_statement_cache_size=0" in node.value:
                self.drivers.no_prepare.add("asyncpg")
        self._maybe_candidate(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        self._maybe_candidate(node)
        return False

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        if any(isinstance(part, cst.FormattedStringText) and "+asyncpg" in part.value for part in node.parts):
            self.drivers.asyncpg_url = True
        self._maybe_candidate(node)
        return False

    def visit_TemplatedString(self, node: cst.TemplatedString) -> bool:
        self._maybe_candidate(node)
        return False

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._maybe_candidate(node)


def is_self_attribute(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls")


def _is_quiet_call(func: cst.BaseExpression, name: str | None) -> bool:
    """Logging, printing, warnings and translations: their strings are messages."""
    if isinstance(func, cst.Name):
        return name in _QUIET_FUNCTIONS
    if not isinstance(func, cst.Attribute):
        return False
    receiver = func.value
    if isinstance(receiver, cst.Call):  # logging.getLogger(__name__).info(...)
        return callee_name(receiver.func) == "getLogger"
    last = callee_name(receiver)
    if last is None:
        return False
    return bool(_LOGGER.fullmatch(last)) or (last == "warnings" and name == "warn") or name in _QUIET_FUNCTIONS


__all__ = [
    "Assignment",
    "Candidate",
    "DriverHints",
    "GatherSqlVisitor",
    "Scope",
    "Sink",
    "TableSink",
    "is_self_attribute",
]
