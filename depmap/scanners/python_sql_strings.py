"""SQL written inside Python: string literals that reach a database call, or that look like SQL.

`scan_python_sql(path, text, ctx)` finds SQL text in one Python file and hands it to the SQL
engine (`depmap.sql.analyze_sql`); it never parses SQL itself. What it adds is *where* the text
comes from and *where it goes*:

- the text: plain, raw, triple-quoted and implicitly concatenated literals, f-strings (each hole
  becomes a `{}` placeholder and the fact says `dynamic`), `+` concatenation, `"..." % args`,
  `"...".format(...)`, names assigned a SQL string (module constants, locals, class attributes
  read as `self.X`/`cls.X`/`Class.X`) and queries built with `+=`;
- the destination: a database call (`SQL_SINKS`, `sql=`/`query=`/`statement=` arguments) makes
  the SQL certain (high confidence). A literal that merely starts with a SQL keyword and parses
  as a statement is reported at medium confidence with `extra={"sink": None}`: it is probably
  executed by another module. Docstrings, bare string statements, and arguments of logging,
  `print`, translation and exception calls are never SQL.

Facts sit on the line where the SQL text is written, with the symbol that writes it
(`pkg.module.function`, or `pkg.module.CONSTANT` for a module-level constant); a constant run by
other functions lists them in `extra["executed_in"]`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from depmap.model import ACCESS, HIGH, MEDIUM, READ, WRITE, Fact, Location, ScanResult, Skipped, sorted_facts
from depmap.scanners.context import ScanContext
from depmap.scanners.python_source import (
    STRING_NODES,
    LocatedText,
    ScopedVisitor,
    argument,
    callee_name,
    dotted,
    dotted_name,
    fields_filled_by,
    fill_fields,
    first_operand,
    hole_at,
    is_text_expression,
    join,
    leftmost_string,
    operands,
    parse_python,
    string_head,
    string_list,
    string_text,
    text_structure,
    wrapped_text,
)
from depmap.sql import analyze_sql, to_facts
from depmap.sql.facts import snippet_of
from depmap.sql.names import DEFAULT_SCHEMAS

# Calls whose first positional argument is SQL text (DB-API cursors, SQLAlchemy, pandas, Django,
# Alembic, asyncpg, databases, psycopg). Text reaching them is analysed even if it does not parse:
# bad SQL in a database call must reach the report.
SQL_SINKS = (
    "execute", "executemany", "executescript", "exec_driver_sql", "read_sql", "read_sql_query",
    "RunSQL", "mogrify", "copy_expert", "fetchrow", "fetchval", "fetch_all", "fetch_one",
    "fetch_val", "fetchall", "fetchone", "fetchmany",
)  # fmt: skip
# psycopg2.extras helpers that take the cursor first: execute_values(cur, sql, rows).
SQL_SINKS_AFTER_CURSOR = ("execute_values", "execute_batch")
# Generic names (`text`, `Model.objects.raw`, asyncpg `fetch`, psycopg `copy`/`sql.SQL`,
# `spark.sql`): their argument counts as SQL only when it starts like SQL, since `text(...)` and
# `sql.SQL(...)` also build fragments (", ", "status = :s").
WEAK_SQL_SINKS = ("text", "raw", "fetch", "copy", "sql", "SQL")
SQL_KEYWORD_ARGS = ("sql", "reverse_sql")  # of any call (Airflow operators, RunSQL, read_sql)
WEAK_SQL_KEYWORD_ARGS = ("query", "statement")
# Calls that name a table instead of passing SQL: name -> (table argument index, table keyword,
# access). psycopg2 takes (file, table); pandas and asyncpg take the table first.
TABLE_SINKS = {
    "read_sql_table": (0, "table_name", READ),
    "copy_from": (1, "table", WRITE),
    "copy_to": (1, "table", READ),
    "copy_to_table": (0, "table_name", WRITE),
    "copy_records_to_table": (0, "table_name", WRITE),
    "copy_from_table": (0, "table_name", READ),
}

# Statement keywords. After one comes whitespace ("update" alone is a word, "update(x)" Python).
# WITH must open a CTE (`WITH name AS (`): otherwise it is prose, or Python's `with` after the
# closing quotes of a docstring.
_VERBS = "SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|MERGE|COPY|TRUNCATE|REPLACE|UPSERT"
_CTE = r"\s+(?:RECURSIVE\s+)?[\w\"`]+\s*(?:\([^()]*\)\s*)?AS\s*(?:NOT\s+)?(?:MATERIALIZED\s*)?\("
_SPACE = r"(?=\s|\\[ntr])"  # in source text, "\n" may still be an escape
_STRICT_KEYWORD = rf"(?:(?:{_VERBS}|{_VERBS.lower()}){_SPACE}|(?:WITH|with)(?=(?i:{_CTE})))"
_ANY_KEYWORD = rf"(?i:(?:{_VERBS}){_SPACE}|WITH(?={_CTE}))"
_LEAD = r"(?:\s|\\[ntr]|--[^\n]*\n)*"  # whitespace, escaped newlines and SQL comments
_QUOTE = r"""(?:'''|\"\"\"|'|")"""
# Prefilter (PERFORMANCE.md: a libcst parse costs 100x a regex): a literal opening with an
# all-caps or all-lowercase keyword, or a table sink; a Title-case one only next to a sink call.
_OPENS_LIKE_SQL = re.compile(_QUOTE + _LEAD + _STRICT_KEYWORD)
_OPENS_LIKE_SQL_ANY_CASE = re.compile(_QUOTE + _LEAD + _ANY_KEYWORD)
_SINK_CALL = re.compile(
    r"\b(?:(?:"
    + "|".join(SQL_SINKS + SQL_SINKS_AFTER_CURSOR + WEAK_SQL_SINKS)
    + r")\s*\(|(?:"
    + "|".join(SQL_KEYWORD_ARGS + WEAK_SQL_KEYWORD_ARGS)
    + r")\s*=(?!=))"
)
_TABLE_SINK_CALL = re.compile(r"\b(?:" + "|".join(TABLE_SINKS) + r")\s*\(")
_SQL_START = re.compile(rf"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*(?={_ANY_KEYWORD})(\w+)", re.S)
_STRICT_HEAD = re.compile(_LEAD + _STRICT_KEYWORD)
_BARE_NAME = re.compile(r"\s*([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\s*")

_LOGGER = re.compile(r"_*(?:log|logger|logging|logs)", re.I)
_QUIET_FUNCTIONS = frozenset({"print", "_", "gettext", "gettext_lazy", "ngettext", "pgettext", "ugettext"})
_BRANCHES = (cst.If, cst.Else, cst.For, cst.While, cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase)
_MAX_ALTERNATIVES = 8
_MAX_DEPTH = 24


def might_contain_sql(text: str) -> bool:
    """The cheap test that decides whether the file is parsed at all."""
    if _OPENS_LIKE_SQL.search(text) or _TABLE_SINK_CALL.search(text):
        return True
    return bool(_OPENS_LIKE_SQL_ANY_CASE.search(text) and _SINK_CALL.search(text))


def sql_keyword(text: str) -> str | None:
    """The keyword a SQL text opens with, as written, after whitespace and comments."""
    match = _SQL_START.match(text)
    return match.group(1) if match else None


def looks_like_sql(text: str) -> bool:
    """Opens with a SQL keyword in capitals or lower case: "Select a customer" is prose."""
    keyword = sql_keyword(text)
    return keyword is not None and (keyword.isupper() or keyword.islower())


def scan_python_sql(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """Facts for every SQL statement written in one Python file (pure: text in, facts out)."""
    if not might_contain_sql(text):
        return ScanResult()
    parsed = parse_python(path, text, metadata=True)
    if isinstance(parsed, Skipped):
        return ScanResult(skipped=[parsed])
    assert parsed.wrapper is not None
    positions = _LazyPositions(parsed.wrapper)
    gatherer = GatherSqlVisitor(parsed.module_name)
    try:
        parsed.module.visit(gatherer)
        facts = _Resolver(path, parsed.module, positions, gatherer, ctx.dialect).facts()
    except RecursionError:  # libcst visits recursively: thousands of chained `+` exhaust the stack
        return ScanResult(skipped=[Skipped(path, "Python expression nested too deeply to analyse")])
    unique: list[Fact] = []
    for fact in sorted_facts(facts):
        if not unique or unique[-1] != fact:
            unique.append(fact)
    return ScanResult(facts=unique)


class _LazyPositions(Mapping[cst.CSTNode, CodeRange]):
    """Positions cost twice the parse (PERFORMANCE.md) and most files that pass the prefilter
    hold no SQL after all: compute them the first time a string's lines are needed."""

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


# -- gathering (one pass over the tree) ------------------------------------------------------------


@dataclass(eq=False)
class _Scope:
    kind: str  # "module", "class" or "function"
    symbol: str
    parent: _Scope | None
    bindings: dict[str, list[_Event]] = field(default_factory=dict)
    attributes: dict[str, list[_Event]] = field(default_factory=dict)  # self.X = ... in methods
    bases: tuple[str, ...] = ()
    branches: list[int] = field(default_factory=list)

    def enclosing_class(self) -> _Scope | None:
        scope: _Scope | None = self
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope


@dataclass(eq=False)
class _Event:
    """`name = parts` or `name += parts` (parts are concatenated; None: a value we cannot read)."""

    seq: int
    augmented: bool
    parts: tuple[cst.BaseExpression, ...] | None
    scope: _Scope
    branch: tuple[int, ...]
    symbol: str  # where the text is written


@dataclass(eq=False)
class _Candidate:
    node: cst.BaseExpression
    scope: _Scope
    seq: int
    symbol: str


@dataclass(eq=False)
class _Sink:
    name: str
    strong: bool
    args: tuple[cst.BaseExpression, ...]
    scope: _Scope
    seq: int
    symbol: str  # the code that runs it
    text_symbol: str  # the symbol a literal written in the call belongs to


@dataclass(eq=False)
class _TableSink:
    call: cst.Call
    name: str
    scope: _Scope
    seq: int
    symbol: str


class GatherSqlVisitor(ScopedVisitor):
    """Collects, in one pass: `candidates` (string expressions that may be SQL), `sinks` (database
    calls and their SQL arguments), `table_sinks` (`read_sql_table`, `copy_from`, ...), and the
    assignments of every scope (`_Scope.bindings`) needed to follow a name to its text."""

    def __init__(self, module_name: str) -> None:
        super().__init__(module_name)
        self.module_scope = _Scope("module", module_name, None)
        self.scope = self.module_scope
        self.classes: dict[str, list[_Scope]] = {}
        self.candidates: list[_Candidate] = []
        self.sinks: list[_Sink] = []
        self.table_sinks: list[_TableSink] = []
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

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef_body(node)
        bases = tuple(dotted_name(arg.value) or "" for arg in node.bases)
        self.scope = _Scope("class", self.symbol, self.scope, bases=bases)
        self.classes.setdefault(node.name.value, []).append(self.scope)

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        super().leave_ClassDef_body(node)
        self.scope = self.scope.parent or self.module_scope

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef_body(node)
        self.scope = _Scope("function", self.symbol, self.scope)

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
        elif _is_self_attribute(target) and scope.kind == "function" and scope.parent and scope.parent.kind == "class":
            assert isinstance(target, cst.Attribute)
            name, table, scope = target.attr.value, scope.parent.attributes, scope.parent
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, False, None)
            return
        else:
            return
        symbol = self.scope.symbol if self.scope.kind == "function" else dotted(scope.symbol, name)
        event = _Event(self._next(), augmented, parts, self.scope, tuple(self.scope.branches), symbol)
        table.setdefault(name, []).append(event)

    def visit_Assign(self, node: cst.Assign) -> None:
        first = node.targets[0].target
        self._target = first.value if isinstance(first, cst.Name) else None
        pieces = operands(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name) and _is_name(pieces[0], target.target.value) and len(pieces) > 1:
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
            self.table_sinks.append(_TableSink(node, name, self.scope, self._next(), self.symbol))
            quiet = False
        elif _is_quiet_call(node.func, name):
            quiet = True
        sink = self._sink(node, name)
        if sink is not None:
            self.sinks.append(sink)
            quiet = False
        self._quiet.append(quiet)
        self._maybe_candidate(node)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._quiet.pop()

    def _sink(self, node: cst.Call, name: str | None) -> _Sink | None:
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        args: list[cst.BaseExpression] = []
        strong = False
        if name in SQL_SINKS or name in WEAK_SQL_SINKS:
            args, strong = positional[:1], name in SQL_SINKS
        elif name in SQL_SINKS_AFTER_CURSOR:
            args, strong = positional[1:2], True
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword else None
            if keyword in SQL_KEYWORD_ARGS:
                args.append(arg.value)
                strong = True
            elif keyword in WEAK_SQL_KEYWORD_ARGS:
                args.append(arg.value)
        if not args:
            return None
        return _Sink(name or "", strong, tuple(args), self.scope, self._next(), self.symbol, self.text_symbol)

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
        if literal is not None and not _STRICT_HEAD.match(string_head(literal)):
            return
        if literal is None and not isinstance(first, (cst.Name, cst.Attribute)):
            return
        self.candidates.append(_Candidate(node, self.scope, self._next(), self.text_symbol))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._maybe_candidate(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        self._maybe_candidate(node)
        return False

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        self._maybe_candidate(node)
        return False

    def visit_TemplatedString(self, node: cst.TemplatedString) -> bool:
        self._maybe_candidate(node)
        return False

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._maybe_candidate(node)


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _is_self_attribute(node: cst.BaseExpression) -> bool:
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


# -- resolving (after the pass) -------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """One possible text of an expression: the literals it is made of, whether any part of it is
    unknown statically, and the symbol that writes its start when it came through a name."""

    text: LocatedText
    literals: frozenset[int]
    dynamic: bool
    symbol: str | None = None


@dataclass(eq=False)
class _Origin:
    """SQL text reaching one or more sinks."""

    value: _Value
    symbol: str
    sinks: set[str] = field(default_factory=set)
    executed_in: set[str] = field(default_factory=set)


class _Resolver:
    def __init__(
        self,
        path: str,
        module: cst.Module,
        positions: Mapping[cst.CSTNode, CodeRange],
        gathered: GatherSqlVisitor,
        dialect: str,
    ) -> None:
        self.path = path
        self.module = module
        self.positions = positions
        self.gathered = gathered
        self.dialect = dialect
        self.consumed: set[int] = set()

    def facts(self) -> list[Fact]:
        facts: list[Fact] = []
        for table_sink in self.gathered.table_sinks:
            facts.extend(self._table_sink(table_sink))
        origins: dict[tuple[frozenset[int], str], _Origin] = {}
        for sink in self.gathered.sinks:
            self._collect(sink, origins)
        for origin in origins.values():
            facts.extend(self._sink_facts(origin))
        for candidate in self.gathered.candidates:
            facts.extend(self._candidate_facts(candidate))
        return facts

    # sinks

    def _collect(self, sink: _Sink, origins: dict[tuple[frozenset[int], str], _Origin]) -> None:
        for arg in sink.args:
            for expr in _sql_items(arg):
                literal = leftmost_string(first_operand(expr))
                if not sink.strong and literal is not None and not _STRICT_HEAD.match(string_head(literal)):
                    continue  # text("status = :s"), sql.SQL(", "): a fragment, not a statement
                for value in self._eval(expr, sink.scope, sink.seq, 0):
                    self.consumed |= value.literals
                    if not self._reaches_database(value, sink):
                        continue
                    # the same text from the same literals is one origin, however many sinks run it
                    key = (value.literals, value.text.text)
                    origin = origins.setdefault(key, _Origin(value, value.symbol or sink.text_symbol))
                    origin.sinks.add(sink.name)
                    origin.executed_in.add(sink.symbol)

    def _reaches_database(self, value: _Value, sink: _Sink) -> bool:
        text = value.text.text
        if not text.strip() or value.text.startswith_hole():
            return False  # nothing known about the statement's start
        if text.strip().endswith(".sql"):
            return False  # a path to a .sql file (Airflow `sql="queries/daily.sql"`): not SQL text
        return sink.strong or looks_like_sql(text)

    def _sink_facts(self, origin: _Origin) -> list[Fact]:
        value = origin.value
        table = self._table_named(value.text.text) if origin.sinks & {"read_sql"} else None
        extra: dict[str, Any] = {"sink": min(origin.sinks)}
        if value.dynamic:
            extra["dynamic"] = True
        if value.symbol is not None and origin.executed_in - {origin.symbol}:  # a name run elsewhere
            extra["executed_in"] = sorted(origin.executed_in)
        if table is not None:  # pandas.read_sql("orders", con) reads the whole table
            line = value.text.file_line(1)
            location = Location(self.path, line, line, symbol=origin.symbol)
            return [Fact(ACCESS, table, location, (), READ, "select_star", "sql", HIGH, value.text.text.strip(), extra)]
        results = analyze_sql(value.text.text, self.dialect)
        return to_facts(results, path=self.path, line_of=value.text.file_line, symbol=origin.symbol, extra=extra)

    def _table_named(self, text: str) -> str | None:
        if sql_keyword(text):
            return None
        match = _BARE_NAME.fullmatch(text)
        return self._table(match.group(1), None) if match else None

    # literals that look like SQL

    def _candidate_facts(self, candidate: _Candidate) -> list[Fact]:
        facts: list[Fact] = []
        for value in self._eval(candidate.node, candidate.scope, candidate.seq, 0):
            if value.literals & self.consumed or not looks_like_sql(value.text.text):
                continue
            results = analyze_sql(value.text.text, self.dialect)
            if not any(r.kind not in ("unparsed", "other") and r.observations for r in results):
                continue  # prose that happens to start with "select", or not SQL we can read
            extra: dict[str, Any] = {"sink": None}
            if value.dynamic:
                extra["dynamic"] = True
            facts.extend(
                to_facts(
                    results,
                    path=self.path,
                    line_of=value.text.file_line,
                    symbol=value.symbol or candidate.symbol,
                    confidence=MEDIUM,
                    extra=extra,
                )
            )
        return facts

    # table sinks

    def _table_sink(self, sink: _TableSink) -> list[Fact]:
        index, keyword, access = TABLE_SINKS[sink.name]
        table_arg = argument(sink.call, index, keyword)
        if table_arg is None:
            return []
        names = [v for v in self._eval(table_arg, sink.scope, sink.seq, 0) if not v.dynamic]
        if len(names) != 1:
            return []
        self.consumed |= names[0].literals
        schema_arg = argument(sink.call, None, "schema") or argument(sink.call, None, "schema_name")
        schema = self._eval(schema_arg, sink.scope, sink.seq, 0) if schema_arg is not None else []
        table = self._table(names[0].text.text.strip(), schema[0].text.text.strip() if len(schema) == 1 else None)
        extra: dict[str, Any] = {"sink": sink.name, "statement": "select" if sink.name == "read_sql_table" else "copy"}
        columns_arg = argument(sink.call, None, "columns")
        columns: tuple[str, ...] = ()
        if columns_arg is not None:
            listed = string_list(columns_arg)
            if listed is None:
                extra["dynamic"] = True
            else:
                columns = listed
        if access == WRITE:
            detail = "copy"
        elif columns or extra.get("dynamic"):
            detail = "select" if sink.name == "read_sql_table" else "copy"
        else:
            detail = "select_star"
        where = self.positions[sink.call]
        location = Location(self.path, where.start.line, where.end.line, symbol=sink.symbol)
        snippet = snippet_of(self.module.code_for_node(sink.call))
        return [Fact(ACCESS, table, location, columns, access, detail, "sql", HIGH, snippet, extra)]

    def _table(self, name: str, schema: str | None) -> str:
        """A table named from Python is passed quoted (pandas/SQLAlchemy, psycopg2 >= 2.9): its
        case is kept; the dialect's default schema is dropped, as the SQL engine does."""
        parts = name.split(".") if schema is None else [schema, name]
        if len(parts) > 1 and parts[-2] == DEFAULT_SCHEMAS.get(self.dialect):
            del parts[-2]
        return ".".join(parts)

    # evaluating expressions to text

    def _eval(self, node: cst.BaseExpression, scope: _Scope, seq: int, depth: int) -> list[_Value]:
        if depth > _MAX_DEPTH:
            return []
        if isinstance(node, STRING_NODES):
            text = string_text(node, self.positions)
            if text is None:
                return []
            return [_Value(text, frozenset({id(node)}), _is_dynamic_string(node, text))]
        inner = wrapped_text(node)
        if inner is not None:
            values = self._eval(inner, scope, seq, depth + 1)
            fields = fields_filled_by(node)
            if fields is None:  # .strip(), dedent(): the same SQL
                return values
            return [_Value(fill_fields(v.text, fields), v.literals, True, v.symbol) for v in values]
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._concatenation(operands(node), scope, seq, depth)
        if isinstance(node, (cst.Name, cst.Attribute)):
            assigned: list[_Value] = []
            for chain in self._chains_of(node, scope, seq):
                assigned.extend(self._chain_values(chain, depth + 1))
            return assigned[:_MAX_ALTERNATIVES]
        return []

    def _concatenation(
        self, parts: list[cst.BaseExpression], scope: _Scope, seq: int, depth: int
    ) -> list[_Value]:
        evaluated = [(part, self._eval(part, scope, seq, depth + 1)) for part in parts]
        if not any(values for _, values in evaluated):
            return []
        options = [
            values or [_Value(hole_at(self.positions[operand].start.line), frozenset(), True)]
            for operand, values in evaluated
        ]
        results: list[_Value] = []
        for combination in itertools.islice(itertools.product(*options), _MAX_ALTERNATIVES):
            text = combination[0].text
            for value in combination[1:]:
                text = join(text, value.text)
            literals = frozenset().union(*(v.literals for v in combination))
            symbol = next((v.symbol for v in combination if v.symbol), None)
            results.append(_Value(text, literals, any(v.dynamic for v in combination), symbol))
        return results

    def _chains_of(self, node: cst.BaseExpression, scope: _Scope, seq: int) -> list[list[_Event]]:
        """The assignment sequences that may give a name (or attribute) its value at `seq`."""
        if isinstance(node, cst.Name):
            current: _Scope | None = scope
            while current is not None:
                if current.kind == "class" and current is not scope:
                    current = current.parent  # class bodies are not visible from their methods
                    continue
                events = current.bindings.get(node.value)
                if events:
                    return _chains(events, seq if current is scope else None)
                current = current.parent
            return []
        if isinstance(node, cst.Attribute):
            if _is_self_attribute(node):
                owner = scope.enclosing_class()
                return self._attribute_chains(owner, node.attr.value, set()) if owner else []
            if isinstance(node.value, cst.Name):
                for owner in self.gathered.classes.get(node.value.value, []):
                    chains = self._attribute_chains(owner, node.attr.value, set())
                    if chains:
                        return chains
        return []

    def _attribute_chains(self, owner: _Scope, name: str, seen: set[int]) -> list[list[_Event]]:
        if id(owner) in seen:
            return []
        seen.add(id(owner))
        events = owner.bindings.get(name) or owner.attributes.get(name)
        if events:
            return _chains(events, None)
        for base in owner.bases:
            for parent in self.gathered.classes.get(base.rsplit(".", 1)[-1], []):
                chains = self._attribute_chains(parent, name, seen)
                if chains:
                    return chains
        return []

    def _chain_values(self, chain: list[_Event], depth: int) -> list[_Value]:
        start = chain[0]
        values = self._event_values(start, depth) if start.parts is not None else []
        values = [_Value(v.text, v.literals, v.dynamic, v.symbol or start.symbol) for v in values]
        if not values:
            if len(chain) == 1:
                return []
            line = self.positions[chain[1].parts[0]].start.line if chain[1].parts else 1
            values = [_Value(hole_at(line), frozenset(), True, start.symbol)]
        for event in chain[1:]:
            conditional = not _is_prefix(event.branch, start.branch)
            pieces = self._event_values(event, depth) if event.parts is not None else []
            if not pieces:
                return [_Value(v.text, v.literals, True, v.symbol) for v in values]
            values = [
                _Value(join(v.text, p.text), v.literals | p.literals, v.dynamic or p.dynamic or conditional, v.symbol)
                for v, p in itertools.islice(itertools.product(values, pieces), _MAX_ALTERNATIVES)
            ]
        return values

    def _event_values(self, event: _Event, depth: int) -> list[_Value]:
        assert event.parts is not None
        return self._concatenation(list(event.parts), event.scope, event.seq, depth + 1)


def _chains(events: list[_Event], before: int | None) -> list[list[_Event]]:
    """Follow `=` and `+=` in source order. A later `=` replaces an earlier chain only when it
    runs whenever that one did (same block or an enclosing one); otherwise both stay possible."""
    live: list[list[_Event]] = []
    for event in events:
        if before is not None and event.seq >= before:
            break
        if not event.augmented:
            live = [chain for chain in live if not _is_prefix(event.branch, chain[0].branch)]
            live.append([event])
        elif live:
            live = [[*chain, event] for chain in live]
        else:
            live = [[_Event(event.seq, False, None, event.scope, event.branch, event.symbol), event]]
    return live[-_MAX_ALTERNATIVES:]


def _is_prefix(short: tuple[int, ...], long: tuple[int, ...]) -> bool:
    return long[: len(short)] == short


def _is_dynamic_string(node: cst.BaseExpression, text: LocatedText) -> bool:
    """f-string holes are spliced into the SQL; t-string holes are bound as parameters (psycopg),
    unless they carry a format spec such as `{table:i}`."""
    if text.holes == 0:
        return False
    if isinstance(node, cst.TemplatedString):
        return any(
            isinstance(part, cst.TemplatedStringExpression) and part.format_spec is not None for part in node.parts
        )
    return True


def _sql_items(arg: cst.BaseExpression) -> list[cst.BaseExpression]:
    """RunSQL takes a list of statements, each possibly a (sql, params) pair."""
    if isinstance(arg, (cst.List, cst.Tuple)):
        items = []
        for element in arg.elements:
            value = element.value
            if isinstance(value, (cst.List, cst.Tuple)) and value.elements:
                value = value.elements[0].value
            items.append(value)
        return items
    return [arg]


__all__ = ["SQL_SINKS", "TABLE_SINKS", "looks_like_sql", "might_contain_sql", "scan_python_sql"]
