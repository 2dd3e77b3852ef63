"""SQL text -> per statement, the tables and columns it reads, writes and defines.

`analyze_sql` is the one entry point: it neutralises placeholders, splits statements (each keeps
its own lines), parses each with sqlglot and hands the tree to `StatementExtractor`. A statement
that does not parse becomes an "unparsed" result carrying the parser's message plus the tables a
conservative tokenizer can see, at low confidence: never a crash, never silently dropped.
"""

from __future__ import annotations

import logging
from dataclasses import replace
import re
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError

from depmap.nesting import nesting_depth
from depmap.model import ACCESS, COLUMN_DEF, HIGH, LOW, MEDIUM, PARSE_ERROR, READ, ROUTINE_CALL, SCHEMA_OP, WRITE
from depmap.sql.ddl import DdlExtractor
from depmap.sql.fallback import tables_named, tables_named_at, touches_no_data
from depmap.sql.schema_ops import with_text_ops, without_not_valid
from depmap.sql.load_data import load_data
from depmap.sql.names import dialect_object, fold_quoted, quoting_keeps_case
from depmap.sql.placeholders import HOLE_PREFIX, Neutralised, neutralise
from depmap.sql.routines import analyze_routine, is_routine
from depmap.sql.frames import Collector, Sources, is_star, star_sources
from depmap.sql.reference_lines import place_observations
from depmap.sql.resolve import QueryResolver
from depmap.sql.split import Chunk, split_statements
from depmap.sql.template_holes import without_free_holes
from depmap.sql.types import Observation, Schema, StatementResult

# sqlglot's compiled parser overflows its stack (a segmentation fault, not an exception) on some
# thousands of nested subqueries, and its Python parts raise RecursionError near 1,000 nested
# parentheses; no hand-written statement comes close to this.
MAX_NESTING = 256


# A routine whose body is code (PL/pgSQL or SQL between dollar quotes, a MySQL BEGIN ... END):
# listed as not analysed with the tables it names, never dropped in silence.
_ROUTINE_WITH_BODY = re.compile(
    r"\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:FUNCTION|PROCEDURE)\b|DO\b)", re.I
)
_BODY = re.compile(r"\$\w*\$|\bBEGIN\b", re.I)


# sqlglot logs a warning each time it falls back to an opaque Command; we handle those ourselves.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_CALLED = re.compile(r"\s*CALL\s+((?:[\w$\"`]+\.)*[\w$\"`]+)\s*\(", re.I)

# Opaque statements whose body may still name tables worth a low-confidence hint.
_DATA_COMMANDS = ("REPLACE", "UPSERT", "DO", "CREATE", "ALTER", "CALL")


def analyze_sql(text: str, dialect: str = "postgres", schema: Schema | None = None) -> list[StatementResult]:
    """Analyse every statement of `text`. Raises ValueError only for an unknown dialect name."""
    sqlglot_dialect = dialect_object(dialect)
    neutral = neutralise(text)
    original_lines = text.splitlines()
    results = []
    for chunk in split_statements(neutral.text, sqlglot_dialect):
        original = "\n".join(original_lines[chunk.line - 1 : chunk.end_line]).strip()
        if is_routine(chunk.text):
            routine = analyze_routine(
                chunk.text, chunk.line, original_lines, dialect, schema, analyze_sql, _table_namer(dialect, schema)
            )
            if routine is not None:  # a trigger's table and name, from its text when sqlglot kept none
                results.extend([with_text_ops(routine[0], chunk.text, dialect, schema), *routine[1:]])
                continue
        result = _analyze_chunk(chunk, original, sqlglot_dialect, dialect, schema)
        if result.kind == "unparsed":
            retried = _retry_template_pieces(chunk, neutral.tag_lines, original_lines, sqlglot_dialect, dialect, schema)
            if retried:
                results.extend(retried)
                continue
            if (fixed := without_free_holes(chunk.text)) is not None:
                again = _analyze_chunk(Chunk(fixed, chunk.line, chunk.end_line), original, sqlglot_dialect, dialect, schema)
                if again.kind != "unparsed":
                    result = again
        if (plain := without_not_valid(chunk.text)) is not None and not any(o.kind == SCHEMA_OP for o in result.observations):
            again = _analyze_chunk(Chunk(plain, chunk.line, chunk.end_line), original, sqlglot_dialect, dialect, schema)
            if any(o.kind == SCHEMA_OP for o in again.observations):
                result = again  # with_text_ops puts the NOT VALID back, from the text
        results.append(with_text_ops(result, chunk.text, dialect, schema))
    return [_as_written(result, neutral) for result in results]


def _as_written(result: StatementResult, neutral: Neutralised) -> StatementResult:
    """An unparsed statement's error quotes the SQL as written, not the neutralised text; so do
    the SQL fragments a definition keeps (a default `'{}'::jsonb`, a CHECK, an index's WHERE),
    whose braces or `?` looked like placeholders to the parser's neutraliser."""
    if neutral.holes and result.kind != "unparsed":
        observations = tuple(
            replace(o, extra=_restored(o.extra, neutral)) if o.kind in (COLUMN_DEF, SCHEMA_OP) and _has_hole(o.extra) else o
            for o in result.observations
        )
        return replace(result, observations=observations)
    if result.kind != "unparsed" or not result.error:
        return result
    observations = tuple(
        replace(o, extra={**o.extra, "error": neutral.restore(o.extra["error"])}) if isinstance(o.extra.get("error"), str) else o
        for o in result.observations
    )
    return replace(result, error=neutral.restore(result.error), observations=observations)


def _has_hole(value: Any) -> bool:
    if isinstance(value, str):
        return HOLE_PREFIX in value
    if isinstance(value, dict):
        return any(_has_hole(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_hole(v) for v in value)
    return False


def _restored(value: Any, neutral: Neutralised) -> Any:
    if isinstance(value, str):
        return neutral.restore(value)
    if isinstance(value, dict):
        return {k: _restored(v, neutral) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_restored(v, neutral) for v in value)
    return value


def _retry_template_pieces(
    chunk: Chunk,
    tag_lines: tuple[int, ...],
    original_lines: list[str],
    sqlglot_dialect: Dialect,
    dialect: str,
    schema: Schema | None,
) -> list[StatementResult]:
    """A templated statement that failed whole may be several statements, one per `{% if %}`
    branch: cut it at its tag lines, and keep the cut only if every piece then parses (a cut
    through clauses would turn one failure into several fragments)."""
    cuts = sorted({line for line in tag_lines if chunk.line < line <= chunk.end_line})
    if not cuts:
        return []
    lines = chunk.text.split("\n")
    pieces, start = [], chunk.line
    for cut in [*cuts, chunk.end_line + 1]:
        body = "\n".join(lines[start - chunk.line : cut - chunk.line])
        if body.strip():
            pieces.append(Chunk(body, start, cut - 1))
        start = cut
    if len(pieces) < 2:
        return []
    results = []
    for piece in pieces:
        leading = len(piece.text) - len(piece.text.lstrip())
        first = piece.line + piece.text[:leading].count("\n")
        body = piece.text.strip()
        trimmed = Chunk(body, first, first + body.count("\n"))
        original = "\n".join(original_lines[trimmed.line - 1 : trimmed.end_line]).strip()
        results.append(_analyze_chunk(trimmed, original, sqlglot_dialect, dialect, schema))
    return results if all(r.kind != "unparsed" for r in results) else []


def _analyze_chunk(
    chunk: Chunk, original: str, sqlglot_dialect: Dialect, dialect: str, schema: Schema | None
) -> StatementResult:
    if (depth := nesting_depth(chunk.text, "(", MAX_NESTING)) > MAX_NESTING:
        return _unparsed(chunk, original, f"parentheses nested {depth} deep (more than {MAX_NESTING}): not parsed", dialect)
    if _ROUTINE_WITH_BODY.match(chunk.text) and _BODY.search(chunk.text):  # a body routines.py could not read
        return _unparsed(chunk, original, "the body of a function, procedure or DO block is not analysed yet", dialect)
    if (loaded := load_data(chunk.text, dialect)) is not None:  # MySQL bulk load: sqlglot has no parser for it
        return StatementResult(chunk.line, chunk.end_line, "copy", original, tuple(loaded))
    try:
        if chunk.tokens:
            parsed = sqlglot_dialect.parser().parse(chunk.tokens, chunk.whole or chunk.text)
        else:
            parsed = sqlglot.parse(chunk.text, read=sqlglot_dialect)
        statement = next((node for node in parsed if node is not None), None)
    except ParseError as error:
        return _unparsed(chunk, original, _parse_message(error, chunk), dialect)
    except Exception as error:  # sqlglot can fail in unexpected ways on odd input
        return _unparsed(chunk, original, _failure_message(error), dialect)
    if statement is None:
        return StatementResult(chunk.line, chunk.end_line, "other", original)
    if problem := _missing_keyword(statement, chunk.text, dialect):
        return _unparsed(chunk, original, problem, dialect)
    try:
        extractor = StatementExtractor(dialect, schema)
        kind, observations, problem = extractor.extract(fold_quoted(statement, dialect))
    except RecursionError:
        return _unparsed(chunk, original, "statement too deeply nested to analyse", dialect)
    except Exception as error:  # an odd tree the extractor did not expect: report, never crash
        message = f"depmap could not analyse this statement: {type(error).__name__}: {error}"
        return _unparsed(chunk, original, message, dialect)
    if problem:
        return _unparsed(chunk, original, problem, dialect)
    line_base = 0 if chunk.tokens else chunk.line - 1  # tokens of the whole text carry its lines
    placed = place_observations(statement, observations, extractor.resolver.table, line_base)
    placed.extend(routine_calls(statement, line_base))
    placed.extend(row_type_casts(statement, line_base))
    return StatementResult(chunk.line, chunk.end_line, kind, original, tuple(placed))


def routine_calls(statement: exp.Expression, line_base: int) -> list[Observation]:
    """Calls of functions sqlglot does not know (the project's own, among others), by name and
    line: the routine linker hands them what the called function's body reads and writes."""
    calls: list[Observation] = []
    for node in statement.find_all(exp.Anonymous):
        if isinstance(node.parent, exp.TriggerExecute):  # CREATE TRIGGER ... EXECUTE FUNCTION f(): a binding
            continue
        name = str(node.this).lower()
        if not name or HOLE_PREFIX in name:
            continue
        line = node.meta.get("line")
        calls.append(Observation(ROUTINE_CALL, "", (), None, "call", extra={"name": name}, line=None if line is None else line + line_base))
    return calls


def row_type_casts(statement: exp.Expression, line_base: int) -> list[Observation]:
    """`x::payments`, `CAST(ROW(...) AS payments)`: a PostgreSQL cast to a table's row type reads
    every column, like `SELECT *`. The type may as well be an enum or a domain: the fact carries
    `row_type`, and the index keeps it only when the catalog knows a table of that name."""
    found: list[Observation] = []
    for cast in statement.find_all(exp.Cast):
        to = cast.args.get("to")
        kind = to.args.get("kind") if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.USERDEFINED else None
        name = (kind.name if isinstance(kind, exp.Identifier) else str(kind or "")).lower()
        if not name or HOLE_PREFIX in name:
            continue
        line = next((n.meta["line"] for n in cast.find_all(exp.Identifier) if "line" in n.meta), None)
        extra = {"row_type": name, "reason": f"cast to the row type of {name}: every column, like SELECT *"}
        found.append(Observation(ACCESS, name, (), READ, "select_star", MEDIUM, extra, None if line is None else line + line_base))
    return found


def _table_namer(dialect: str, schema: Schema | None):
    """A written (possibly qualified) name -> the table name the extractor would give it."""
    resolver = QueryResolver(dialect, schema, Collector())

    def name(written: str) -> str:
        try:
            node = exp.to_table(written, dialect=dialect)
        except Exception:  # a name sqlglot cannot read back
            return written.lower()
        return resolver.table(node) or written.lower()

    return name


# sqlglot accepts some statements without a keyword the database requires; such text is more
# often a keyword list in Python ("DELETE PROCEDURE", "COPY GRANTS") than real SQL.
_REQUIRED_KEYWORDS: dict[type, tuple[str, re.Pattern[str]]] = {
    exp.Delete: ("DELETE without FROM", re.compile(r"\bFROM\b", re.I)),
    exp.Copy: ("COPY without FROM or TO", re.compile(r"\b(?:FROM|TO)\b", re.I)),
}
_DELETE_WITHOUT_FROM_DIALECTS = frozenset({"bigquery"})


def _missing_keyword(statement: exp.Expression, text: str, dialect: str) -> str | None:
    rule = _REQUIRED_KEYWORDS.get(type(statement))
    if rule is None or (isinstance(statement, exp.Delete) and dialect in _DELETE_WITHOUT_FROM_DIALECTS):
        return None
    message, pattern = rule
    return None if pattern.search(text) else message


_SQLGLOT_CLASS = re.compile(r"<class '(?:\w+\.)*(\w+)'>")


def _parse_message(error: ParseError, chunk: Chunk) -> str:
    if not error.errors:
        return str(error).splitlines()[0]
    first = error.errors[0]
    message = _SQLGLOT_CLASS.sub(r"\1", first.get("description") or "invalid SQL")  # `<class 'sqlglot...MatchAgainst'>`
    near = (first.get("highlight") or "").strip()
    if near:
        message += f" near '{near}'"
    return message


def _failure_message(error: Exception) -> str:
    if isinstance(error, TokenError):  # e.g. a string literal that never ends
        return f"the SQL could not be tokenized (unterminated string or quoted name?): {error}"
    return f"the SQL parser failed: {type(error).__name__}: {error}"


def _unparsed(chunk: Chunk, original: str, message: str, dialect: str) -> StatementResult:
    if touches_no_data(chunk.text):
        # COMMENT ON, GRANT, CREATE DATABASE...: a parse failure here cannot hide a read or write.
        return StatementResult(chunk.line, chunk.end_line, "other", original)
    observations = [Observation(PARSE_ERROR, "", (), None, "unparsed", LOW, {"error": message})]
    for table, access, line in tables_named_at(chunk.text, quoting_keeps_case(dialect)):
        observations.append(Observation(ACCESS, table, (), access, "unparsed", LOW, line=chunk.line + line - 1))
    return StatementResult(chunk.line, chunk.end_line, "unparsed", original, tuple(observations), message)


class StatementExtractor:
    """Walks one parsed statement and records what it touches.

    Queries (SELECT, set operations, subqueries, CTEs) go through `QueryResolver`, which follows
    sqlglot's scopes; DML targets and clauses are handled here because sqlglot builds no scope
    for UPDATE/DELETE/MERGE roots.
    """

    def __init__(self, dialect: str, schema: Schema | None) -> None:
        self.dialect = dialect
        self.out = Collector()
        self.resolver = QueryResolver(dialect, schema, self.out)

    def extract(self, statement: exp.Expression) -> tuple[str, list[Observation], str | None]:
        handler = {
            exp.Select: self._select,
            exp.SetOperation: self._select,
            exp.Subquery: self._select,
            exp.Insert: self._insert,
            exp.Update: self._update,
            exp.Delete: self._delete,
            exp.Merge: self._merge,
            exp.Copy: self._copy,
            exp.TruncateTable: self._truncate,
            exp.Create: self._ddl,
            exp.Alter: self._ddl,
            exp.Drop: self._ddl,
            exp.Comment: self._ddl,
            exp.Command: self._command,
        }
        statement = self._data_modifying_ctes(statement, handler)
        for node_type, method in handler.items():
            if isinstance(statement, node_type):
                kind, problem = method(statement)
                return kind, self.out.observations(kind), problem
        return "other", [], None

    def _data_modifying_ctes(self, statement: exp.Expression, handler: dict) -> exp.Expression:
        """PostgreSQL's `WITH moved AS (DELETE ... RETURNING id) INSERT ... SELECT ... FROM moved`:
        each DML body is extracted as the statement it is, then stands in the query as a SELECT of
        the names it returns (on a copy: the caller still places lines on the statement as written)."""
        modifying = [cte for cte in statement.find_all(exp.CTE) if isinstance(cte.this, (exp.Insert, exp.Update, exp.Delete, exp.Merge))]
        if not modifying:
            return statement
        statement = statement.copy()
        for cte in [cte for cte in statement.find_all(exp.CTE) if isinstance(cte.this, (exp.Insert, exp.Update, exp.Delete, exp.Merge))]:
            body = cte.this
            handler[type(body)](body)
            returning = body.args.get("returning")
            names = [e.alias_or_name for e in returning.expressions] if isinstance(returning, exp.Returning) else []
            columns = [exp.alias_(exp.null(), name) for name in names if name and name != "*"]
            body.replace(exp.select(*(columns or [exp.null()])))
        return statement

    # -- queries -------------------------------------------------------------------------------

    def _select(self, statement: exp.Expression) -> tuple[str, str | None]:
        self.resolver.query(statement, detail="select")
        return "select", None

    # -- DML -----------------------------------------------------------------------------------

    def _target(self, node: exp.Expression | None) -> tuple[str | None, str | None, list[str]]:
        """(table name, alias, column list) of an INSERT/COPY/MERGE target."""
        columns: list[str] = []
        if isinstance(node, exp.Schema):
            columns = [self.resolver.column(col) for col in node.expressions]
            node = node.this
        if not isinstance(node, exp.Table):
            return None, None, columns
        return self.resolver.table(node), node.alias_or_name, columns

    def _dml_sources(self, statement: exp.Expression, target: exp.Expression | None) -> tuple[Sources, list]:
        """Every relation a DML statement can name columns of, and its join conditions.

        The target comes first; then FROM/USING items and the joins hanging off them or off the
        target (MySQL `UPDATE a JOIN b ON ... SET`, `DELETE a FROM a JOIN b ON ...`).
        """
        sources = Sources()
        conditions: list[exp.Expression] = []
        self.resolver.register_ctes(statement)
        relations: list[exp.Expression] = []
        if isinstance(target, exp.Table):
            sources.add(target)
            relations.extend(join for join in target.args.get("joins") or [])
        for key in ("from_", "using"):
            value = statement.args.get(key)
            for relation in value if isinstance(value, list) else [value]:
                if isinstance(relation, exp.From):
                    relation = relation.this
                if isinstance(relation, exp.Expression):
                    relations.append(relation)
                    relations.extend(relation.args.get("joins") or [])
        relations.extend(statement.args.get("joins") or [])
        for relation in relations:
            if isinstance(relation, exp.Join):
                if relation.args.get("on") is not None:
                    conditions.append(relation.args["on"])
                relation = relation.this
            sources.add_relation(relation, self.resolver)
        return sources, conditions

    def _read_relations(self, sources: Sources, written: set[str | None], detail: str) -> None:
        """FROM/USING/JOIN tables are read even when none of their columns is named."""
        for relation in sources.tables():
            name = self.resolver.table(relation)
            if name and name not in written:
                self.out.add(ACCESS, name, (), READ, detail)

    def _insert(self, statement: exp.Insert) -> tuple[str, str | None]:
        table, _, columns = self._target(statement.this)
        source = statement.expression
        self.resolver.register_ctes(statement)
        ctes = statement.args.get("with_")
        if ctes is not None and isinstance(source, exp.Query) and not source.args.get("with_"):
            # `WITH s AS (...) INSERT INTO t SELECT ... FROM s` means `INSERT INTO t WITH ... SELECT`:
            # moving the CTEs lets the query's scopes (and `*` tracing) see them.
            source.set("with_", ctes.pop())
        star_source = isinstance(source, exp.Query) and _selects_star(source)
        if table:
            if columns:
                self.out.add(ACCESS, table, columns, WRITE, "insert")
            elif isinstance(source, exp.Query) and star_source:
                self.out.add(ACCESS, table, (), WRITE, "insert_select_star")
            elif source is not None and not isinstance(statement.this, exp.Schema):
                self.out.add(ACCESS, table, (), WRITE, "positional_insert")
            else:
                self.out.add(ACCESS, table, (), WRITE, "insert")
        if isinstance(source, exp.Query):
            self.resolver.query(source, detail="select", star_detail="insert_select_star" if star_source else None)
            if table:
                self.resolver.flows_into(source, table, columns or None)
        elif source is not None:
            self.resolver.loose_columns(source, Sources(), READ, "insert")
        if table:
            target_sources = Sources()
            target_sources.add(statement.this.this if isinstance(statement.this, exp.Schema) else statement.this)
            self._on_conflict(statement.args.get("conflict"), table, target_sources)
            self._returning(statement, target_sources, "insert")
        self.resolver.nested_queries(statement, Sources())  # CTEs left on the INSERT, subqueries in VALUES
        return "insert", None

    def _on_conflict(self, conflict: exp.Expression | None, table: str, sources: Sources) -> None:
        if not isinstance(conflict, exp.OnConflict):
            return
        for key in conflict.args.get("conflict_keys") or []:
            self.resolver.loose_columns(key, sources, READ, "insert")
        for assignment in conflict.expressions:
            if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                self.out.add(ACCESS, table, [self.resolver.column(assignment.this)], WRITE, "insert")
                self.resolver.loose_columns(assignment.expression, sources, READ, "insert")

    def _returning(self, statement: exp.Expression, sources: Sources, detail: str) -> None:
        returning = statement.args.get("returning")
        if returning is not None:
            self.resolver.loose_columns(returning, sources, READ, detail)
            # `RETURNING *` hands every column of the row back, one added tomorrow included
            for projection in returning.expressions:
                for source in star_sources(projection, sources):
                    if isinstance(source, exp.Table) and (name := self.resolver.table(source)):
                        self.out.add(ACCESS, name, (), READ, "select_star", HIGH, {"returning": True})

    def _update(self, statement: exp.Update) -> tuple[str, str | None]:
        if not statement.expressions:
            return "update", "UPDATE without SET"
        target = statement.this
        table = self.resolver.table(target) if isinstance(target, exp.Table) else None
        sources, conditions = self._dml_sources(statement, target)
        self.resolver.nested_queries(statement, sources)
        if table:
            self.out.add(ACCESS, table, (), WRITE, "update")
        self._read_relations(sources, {table}, "update")
        for assignment in statement.expressions:
            if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                self.resolver.assigned_column(assignment.this, sources, default_table=table, detail="update")
                self.resolver.loose_columns(assignment.expression, sources, READ, "update")
        for key in ("where", "order", "limit"):
            self.resolver.loose_columns(statement.args.get(key), sources, READ, "update")
        self.resolver.loose_columns(conditions, sources, READ, "update")
        self._returning(statement, sources, "update")
        return "update", None

    def _delete(self, statement: exp.Delete) -> tuple[str, str | None]:
        target = statement.this
        sources, conditions = self._dml_sources(statement, target)
        tables = statement.args.get("tables") or []  # MySQL: DELETE t1 FROM t1 JOIN t2
        targets = [t for t in tables if isinstance(t, exp.Table)] or [target]
        written: set[str | None] = set()
        for node in targets:
            if isinstance(node, exp.Table):
                resolved = sources.get(node.name) if node.name in sources else node
                table = self.resolver.table(resolved) if isinstance(resolved, exp.Table) else None
                if table:
                    self.out.add(ACCESS, table, (), WRITE, "delete")
                    written.add(table)
        self._read_relations(sources, written, "delete")
        self.resolver.nested_queries(statement, sources)
        self.resolver.loose_columns(statement.args.get("where"), sources, READ, "delete")
        self.resolver.loose_columns(conditions, sources, READ, "delete")
        self._returning(statement, sources, "delete")
        return "delete", None

    def _merge(self, statement: exp.Merge) -> tuple[str, str | None]:
        target = statement.this
        table = self.resolver.table(target) if isinstance(target, exp.Table) else None
        sources = Sources()
        self.resolver.register_ctes(statement)
        if isinstance(target, exp.Table):
            sources.add(target)
        sources.add_relation(statement.args.get("using"), self.resolver)
        self.resolver.nested_queries(statement, sources)
        if table:
            self.out.add(ACCESS, table, (), WRITE, "merge")
        self.resolver.loose_columns(statement.args.get("on"), sources, READ, "merge")
        whens = statement.args.get("whens")
        for when in whens.expressions if whens else []:
            self.resolver.loose_columns(when.args.get("condition"), sources, READ, "merge")
            action = when.args.get("then")
            if isinstance(action, exp.Update):
                for assignment in action.expressions:
                    if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                        self.resolver.assigned_column(assignment.this, sources, default_table=table, detail="merge")
                        self.resolver.loose_columns(assignment.expression, sources, READ, "merge")
            elif isinstance(action, exp.Insert) and table:
                names = action.this.expressions if isinstance(action.this, exp.Tuple) else []
                self.out.add(ACCESS, table, [self.resolver.column(c) for c in names], WRITE, "merge")
                self.resolver.loose_columns(action.expression, sources, READ, "merge")
        using = statement.args.get("using")
        if table and isinstance(using, exp.Expression):  # a table or a query feeding the target
            self.resolver.flows_into(using, table, by_projection=False)
        return "merge", None

    def _copy(self, statement: exp.Copy) -> tuple[str, str | None]:
        loading = bool(statement.args.get("kind"))
        if isinstance(statement.this, exp.Subquery):
            self.resolver.query(statement.this.this, detail="select")
            return "copy", None
        table, _, columns = self._target(statement.this)
        if table:
            if loading:
                self.out.add(ACCESS, table, columns, WRITE, "copy")
            elif columns:
                self.out.add(ACCESS, table, columns, READ, "copy")
            else:
                self.out.add(ACCESS, table, (), READ, "select_star")
        return "copy", None

    def _truncate(self, statement: exp.TruncateTable) -> tuple[str, str | None]:
        for node in statement.expressions:
            if isinstance(node, exp.Table) and (table := self.resolver.table(node)):
                self.out.add(ACCESS, table, (), WRITE, "truncate")
        return "truncate", None

    # -- DDL and opaque statements ----------------------------------------------------------------

    def _ddl(self, statement: exp.Expression) -> tuple[str, str | None]:
        return DdlExtractor(self.resolver, self.out).extract(statement), None

    def _command(self, statement: exp.Command) -> tuple[str, str | None]:
        keyword = str(statement.this).upper()
        if keyword == "CALL" and (called := _CALLED.match(statement.sql(self.dialect))):  # a project procedure, maybe
            name = called.group(1).rsplit(".", 1)[-1].strip('"`').lower()
            self.out.add(ROUTINE_CALL, "", (), None, "call", HIGH, {"name": name})
        if keyword.startswith(_DATA_COMMANDS):
            text = statement.sql(self.dialect)
            for table, access in tables_named(text, quoting_keeps_case(self.dialect)):
                if access == READ:
                    detail = "select"
                else:
                    detail = "insert" if access == WRITE and keyword in ("REPLACE", "UPSERT") else "ddl"
                self.out.add(ACCESS, table, (), access, detail, LOW, {"opaque": keyword.lower()})
        return "other", None


def _selects_star(query: exp.Query) -> bool:
    """Does the query's (first) projection list contain a bare or qualified star?"""
    select = query
    while isinstance(select, exp.SetOperation):
        select = select.this
    if isinstance(select, exp.Subquery):
        return _selects_star(select.this)
    if not isinstance(select, exp.Select):
        return False
    return any(is_star(p) for p in select.expressions)
