"""One pass over a Python module that collects what may be SQL, before any of it is resolved.

`GatherSqlVisitor` only records: string expressions that may be SQL, database calls and their SQL
arguments, calls that name a table, and every assignment of every scope. Which text a name holds
at a given call, and what the SQL says, depend on assignments that may come later in the file
(a method reads a class attribute defined below it), so that is decided afterwards, by
`resolve`, from what this pass gathered.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from depmap.python.tree import SourceText, dotted, TreeVisitor, callee_name, dotted_name, is_name, positional_args
from depmap.python.tree_strings import (
    first_operand,
    is_string,
    is_text_expression,
    leftmost_string,
    operands,
    string_head,
    text_structure,
)
from depmap.frameworks.sql_in_python.recognize import (
    REVERSE_SQL_KEYWORD_ARGS,
    REVERSIBLE_SQL_SINKS,
    SQL_KEYWORD_ARGS,
    SQL_SINKS,
    SQL_SINKS_AFTER_CURSOR,
    TABLE_SINKS,
    WEAK_SQL_KEYWORD_ARGS,
    WEAK_SQL_SINKS,
    may_open_with_keyword,
    opens_with_keyword,
)

_LOGGER = re.compile(r"_*(?:log|logger|logging|logs)", re.I)
_QUIET_FUNCTIONS = frozenset({"print", "_", "gettext", "gettext_lazy", "ngettext", "pgettext", "ugettext"})


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
    node: ast.AST | None = None  # the function, class or module: where its rows are consumed

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
    parts: tuple[ast.expr, ...] | None
    scope: Scope
    branch: tuple[int, ...]
    symbol: str  # where the text is written


@dataclass(eq=False)
class Candidate:
    """A string expression outside any database call that opens like SQL (or a name that may hold
    SQL): reported at medium confidence if it resolves to a statement."""

    node: ast.expr
    scope: Scope
    seq: int
    symbol: str


@dataclass(eq=False)
class Sink:
    """A database call and the arguments that carry its SQL; `strong` when the call certainly runs
    SQL (`execute`), not when its name is generic (`text`, `query=`)."""

    name: str
    strong: bool
    args: tuple[ast.expr, ...]
    scope: Scope
    seq: int
    symbol: str  # the code that runs it
    text_symbol: str  # the symbol a literal written in the call belongs to
    reverse: bool = False  # rollback SQL (RunSQL reverse_sql): runs only when migrating down
    call: ast.Call | None = None


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

    call: ast.Call
    name: str
    scope: Scope
    seq: int
    symbol: str


class GatherSqlVisitor(TreeVisitor):
    """Collects, in one pass: `candidates` (string expressions that may be SQL), `sinks` (database
    calls and their SQL arguments), `table_sinks` (`read_sql_table`, `copy_from`, ...), the
    assignments of every scope (`Scope.bindings`) needed to follow a name to its text, and
    `drivers` (the file's evidence of a PostgreSQL driver that caches prepared statements).
    Call `walk(tree)`."""

    def __init__(self, module_name: str, source: SourceText) -> None:
        super().__init__(module_name)
        self.source = source
        self.module_scope = Scope("module", module_name, None)
        self.scope = self.module_scope
        self._scopes: list[Scope] = [self.module_scope]  # every scope, for `release`
        self.classes: dict[str, list[Scope]] = {}
        self.candidates: list[Candidate] = []
        self.sinks: list[Sink] = []
        self.table_sinks: list[TableSink] = []
        self.drivers = DriverHints()
        self._seq = 0
        self._quiet: list[bool] = [False]
        self._inner: set[int] = set()  # parts of an expression already taken as a candidate
        self._target: str | None = None  # the name a module/class-level assignment defines

    def release(self) -> None:
        """Drop the assignments once the facts are resolved: a scope's assignments point back at
        the scope, a reference cycle that would keep the file's tree alive until the garbage
        collector ran, instead of freeing it when the analysis returns."""
        for scope in self._scopes:
            scope.bindings.clear()
            scope.attributes.clear()

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def text_symbol(self) -> str:
        if self.scope.kind != "function" and self._target:
            return dotted(self.scope.symbol, self._target)
        return self.scope.symbol

    # scopes and branches

    def visit_Module(self, node: ast.Module) -> None:
        self.module_scope.node = node

    def enter_class(self, node: ast.ClassDef) -> None:
        super().enter_class(node)
        bases = tuple(dotted_name(base.value if isinstance(base, ast.Starred) else base) or "" for base in node.bases)
        self.scope = Scope("class", self.symbol, self.scope, bases=bases, node=node)
        self.classes.setdefault(node.name, []).append(self.scope)
        self._scopes.append(self.scope)

    def leave_class(self, node: ast.ClassDef) -> None:
        super().leave_class(node)
        self.scope = self.scope.parent or self.module_scope

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().enter_function(node)
        self.scope = Scope("function", self.symbol, self.scope, node=node)
        self._scopes.append(self.scope)

    def leave_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().leave_function(node)
        self.scope = self.scope.parent or self.module_scope

    def _branch(self, statements: list[ast.stmt]) -> None:
        """A block that may or may not run: assignments in it do not replace earlier ones."""
        branches = self.scope.branches
        branches.append(self._next())
        for statement in statements:
            self.walk(statement)
        branches.pop()

    def visit_If(self, node: ast.If) -> bool:
        self.walk(node.test)
        self._branch(node.body)
        orelse = node.orelse
        if len(orelse) == 1 and isinstance(orelse[0], ast.If) and orelse[0].col_offset == node.col_offset:
            self.walk(orelse[0])  # `elif`: a branch of its own, not one inside an `else`
        elif orelse:
            self._branch(orelse)
        return False

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While) -> bool:
        if isinstance(node, ast.While):
            self.walk(node.test)
        else:
            self.walk(node.target)
            self.walk(node.iter)
        self._branch(node.body)
        if node.orelse:
            self._branch(node.orelse)
        return False

    visit_For = visit_AsyncFor = visit_While = _loop

    def _try(self, node: ast.Try) -> bool:
        for statement in node.body:
            self.walk(statement)
        for handler in node.handlers:
            if handler.type is not None:
                self.walk(handler.type)
            self._branch(handler.body)
        if node.orelse:
            self._branch(node.orelse)
        for statement in node.finalbody:
            self.walk(statement)
        return False

    visit_Try = visit_TryStar = _try

    def visit_match_case(self, node: ast.match_case) -> bool:
        self.walk(node.pattern)
        if node.guard is not None:
            self.walk(node.guard)
        self._branch(node.body)
        return False

    # assignments

    def _bind(self, target: ast.expr, augmented: bool, parts: tuple[ast.expr, ...] | None) -> None:
        scope = self.scope
        if isinstance(target, ast.Name):
            name, table = target.id, scope.bindings
        elif is_self_attribute(target) and scope.kind == "function" and scope.parent and scope.parent.kind == "class":
            assert isinstance(target, ast.Attribute)
            name, table, scope = target.attr, scope.parent.attributes, scope.parent
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element.value if isinstance(element, ast.Starred) else element, False, None)
            return
        else:
            return
        symbol = self.scope.symbol if self.scope.kind == "function" else dotted(scope.symbol, name)
        event = Assignment(self._next(), augmented, parts, self.scope, tuple(self.scope.branches), symbol)
        table.setdefault(name, []).append(event)

    def visit_Assign(self, node: ast.Assign) -> None:
        first = node.targets[0]
        self._target = first.id if isinstance(first, ast.Name) else None
        pieces = operands(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and is_name(pieces[0], target.id) and len(pieces) > 1:
                self._bind(target, True, tuple(pieces[1:]))  # type: ignore[arg-type]  # query = query + "..."
            else:
                self._bind(target, False, (node.value,))

    def leave_Assign(self, node: ast.Assign) -> None:
        self._target = None

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._target = node.target.id if isinstance(node.target, ast.Name) else None
            self._bind(node.target, False, (node.value,))

    def leave_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target = None

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.op, ast.Add):
            self._bind(node.target, True, (node.value,))
        else:
            self._bind(node.target, False, None)

    # driver evidence

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.drivers.imports.add(alias.name.split(".", 1)[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self.drivers.imports.add(node.module.split(".", 1)[0])

    def _driver_settings(self, node: ast.Call) -> None:
        for keyword in node.keywords:
            if keyword.arg in _NO_PREPARE:
                driver, off = _NO_PREPARE[keyword.arg]
                turned_off = is_name(keyword.value, "None") if off == "None" else _is_zero(keyword.value)
                if turned_off:
                    self.drivers.no_prepare.add(driver)

    # places where strings are not SQL

    def visit_Expr(self, node: ast.Expr) -> bool:
        return not is_string(node.value)  # docstrings and other bare strings

    def visit_Raise(self, node: ast.Raise) -> None:
        self._quiet.append(True)

    def leave_Raise(self, node: ast.Raise) -> None:
        self._quiet.pop()

    def visit_Compare(self, node: ast.Compare) -> None:
        self._quiet.append(True)  # `action == "delete from cart"` compares a label

    def leave_Compare(self, node: ast.Compare) -> None:
        self._quiet.pop()

    # calls

    def visit_Call(self, node: ast.Call) -> None:
        name = callee_name(node.func)
        quiet = self._quiet[-1]
        if name in TABLE_SINKS:
            self.table_sinks.append(TableSink(node, name, self.scope, self._next(), self.symbol))
            quiet = False
        elif _is_quiet_call(node.func, name):
            quiet = True
        if _ends_with_keyword(node):
            self._driver_settings(node)
        sinks = self._sinks(node, name)
        if sinks:
            self.sinks.extend(sinks)
            quiet = False
        self._quiet.append(quiet)
        self._maybe_candidate(node)

    def leave_Call(self, node: ast.Call) -> None:
        self._quiet.pop()

    def _sinks(self, node: ast.Call, name: str | None) -> list[Sink]:
        """The call's SQL arguments: forward ones, and rollback ones (`RunSQL(sql, reverse_sql)`)."""
        positional = positional_args(node)
        args: list[ast.expr] = []
        reverse: list[ast.expr] = []
        strong = False
        if name in SQL_SINKS or name in WEAK_SQL_SINKS:
            args, strong = positional[:1], name in SQL_SINKS
            if name in REVERSIBLE_SQL_SINKS:
                reverse = positional[1:2]
        elif name in SQL_SINKS_AFTER_CURSOR:
            args, strong = positional[1:2], True
        for keyword in node.keywords:
            if keyword.arg in REVERSE_SQL_KEYWORD_ARGS:
                reverse.append(keyword.value)
                strong = True
            elif keyword.arg in SQL_KEYWORD_ARGS:
                args.append(keyword.value)
                strong = True
            elif keyword.arg in WEAK_SQL_KEYWORD_ARGS:
                args.append(keyword.value)
        sinks = []
        for values, backwards in ((args, False), (reverse, True)):
            if values:
                sink = Sink(name or "", strong, tuple(values), self.scope, self._next(), self.symbol, self.text_symbol)
                sink.reverse, sink.call = backwards, node
                sinks.append(sink)
        return sinks

    # string expressions

    def _maybe_candidate(self, node: ast.expr) -> None:
        if id(node) in self._inner or not is_text_expression(node):
            return
        for part in text_structure(node):
            self._inner.add(id(part))
        first = first_operand(node)
        literal = leftmost_string(first)
        if self._quiet[-1]:
            return
        if literal is not None and not _opens_with_keyword(literal, self.source):
            return
        if literal is None and not isinstance(first, (ast.Name, ast.Attribute)):
            return
        self.candidates.append(Candidate(node, self.scope, self._next(), self.text_symbol))

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if value.__class__ is str:
            if "+asyncpg" in value:  # create_async_engine("postgresql+asyncpg://...")
                self.drivers.asyncpg_url = True
                if "prepared_statement_cache_size=0" in value:
                    self.drivers.no_prepare.add("asyncpg")
            self._maybe_candidate(node)

    def _formatted(self, node: ast.JoinedStr) -> bool:
        if any(isinstance(part, ast.Constant) and "+asyncpg" in part.value for part in node.values):
            self.drivers.asyncpg_url = True
        self._maybe_candidate(node)
        return False  # the holes' expressions are not visited

    visit_JoinedStr = visit_TemplateStr = _formatted

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self._maybe_candidate(node)


def _opens_with_keyword(literal: ast.AST, source: SourceText) -> bool:
    """Does the literal's source open with a statement keyword? (Its value is asked first: most
    strings hold no keyword at all, and reading the source costs more.)"""
    if literal.__class__ is ast.Constant and not may_open_with_keyword(literal.value):  # type: ignore[attr-defined]
        return False
    return opens_with_keyword(string_head(literal, source))


def _ends_with_keyword(node: ast.Call) -> bool:
    """Is the call's last argument as written a `name=value` one (not `**kwargs`, not `*args`)?"""
    if not node.keywords:
        return False
    last = node.keywords[-1]
    if node.args:
        after = node.args[-1]
        if (after.lineno, after.col_offset) > (last.lineno, last.col_offset):
            return False
    return last.arg is not None


def _is_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value.__class__ is int and node.value == 0


def is_self_attribute(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _is_quiet_call(func: ast.expr, name: str | None) -> bool:
    """Logging, printing, warnings and translations: their strings are messages."""
    if isinstance(func, ast.Name):
        return name in _QUIET_FUNCTIONS
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Call):  # logging.getLogger(__name__).info(...)
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
