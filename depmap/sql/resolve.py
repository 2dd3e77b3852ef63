"""Column attribution: which table does each column reference in a statement belong to?

Queries are walked with sqlglot's scopes (aliases, CTEs, derived tables, set operations,
correlated subqueries); a column selected from a CTE or derived table is traced back through its
projection (and through `*`) to a base table. An unqualified column in a scope with several
sources is attributed with the schema when it knows the tables; otherwise every candidate gets
the column at low confidence with the candidate list, so a later pass (or a human) can decide.
The same list is kept as `scope` (the tables the unqualified name could belong to in its query):
`candidates` goes once the catalog settles the owner, `scope` stays for the ambiguity check.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from depmap.model import ACCESS, HIGH, LOW, MEDIUM, READ, WRITE
from depmap.sql.names import column_name, identifier, table_name
from depmap.sql.placeholders import is_hole
from depmap.sql.frames import Attribution, Collector, Frame, Source, frame_of, star_sources
from depmap.sql.lineage import column_flows
from depmap.sql.types import Schema

# Qualifiers that name a pseudo-row rather than a table in FROM.
PSEUDO_QUALIFIERS = frozenset({"excluded", "new", "old", "inserted", "deleted"})




class QueryResolver:
    def __init__(self, dialect: str, schema: Schema | None, out: Collector) -> None:
        self.dialect = dialect
        self.schema = schema
        self.out = out
        self.cte_names: set[str] = set()
        self._frames: dict[int, Frame] = {}
        self._done: dict[int, Scope | None] = {}
        self._resolved: set[int] = set()
        # CTEs of a DML statement (`WITH p AS (...) UPDATE t ... FROM p`): sqlglot scopes the
        # UPDATE's clauses nowhere, so `p.col` is traced through the CTE's scope from here.
        self._cte_scopes: dict[str, Scope] = {}

    # -- names ---------------------------------------------------------------------------------

    def table(self, node: exp.Table) -> str | None:
        """The table's normalised name, or None for CTE references, functions and dynamic holes."""
        if not isinstance(node.this, exp.Identifier):
            return None
        name = table_name(node, self.dialect)
        if name and is_hole(name) and not is_hole(own := identifier(node.this)):
            name = own  # `{schema}.orders`: the table is known, its schema is not
        if not name or is_hole(name):
            return None
        if name in self.cte_names and not node.args.get("db"):
            return None
        return name

    def column(self, node: exp.Expression) -> str:
        return column_name(node) if isinstance(node, (exp.Column, exp.Identifier)) else identifier(node.this)

    def register_ctes(self, statement: exp.Expression) -> None:
        for cte in statement.find_all(exp.CTE):
            self.cte_names.add(cte.alias_or_name.lower())

    # -- queries -------------------------------------------------------------------------------

    def query(
        self,
        node: exp.Expression,
        detail: str = "select",
        star_detail: str | None = None,
        outer: Frame | None = None,
    ) -> Scope | None:
        """Record every read in a query; returns its root scope (for derived tables in DML)."""
        if isinstance(node, exp.Subquery):
            node = node.unnest()
        if id(node) in self._done:
            return self._done[id(node)]
        self.register_ctes(node)
        try:
            scopes = traverse_scope(node)
            for scope in scopes:  # sources are computed lazily and may raise (a repeated alias)
                scope.selected_sources  # noqa: B018
        except Exception:  # sqlglot refuses some valid-but-odd queries; keep the tables
            for table in node.find_all(exp.Table):
                if name := self.table(table):
                    self.out.add(ACCESS, name, (), READ, detail, LOW)
            self._done[id(node)] = None
            return None
        root = scopes[-1] if scopes else None
        if root is not None and isinstance(node.parent, exp.CTE):
            self._cte_scopes.setdefault(node.parent.alias_or_name.lower(), root)
        for scope in reversed(scopes):  # parents first, so each frame can link to its parent
            parent = self._frames.get(id(scope.parent)) if scope.parent else outer
            self._frames[id(scope)] = frame_of(scope, parent)
        # Stars whose columns reach the statement's result; any other `*` (in a CTE or derived
        # table narrowed by its parent, an EXISTS, a subquery of a DML clause) is `contained`.
        star_scopes = _star_propagating(root) if (root is not None and outer is None) else set()
        for scope in scopes:  # children first: a correlated column belongs to its innermost scope
            output = id(scope) in star_scopes
            self._scope(scope, detail, star_detail if output else None, contained=not output)
        self._done[id(node)] = root
        return root

    def _scope(self, scope: Scope, detail: str, star_detail: str | None, contained: bool = False) -> None:
        frame = self._frames[id(scope)]
        for source in scope.sources.values():
            if isinstance(source, exp.Table) and (name := self.table(source)):
                self.out.add(ACCESS, name, (), READ, detail)
        select = scope.expression
        if isinstance(select, exp.Select):
            self._stars(select, frame, star_detail or "select_star", contained)
            self._joins(select, frame, detail)
        for column in _read_columns(scope):
            self._attribute(column, frame, READ, detail)

    def _stars(self, select: exp.Select, frame: Frame, star_detail: str, contained: bool = False) -> None:
        extra = {"contained": True} if contained else None
        for projection in select.expressions:
            for source in star_sources(projection, frame):
                if isinstance(source, exp.Table) and (name := self.table(source)):
                    self.out.add(ACCESS, name, (), READ, star_detail, HIGH, extra)

    def _joins(self, select: exp.Select, frame: Frame, detail: str) -> None:
        """NATURAL and USING joins compare columns by name: record who is joined with whom.

        A join's partners are the tables to its left (the FROM item and the joins before it):
        a table joined later takes no part in this join's condition.
        """
        joins = select.args.get("joins") or []
        source = select.args.get("from_") or select.args.get("from")
        left = [source.this] if isinstance(source, exp.From) else []
        for join in joins:
            names = [name for node in left if isinstance(node, exp.Table) and (name := self.table(node))]
            left.append(join.this)
            natural = (join.args.get("method") or "").upper() == "NATURAL"
            using = join.args.get("using") or []
            if not (natural or using) or not isinstance(join.this, exp.Table):
                continue
            joined = self.table(join.this)
            if not joined:
                continue
            partners = sorted({n for n in names if n != joined})
            kind = "natural_join" if natural else "using_join"
            self.out.add(ACCESS, joined, (), READ, kind, HIGH, {"partners": partners})
            for partner in partners:
                self.out.add(ACCESS, partner, (), READ, kind, HIGH, {"partners": [joined]})
            for ident in using:
                name = column_name(ident)
                self.out.add(ACCESS, joined, [name], READ, detail)
                for partner in partners:
                    confidence = HIGH if len(partners) == 1 else LOW
                    extra = {"candidates": partners} if len(partners) > 1 else None
                    self.out.add(ACCESS, partner, [name], READ, detail, confidence, extra)

    # -- DML clauses ---------------------------------------------------------------------------

    def loose_columns(self, node: exp.Expression | list | None, frame: Frame, access: str, detail: str) -> None:
        """Columns of a DML clause (WHERE, SET value, RETURNING...), and the queries inside it."""
        if not isinstance(node, (exp.Expression, list)):  # absent, or a flag (BigQuery `INSERT ROW`)
            return
        if isinstance(node, list):
            for item in node:
                self.loose_columns(item, frame, access, detail)
            return
        for child in node.walk(prune=lambda n: isinstance(n, exp.Query)):
            if isinstance(child, exp.Query):
                self.query(child, detail="select", outer=frame)
            elif isinstance(child, exp.Column):
                self._attribute(child, frame, access, detail)

    def nested_queries(self, statement: exp.Expression, frame: Frame) -> None:
        """Any query not reached through a known clause still has its reads recorded."""
        for child in statement.walk(prune=lambda n: isinstance(n, exp.Query) and n is not statement):
            if isinstance(child, exp.Query) and child is not statement:
                self.query(child, detail="select", outer=frame)

    def assigned_column(self, column: exp.Column, frame: Frame, default_table: str | None, detail: str) -> None:
        """The left side of `SET col = ...`: a write to the target (or to the qualified table)."""
        self._resolved.add(id(column))
        qualifier = identifier(column.args.get("table"))
        table = default_table
        if qualifier:
            source = frame.lookup(qualifier)
            table = self.table(source) if isinstance(source, exp.Table) else None
        if table:
            self.out.add(ACCESS, table, [column_name(column)], WRITE, detail)

    def flows_into(
        self, query: exp.Expression, target: str, target_columns: list[str] | None = None, by_projection: bool = True
    ) -> None:
        """Table-level flows from every table the query reads, and column-level lineage where the
        projection decides the target columns (not for MERGE, whose SET/INSERT clauses do)."""
        for node in query.find_all(exp.Table):
            if name := self.table(node):
                self.out.flow(name, target)
        if by_projection:
            column_flows(self, query, target, target_columns)

    def scope_of(self, query: exp.Expression) -> Scope | None:
        return self._done.get(id(query))

    def frame_of(self, scope: Scope) -> Frame:
        return self._frames.get(id(scope)) or frame_of(scope, None)

    def attribute(self, name: str, qualifier: str, frame: Frame) -> list[Attribution]:
        """Which table(s) a column reference belongs to, without recording a read."""
        if not name or name == "*" or is_hole(name):
            return []
        return self._resolve(name, qualifier, frame, frozenset())

    # -- attribution ---------------------------------------------------------------------------

    def _attribute(self, column: exp.Column, frame: Frame, access: str, detail: str) -> None:
        if id(column) in self._resolved:
            return
        self._resolved.add(id(column))
        name = column_name(column)
        if not name or name == "*" or is_hole(name):
            return
        qualifier = identifier(column.args.get("table"))
        if not qualifier and _is_using_column(column, name):
            return  # the merged column of `JOIN ... USING (name)`: `_joins` recorded both sides
        if not qualifier and self._whole_row(name, frame, access):
            return
        for attribution in self._resolve(name, qualifier, frame, frozenset()):
            extra = None
            if attribution.candidates:
                # `scope` outlives `candidates` (which the catalog settles away): a later column of
                # this name in another of these tables makes the reference ambiguous.
                extra = {"candidates": list(attribution.candidates), "scope": list(attribution.candidates)}
            self.out.add(ACCESS, attribution.table, [attribution.column], access, detail, attribution.confidence, extra)

    def _whole_row(self, name: str, frame: Frame, access: str) -> bool:
        """PostgreSQL's whole-row reference: `SELECT p FROM payments p`, `row_to_json(p)`,
        `to_jsonb(payments)` name a table (or its alias) where a column is expected, and read
        every column of the row, one added tomorrow included, like `SELECT *`. A column of that
        name wins when the schema says the table has one; unsure when the schema is not known."""
        source = frame.lookup(name)
        if not isinstance(source, exp.Table) or access != READ:
            return False
        known = self._has_column(source, name)
        table = self.table(source)
        if known is True or not table:
            return False
        confidence = HIGH if known is False else MEDIUM
        extra = {"whole_row": name}
        if known is None:
            extra["reason"] = f"`{name}` taken for the row of {table}: no column of that name is known"
        self.out.add(ACCESS, table, (), READ, "select_star", confidence, extra)
        return True

    def _resolve(self, name: str, qualifier: str, frame: Frame, seen: frozenset[int]) -> list[Attribution]:
        if qualifier:
            source = frame.lookup(qualifier)
            return self._trace(source, name, seen) if source is not None else []
        candidates, owner = frame.nearest_selected()
        if not candidates:
            return []
        if len(candidates) == 1 and not self._correlated(name, candidates[0], owner):
            return self._trace(candidates[0], name, seen)
        return self._disambiguate(name, candidates, owner, seen)

    def _correlated(self, name: str, source: Source, owner: Frame | None) -> bool:
        """The only local source lacks the column (per schema) but an outer query may have it."""
        return owner is not None and owner.parent is not None and self._has_column(source, name) is False

    def _cte_scope(self, table: exp.Table) -> Scope | None:
        if table.args.get("db") or not isinstance(table.this, exp.Identifier):
            return None
        return self._cte_scopes.get(identifier(table.this).lower())

    def _trace(self, source: Source, name: str, seen: frozenset[int]) -> list[Attribution]:
        if isinstance(source, exp.Table) and (cte := self._cte_scope(source)) is not None:
            source = cte
        if isinstance(source, exp.Table):
            table = self.table(source)
            return [Attribution(table, name)] if table else []
        if id(source) in seen:  # a recursive CTE refers to itself
            return []
        seen = seen | {id(source)}
        if source.set_operation_scopes:
            return [a for branch in source.set_operation_scopes for a in self._trace(branch, name, seen)]
        select = source.expression
        if not isinstance(select, exp.Select):
            return []
        frame = self._frames.get(id(source)) or frame_of(source, None)
        stars: list[Source] = []
        for projection in select.expressions:
            if projection.alias_or_name.lower() == name:
                inner = projection.unalias()
                if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
                    return self._resolve(column_name(inner), identifier(inner.args.get("table")), frame, seen)
                return []  # a computed value: its own columns were recorded in its scope
            stars.extend(star_sources(projection, frame))
        if len(stars) == 1:
            return self._trace(stars[0], name, seen)
        return self._disambiguate(name, stars, frame, seen) if stars else []

    def _disambiguate(
        self, name: str, candidates: list[Source], owner: Frame | None, seen: frozenset[int]
    ) -> list[Attribution]:
        """Several sources could own an unqualified column: ask the schema, else say we are unsure."""
        has: list[tuple[Source, bool | None]] = [(c, self._has_column(c, name)) for c in candidates]
        definite = [c for c, known in has if known is True]
        unknown = [c for c, known in has if known is None]
        if len(definite) == 1 and not unknown:
            return self._trace(definite[0], name, seen)
        if not definite and not unknown and owner is not None and owner.parent is not None:
            return self._resolve(name, "", owner.parent, seen)  # a correlated reference
        pool = definite + unknown or [c for c, _ in has]
        traced = [a for c in pool for a in self._trace(c, name, seen)]
        tables = tuple(sorted({a.table for c in candidates for a in self._trace(c, name, seen)}))
        return [Attribution(a.table, a.column, LOW, tables) for a in traced]

    def _has_column(self, source: Source, name: str, depth: int = 0) -> bool | None:
        """Does the source output `name`? True/False when known, None when we cannot tell."""
        if isinstance(source, exp.Table) and (cte := self._cte_scope(source)) is not None:
            source = cte
        if isinstance(source, exp.Table):
            table = self.table(source)
            if table is None or self.schema is None or table not in self.schema:
                return None
            return name in self.schema[table]
        if depth > 20:  # a recursive CTE selects from itself
            return None
        if source.set_operation_scopes:  # a set operation outputs its first branch's names
            return self._has_column(source.set_operation_scopes[0], name, depth + 1)
        select = source.expression
        if not isinstance(select, exp.Select):
            return None
        names = {p.alias_or_name.lower() for p in select.expressions}
        if name in names:
            return True
        frame = self._frames.get(id(source)) or frame_of(source, None)
        answers = [self._has_column(s, name, depth + 1) for p in select.expressions for s in star_sources(p, frame)]
        if True in answers:
            return True
        return None if None in answers else False


def _read_columns(scope: Scope) -> list[exp.Column]:
    """The columns a scope reads: sqlglot's `scope.columns`, corrected for select aliases.

    sqlglot leaves out every unqualified column under HAVING and QUALIFY (it might be an alias),
    which would hide real reads such as `HAVING max(total) > 10`; and it keeps a GROUP BY alias
    (`SELECT status AS s ... GROUP BY s`) as if `s` were a table column. A name that is a select
    alias is the alias in those clauses; anything else there is a column read.
    """
    select = scope.expression
    columns = list(scope.columns)
    if not isinstance(select, exp.Select):
        return columns
    aliases = _output_aliases(select)
    seen = {id(c) for c in columns}
    for clause in (select.args.get("having"), select.args.get("qualify")):
        for column in _own_columns(clause):
            if id(column) not in seen and (column.table or column_name(column) not in aliases):
                columns.append(column)
                seen.add(id(column))
    group = select.args.get("group")
    in_group = {id(c) for c in _own_columns(group)}
    return [c for c in columns if not (id(c) in in_group and not c.table and column_name(c) in aliases)]


def _output_aliases(select: exp.Select) -> set[str]:
    """Names a select introduces for computed or renamed values (not `col AS col`)."""
    names = set()
    for projection in select.expressions:
        if isinstance(projection, exp.Alias):
            inner = projection.this
            alias = identifier(projection.args.get("alias"))
            if not (isinstance(inner, exp.Column) and column_name(inner) == alias):
                names.add(alias)
    return names


def _own_columns(node: exp.Expression | None) -> list[exp.Column]:
    """Columns of a clause, not those of the queries nested in it."""
    if node is None:
        return []
    return [c for c in node.walk(prune=lambda n: isinstance(n, exp.Query)) if isinstance(c, exp.Column)]


def _is_using_column(column: exp.Column, name: str) -> bool:
    """Is the unqualified `name` the merged key of a `JOIN ... USING` in its own query?"""
    select = column.find_ancestor(exp.Select)
    if select is None:
        return False
    for join in select.args.get("joins") or []:
        if any(column_name(ident) == name for ident in join.args.get("using") or []):
            return True
    return False


def _star_propagating(root: Scope) -> set[int]:
    """Scopes whose `*` output reaches the root's positional projection list."""
    marked: set[int] = set()
    pending = [root]
    while pending:
        scope = pending.pop()
        if id(scope) in marked:
            continue
        marked.add(id(scope))
        pending.extend(scope.set_operation_scopes)
        select = scope.expression
        if isinstance(select, exp.Select):
            frame = frame_of(scope, None)
            for projection in select.expressions:
                pending.extend(s for s in star_sources(projection, frame) if isinstance(s, Scope))
    return marked
