"""From what the gathering pass collected to facts: which text each SQL argument can hold, and what it says.

A name is followed through its assignments (`=`, `+=`, `query = query + ...`, including those in
branches, which leave several possible texts), across scopes and class attributes; each possible
text is handed to the SQL engine (`depmap.sql.analyze_sql`) and its results become facts placed on
the lines where the text is written. Text reaching a database call is high confidence; a literal
that is not consumed by any call becomes a medium-confidence fact only if it parses as a statement
(and, written in lower case, shows some structure of one: prose starts with "select" too).
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Any

from depmap.model import ACCESS, FRAME_WRITER_SINKS, HIGH, MEDIUM, READ, WRITE, Fact, Location
from depmap.python.located_text import LocatedText, fill_fields, fill_holes, hole_at, join, join_all
from depmap.python.tree import ParsedTree, argument, string_list, unstarred
from depmap.python.tree_strings import (
    fields_filled_by,
    first_operand,
    is_string,
    leftmost_string,
    operands,
    string_head,
    string_text,
    is_template,
    template_with_format_spec,
    wrapped_text,
)
from depmap.frameworks.sql_in_python.gather import (
    Assignment,
    Candidate,
    GatherSqlVisitor,
    Scope,
    Sink,
    TableSink,
    is_self_attribute,
)
from depmap.frameworks.sql_in_python.rows import RUNNERS, literal_name_lists, row_uses
from depmap.frameworks.sql_in_python.recognize import (
    TABLE_SINKS,
    looks_like_sql,
    looks_like_standalone_sql,
    opens_with_keyword,
    sql_keyword,
)
from depmap.sql import analyze_sql, to_facts
from depmap.sql.facts import snippet_of
from depmap.sql.names import DEFAULT_SCHEMAS

_BARE_NAME = re.compile(r"\s*([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\s*")
_MAX_ALTERNATIVES = 8
_MAX_DEPTH = 24
_TABLE_NAME = re.compile(r"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*){0,2}")  # a constant that can fill a table hole


def resolve_facts(parsed: ParsedTree, gathered: GatherSqlVisitor, dialect: str) -> list[Fact]:
    """The facts of every table sink, SQL sink and candidate `gathered` from `parsed` (unsorted)."""
    return _Resolver(parsed, gathered, dialect).facts()


@dataclass(frozen=True)
class SqlText:
    """One SQL text a Python file runs, whole (facts keep only a snippet), on its file lines."""

    first_line: int
    last_line: int
    text: str
    dynamic: bool  # built with holes (an f-string, `.format`): not runnable as written


def sql_texts(parsed: ParsedTree, gathered: GatherSqlVisitor, dialect: str) -> list[SqlText]:
    """The SQL texts the facts of `resolve_facts` come from (`depmap verify` runs them)."""
    resolver = _Resolver(parsed, gathered, dialect)
    resolver.texts = []
    resolver.facts()
    return resolver.texts


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
    calls: list[Sink] = field(default_factory=list)
    executed_in: set[str] = field(default_factory=set)
    reverse: bool = False  # reached only rollback arguments (RunSQL reverse_sql)


class _Resolver:
    """Resolves one gathered module; `consumed` holds the literals already reported through a sink,
    so they are not reported again as candidates."""

    def __init__(self, parsed: ParsedTree, gathered: GatherSqlVisitor, dialect: str) -> None:
        self.path = parsed.path
        self.tree = parsed.tree
        self.source = parsed.source
        self.gathered = gathered
        self.dialect = dialect
        self.consumed: set[int] = set()
        self._constants: dict[str, int] | None = None
        self.texts: list[SqlText] | None = None  # recorded only for `sql_texts`

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

    def _collect(self, sink: Sink, origins: dict[tuple[frozenset[int], str], _Origin]) -> None:
        for arg in sink.args:
            for expr in _sql_items(arg):
                literal = leftmost_string(first_operand(expr))
                if not sink.strong and literal is not None and not opens_with_keyword(string_head(literal, self.source)):
                    continue  # text("status = :s"), sql.SQL(", "): a fragment, not a statement
                for value in self._eval(expr, sink.scope, sink.seq, 0):
                    self.consumed |= value.literals
                    if not self._reaches_database(value, sink):
                        continue
                    # the same text from the same literals is one origin, however many sinks run it
                    key = (value.literals, value.text.text)
                    origin = origins.setdefault(key, _Origin(value, value.symbol or sink.text_symbol))
                    origin.sinks.add(sink.name)
                    origin.calls.append(sink)
                    origin.executed_in.add(sink.symbol)
                    origin.reverse = origin.reverse or sink.reverse

    def _reaches_database(self, value: _Value, sink: Sink) -> bool:
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
        if origin.reverse:
            extra["direction"] = "down"
        if value.dynamic:
            extra["dynamic"] = True
        if value.symbol is not None and origin.executed_in - {origin.symbol}:  # a name run elsewhere
            extra["executed_in"] = sorted(origin.executed_in)
        if table is not None:  # pandas.read_sql("orders", con) reads the whole table
            line = value.text.file_line(1)
            location = Location(self.path, line, line, symbol=origin.symbol)
            snippet = value.text.text.strip()
            facts = [Fact(ACCESS, table, location, (), READ, "select_star", "sql", HIGH, snippet, extra)]
        else:
            results = analyze_sql(value.text.text, self.dialect)
            facts = to_facts(results, path=self.path, line_of=value.text.file_line, symbol=origin.symbol, extra=extra)
            self._record(value)
        if not any(_returns_star(fact) for fact in facts):
            return facts
        notes = self._consumers(origin)
        return [replace(fact, extra={**fact.extra, **notes}) if _returns_star(fact) else fact for fact in facts]

    def _record(self, value: _Value) -> None:
        if self.texts is not None:
            text = value.text.text
            self.texts.append(SqlText(value.text.file_line(1), value.text.file_line(text.count("\n") + 1), text, value.dynamic))

    # who consumes a `SELECT *`, and through which driver

    def _consumers(self, origin: _Origin) -> dict[str, Any]:
        """How the functions that run a `SELECT *` use its rows (`rows`), and whether
        the file's driver caches server-side prepared statements, whose result type a new column
        changes (`driver`, `driver_evidence`, `in_transaction`)."""
        if self._constants is None:
            self._constants = literal_name_lists(self.tree)
        uses: list[dict[str, Any]] = []
        run_at: set[int] = set()
        runners: set[str] = set()
        awaited = in_transaction = unprepared = False
        for sink in origin.calls:
            if sink.call is None or sink.scope.node is None or sink.reverse or sink.name not in RUNNERS:
                continue
            seen = row_uses(sink.scope.node, sink.call, sink.name, self.source, self._constants)
            uses.extend(use for use in seen.uses if use not in uses)
            run_at.update(seen.run_at)
            runners.update(seen.runners)
            awaited = awaited or seen.awaited
            in_transaction = in_transaction or seen.in_transaction
            unprepared = unprepared or seen.unprepared
        notes: dict[str, Any] = {}
        if uses:
            notes["row_use"] = sorted(uses, key=lambda use: (use["line"], use["kind"]))
        if run_at:
            notes["run_at"] = sorted(run_at)
        if runners:
            notes["run_by"] = sorted(runners)
        driver = None if unprepared else self._driver(awaited, runners)
        if driver is not None:
            notes["driver"], notes["driver_evidence"] = driver
            if driver[0] == "asyncpg" and in_transaction:
                notes["in_transaction"] = True
        return notes

    def _driver(self, awaited: bool, runners: set[str]) -> tuple[str, str] | None:
        """A PostgreSQL driver that prepares statements server-side, as this file shows it."""
        hints = self.gathered.drivers
        imports = hints.imports
        if "asyncpg" not in hints.no_prepare:
            if hints.asyncpg_url and "sqlalchemy" in imports:
                return ("sqlalchemy+asyncpg", "a postgresql+asyncpg:// engine URL")
            if "asyncpg" in imports:
                return ("asyncpg", "import asyncpg")
            if awaited and runners & {"fetch", "fetchrow"}:
                return ("asyncpg", "await conn.fetch()")
        if imports & {"psycopg", "psycopg_pool"} and "psycopg2" not in imports and "psycopg" not in hints.no_prepare:
            return ("psycopg", "import psycopg")
        return None

    def _table_named(self, text: str) -> str | None:
        if sql_keyword(text):
            return None
        match = _BARE_NAME.fullmatch(text)
        return self._table(match.group(1), None) if match else None

    # literals that look like SQL

    def _candidate_facts(self, candidate: Candidate) -> list[Fact]:
        facts: list[Fact] = []
        for value in self._eval(candidate.node, candidate.scope, candidate.seq, 0):
            if value.literals & self.consumed or not looks_like_standalone_sql(value.text.text):
                continue
            results = analyze_sql(value.text.text, self.dialect)
            if not any(r.kind not in ("unparsed", "other") and r.observations for r in results):
                continue  # prose that happens to start with "select", or not SQL we can read
            self._record(value)
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

    def _table_sink(self, sink: TableSink) -> list[Fact]:
        index, keyword, access = TABLE_SINKS[sink.name]
        table_arg = argument(sink.call, index, keyword)
        if table_arg is None or (sink.name in FRAME_WRITER_SINKS and not _has_connection(sink.call)):
            return []
        names = [v for v in self._eval(table_arg, sink.scope, sink.seq, 0) if not v.dynamic]
        if len(names) != 1:
            return []
        self.consumed |= names[0].literals
        schema_arg = argument(sink.call, None, "schema") or argument(sink.call, None, "schema_name")
        schema = self._eval(schema_arg, sink.scope, sink.seq, 0) if schema_arg is not None else []
        table = self._table(names[0].text.text.strip(), schema[0].text.text.strip() if len(schema) == 1 else None)
        extra: dict[str, Any] = {"sink": sink.name, "statement": "select" if sink.name == "read_sql_table" else "copy"}
        if sink.name in FRAME_WRITER_SINKS:
            extra.update(statement="insert", if_exists=self._if_exists(sink))
        columns_arg = argument(sink.call, None, "columns")
        columns: tuple[str, ...] = ()
        if columns_arg is not None:
            listed = string_list(columns_arg)
            if listed is None:
                extra["dynamic"] = True
            else:
                columns = listed
        if sink.name in FRAME_WRITER_SINKS:
            detail = "insert"  # the frame's own columns, by name: unknown here
        elif access == WRITE:
            detail = "copy"
        elif columns or extra.get("dynamic"):
            detail = "select" if sink.name == "read_sql_table" else "copy"
        else:
            detail = "select_star"
        call = sink.call
        location = Location(self.path, call.lineno, call.end_lineno or call.lineno, symbol=sink.symbol)
        snippet = snippet_of(self.source.segment(call))
        return [Fact(ACCESS, table, location, columns, access, detail, "sql", HIGH, snippet, extra)]

    def _if_exists(self, sink: TableSink) -> str:
        """What a frame writer does when the table exists: "fail" (the default), "append", or
        "replace", which drops the table and creates it from the frame's columns."""
        node = argument(sink.call, None, "if_exists") or argument(sink.call, None, "if_table_exists")  # polars
        if node is None:
            return "fail"
        values = [v.text.text for v in self._eval(node, sink.scope, sink.seq, 0) if not v.dynamic]
        return values[0] if len(values) == 1 else "dynamic"

    def _table(self, name: str, schema: str | None) -> str:
        """A table named from Python is passed quoted (pandas/SQLAlchemy, psycopg2 >= 2.9): its
        case is kept; the dialect's default schema is dropped, as the SQL engine does."""
        parts = name.split(".") if schema is None else [schema, name]
        if len(parts) > 1 and parts[-2] == DEFAULT_SCHEMAS.get(self.dialect):
            del parts[-2]
        return ".".join(parts)

    # evaluating expressions to text

    def _eval(self, node: ast.AST, scope: Scope, seq: int, depth: int) -> list[_Value]:
        if depth > _MAX_DEPTH:
            return []
        if is_string(node):
            text = string_text(node, self.source)
            if text is None:
                return []
            if text.holes and isinstance(node, ast.JoinedStr) and not self._bound_template(node):
                holes = [v for v in node.values if isinstance(v, ast.FormattedValue)]
                text = fill_holes(text, [self._name_value(v.value, scope, seq, depth) if v.format_spec is None else None for v in holes])
            dynamic = text.holes > 0 and not self._bound_template(node)
            return [_Value(text, frozenset({id(node)}), dynamic)]
        inner = wrapped_text(node)
        if inner is not None:
            values = self._eval(inner, scope, seq, depth + 1)
            fields = fields_filled_by(node)
            if fields is None:  # .strip(), dedent(): the same SQL
                return values
            known = [self._name_value(arg, scope, seq, depth) for arg in _filling_arguments(node)]
            filled = [(fill_holes(fill_fields(v.text, fields), known), v) for v in values]
            return [_Value(text, v.literals, text.holes > 0, v.symbol) for text, v in filled]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._concatenation(operands(node), scope, seq, depth)
        if isinstance(node, (ast.Name, ast.Attribute)):
            assigned: list[_Value] = []
            for chain in self._chains_of(node, scope, seq):
                assigned.extend(self._chain_values(chain, depth + 1))
            return assigned[:_MAX_ALTERNATIVES]
        return []

    def _name_value(self, node: ast.AST, scope: Scope, seq: int, depth: int) -> str | None:
        """A hole filled with a constant that names a table (`TABLE = "audit_events"`), or None."""
        if not isinstance(node, (ast.Name, ast.Attribute)):
            return None
        found = {v.text.text for v in self._eval(node, scope, seq, depth + 1) if not v.text.holes}
        if len(found) == 1 and _TABLE_NAME.fullmatch(name := found.pop()):
            return name
        return None

    def _bound_template(self, node: ast.AST) -> bool:
        """f-string holes are spliced into the SQL; t-string holes are bound as parameters
        (psycopg), unless they carry a format spec such as `{table:i}`."""
        return is_template(node, self.source) and not template_with_format_spec(node, self.source)

    def _concatenation(self, parts: list[ast.AST], scope: Scope, seq: int, depth: int) -> list[_Value]:
        evaluated = [(part, self._eval(part, scope, seq, depth + 1)) for part in parts]
        if not any(values for _, values in evaluated):
            return []
        options = [
            values or [_Value(hole_at(operand.lineno), frozenset(), True)]  # type: ignore[attr-defined]
            for operand, values in evaluated
        ]
        results: list[_Value] = []
        for combination in itertools.islice(itertools.product(*options), _MAX_ALTERNATIVES):
            text = join_all(value.text for value in combination)
            literals = frozenset().union(*(v.literals for v in combination))
            symbol = next((v.symbol for v in combination if v.symbol), None)
            results.append(_Value(text, literals, any(v.dynamic for v in combination), symbol))
        return results

    def _chains_of(self, node: ast.AST, scope: Scope, seq: int) -> list[list[Assignment]]:
        """The assignment sequences that may give a name (or attribute) its value at `seq`."""
        if isinstance(node, ast.Name):
            current: Scope | None = scope
            while current is not None:
                if current.kind == "class" and current is not scope:
                    current = current.parent  # class bodies are not visible from their methods
                    continue
                events = current.bindings.get(node.id)
                if events:
                    return _chains(events, seq if current is scope else None)
                current = current.parent
            return []
        if isinstance(node, ast.Attribute):
            if is_self_attribute(node):
                owner = scope.enclosing_class()
                return self._attribute_chains(owner, node.attr, set()) if owner else []
            if isinstance(node.value, ast.Name):
                for owner in self.gathered.classes.get(node.value.id, []):
                    chains = self._attribute_chains(owner, node.attr, set())
                    if chains:
                        return chains
        return []

    def _attribute_chains(self, owner: Scope, name: str, seen: set[int]) -> list[list[Assignment]]:
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

    def _chain_values(self, chain: list[Assignment], depth: int) -> list[_Value]:
        start = chain[0]
        values = self._event_values(start, depth) if start.parts is not None else []
        values = [_Value(v.text, v.literals, v.dynamic, v.symbol or start.symbol) for v in values]
        if not values:
            if len(chain) == 1:
                return []
            line = chain[1].parts[0].lineno if chain[1].parts else 1
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

    def _event_values(self, event: Assignment, depth: int) -> list[_Value]:
        assert event.parts is not None
        return self._concatenation(list(event.parts), event.scope, event.seq, depth + 1)


def _returns_star(fact: Fact) -> bool:
    """A `SELECT *` whose columns reach the caller (not one inside a CTE or subquery)."""
    return fact.detail == "select_star" and fact.access == READ and not fact.extra.get("contained")


def _filling_arguments(node: ast.AST) -> list[ast.AST]:
    """What `"..." % args` or `"...".format(args)` puts in its fields, in order; [] when a field
    may be named (`{name}`, `%(name)s`: keyword filling is not followed)."""
    if isinstance(node, ast.BinOp):
        return list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
    if isinstance(node, ast.Call) and not node.keywords:
        return list(node.args)
    return []


def _chains(events: list[Assignment], before: int | None) -> list[list[Assignment]]:
    """Follow `=` and `+=` in source order. A later `=` replaces an earlier chain only when it
    runs whenever that one did (same block or an enclosing one); otherwise both stay possible."""
    live: list[list[Assignment]] = []
    for event in events:
        if before is not None and event.seq >= before:
            break
        if not event.augmented:
            live = [chain for chain in live if not _is_prefix(event.branch, chain[0].branch)]
            live.append([event])
        elif live:
            live = [[*chain, event] for chain in live]
        else:
            live = [[Assignment(event.seq, False, None, event.scope, event.branch, event.symbol), event]]
    return live[-_MAX_ALTERNATIVES:]


def _is_prefix(short: tuple[int, ...], long: tuple[int, ...]) -> bool:
    return long[: len(short)] == short


def _sql_items(arg: ast.expr) -> list[ast.expr]:
    """RunSQL takes a list of statements, each possibly a (sql, params) pair."""
    if isinstance(arg, (ast.List, ast.Tuple)):
        items = []
        for element in arg.elts:
            value = unstarred(element)
            if isinstance(value, (ast.List, ast.Tuple)) and value.elts:
                value = unstarred(value.elts[0])
            items.append(value)
        return items
    return [arg]


__all__ = ["resolve_facts"]


def _has_connection(call: ast.Call) -> bool:
    """pandas `to_sql(name, con)` and polars `write_database(table_name, connection)` always pass a
    connection: without one, a `to_sql` is some other library's method."""
    return len(call.args) >= 2 or any(k.arg in ("con", "connection") for k in call.keywords)
