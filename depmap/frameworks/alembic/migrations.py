"""Alembic revision files: the revision header, and the schema operations of `upgrade()` and `downgrade()`.

`analyse_alembic` fills in, for one parsed file:

- a MIGRATION fact (`depmap.orm.symbols`) at the `revision = "..."` line when the file assigns
  both `revision` and `down_revision` at module level (annotated forms too), so that the linker
  can order revision files by their chain instead of their random names;
- concrete `table_def`/`column_def`/`access` facts (`via="migration"`, access "schema") for each
  `op.*` call with a literal table name made by `upgrade()` (or `upgrade_<engine>()` in
  multi-database templates, and the module's helper functions they call), never by
  `downgrade()`: replaying a downgrade after its upgrade would undo the schema the catalog
  builds. `with op.batch_alter_table("t") as batch_op:` binds `batch_op.*` to table `t`;
- a SCHEMA_OP fact (`schema_ops`) for each operation of `upgrade()` and of `downgrade()` (and
  the helpers each calls), the downgrade's with `direction: "down"`: each table's history, which
  lists downgrades apart and never replays them. `op.drop_index("ix")` without its table is one
  with table "": the history finds the table by the index's name.

Every fact carries `extra["revision"]`. Column specs have the shape the SQL engine's DDL gives
(`depmap.sql.ddl.column_spec`): `type` as written without the module (`String(20)`), `nullable`
(SQLAlchemy's default: not null only for primary keys), `default` as the SQL the database
receives (`server_default="new"` -> `'new'`, `sa.text("now()")` -> `now()`), `primary_key`, and
`references`/`unique`/`identity` when set. Indexes are `access` facts (detail "create_index"),
constraint operations too (detail "ddl", `extra["action"]` the operation), as the SQL engine
reports them. `op.execute(...)` text is left to the SQL-strings analysis. Table names come from string literals, module or local string constants, and `for`
loops over literal lists; anything else is not guessed.

Nothing here imports or runs the scanned code.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from depmap.model import ACCESS, COLUMN_DEF, HIGH, SCHEMA, TABLE_DEF, Fact, Location
from depmap.orm.symbols import MIGRATION
from depmap.scan_context import ScanContext
from depmap.python.prefilter import search_word
from depmap.python.analysis import PythonAnalysis
from depmap.python.imports import ImportTable
from depmap.python.tree import (
    FUNCTION_NODES, ParsedTree, TreeVisitor, argument, call_args, callee_name, dotted_name, is_name, literal_bool,
    elements, literal_string, positional_args,
)  # fmt: skip
from depmap.frameworks.alembic.arguments import Arguments, column_names, label, names_of, sequence, string_list, strings
from depmap.frameworks.alembic.schema_ops import AlembicOps
from depmap.frameworks.sqlalchemy.expressions import server_default_sql
from depmap.sql.facts import snippet_of
from depmap.sql.names import DEFAULT_SCHEMAS

VIA = "migration"
_OP_CALL = re.compile(r"op\.\w+\(")  # starts with its literal: see `prefilter`
_OP_MODULE = "alembic.op"
# SQLAlchemy schema items that may follow a column's name in `Column(...)` and are not its type.
_SCHEMA_ITEMS = frozenset({"ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "DefaultClause", "FetchedValue"})
# Operation -> (position, keyword) of its table argument in `op.<name>(...)`; `batch_op.<name>`
# takes the same arguments minus this one.
_TABLE_ARGUMENT = {
    "create_table": (0, "table_name"),
    "drop_table": (0, "table_name"),
    "rename_table": (0, "old_table_name"),
    "add_column": (0, "table_name"),
    "drop_column": (0, "table_name"),
    "alter_column": (0, "table_name"),
    "create_index": (1, "table_name"),
    "drop_index": (1, "table_name"),
    "create_unique_constraint": (1, "table_name"),
    "create_primary_key": (1, "table_name"),
    "create_check_constraint": (1, "table_name"),
    "create_foreign_key": (1, "source_table"),
    "drop_constraint": (1, "table_name"),
    "create_exclude_constraint": (1, "table_name"),
    "create_table_comment": (0, "table_name"),
    "drop_table_comment": (0, "table_name"),
}
# Operations that define tables, columns and indexes for the catalog (the rest are history only).
_DEFINING = frozenset(_TABLE_ARGUMENT) - {"create_exclude_constraint", "create_table_comment", "drop_table_comment"}
# Constraint and index operations: a schema access on the table (and columns), as the SQL engine
# reports ALTER TABLE ... ADD CONSTRAINT: (position, keyword) of the columns once the table is out.
_CONSTRAINTS = {
    "create_unique_constraint": (1, "columns"),
    "create_primary_key": (1, "columns"),
    "create_foreign_key": (2, "local_cols"),
    "create_check_constraint": (None, ""),
    "drop_constraint": (None, ""),
    "drop_index": (None, ""),
}


def wants_alembic(text: str) -> bool:
    return "down_revision" in text or search_word(_OP_CALL, text)


def analyse_alembic(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """The MIGRATION fact and the `upgrade()` schema facts of one Alembic revision file."""
    tree = parsed.tree
    header = _Header.of(tree)
    facts: list[Fact] = []
    node = header.revision_node
    if node is not None and header.has_down_revision:
        extra: dict[str, Any] = {"tool": "alembic", "revision": header.revision, "down_revision": header.down_revision}
        if header.depends_on is not None:
            extra["depends_on"] = header.depends_on
        location = Location(parsed.path, node.lineno, node.end_lineno, symbol=parsed.module_name)
        snippet = snippet_of(parsed.source.segment(node))
        facts.append(Fact(MIGRATION, "", location, via=VIA, snippet=snippet, extra=extra))
    imports = ImportTable.of(tree, parsed.module_name)
    op_names = frozenset(local for local, qualified in imports.names.items() if qualified == _OP_MODULE)
    if not op_names:
        return facts
    for down, functions in ((False, upgrade_functions(tree)), (True, downgrade_functions(tree))):
        for function in functions:
            visitor = _OperationVisitor(parsed, ctx.dialect, op_names, header, function.name, down)
            visitor.walk(function)
            facts.extend(visitor.facts)
    return facts


ALEMBIC_MIGRATIONS = PythonAnalysis("alembic", wants_alembic, analyse_alembic)


# -- the revision header ---------------------------------------------------------------------------


class _Header:
    """Module-level `revision`, `down_revision`, `depends_on`, and string constants."""

    def __init__(self) -> None:
        self.revision: str | None = None
        self.revision_node: ast.stmt | None = None
        self.has_down_revision = False
        self.down_revision: str | list[str] | None = None
        self.depends_on: str | list[str] | None = None
        self.constants: dict[str, tuple[str, ...]] = {}
        self.sequences: dict[str, tuple[str, ...]] = {}
        # Columns shared between tables: `def timestamps(): return (sa.Column(...), ...)` or
        # `AUDIT = [sa.Column(...), ...]`, spread into `op.create_table(..., *timestamps())`.
        self.column_groups: dict[str, list[ast.expr]] = {}

    @classmethod
    def of(cls, tree: ast.Module) -> _Header:
        header = cls()
        for statement in tree.body:
            if isinstance(statement, FUNCTION_NODES) and (returned := _returned_items(statement)) is not None:
                header.column_groups[statement.name] = returned
                continue
            target, value = _assignment(statement)
            if target is not None and isinstance(value, (ast.Tuple, ast.List)) and value.elts and all(
                    isinstance(item, ast.Call) for item in value.elts):
                header.column_groups[target] = list(value.elts)
            if target is None or value is None:
                continue
            if target == "revision":
                header.revision = literal_string(value)
                header.revision_node = statement
            elif target == "down_revision":
                header.has_down_revision = True
                header.down_revision = _revisions(value)
            elif target == "depends_on":
                header.depends_on = _revisions(value)
            elif (constant := literal_string(value)) is not None:
                header.constants[target] = (constant,)
            elif values := sequence(value, {}):
                header.sequences[target] = values
        return header


def _returned_items(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr] | None:
    """The calls a function returns as a tuple or list, when returning them is all it does."""
    body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, (ast.Tuple, ast.List)):
        return None
    items = body[0].value.elts
    return list(items) if items and all(isinstance(item, ast.Call) for item in items) else None


def _assignment(node: ast.AST) -> tuple[str | None, ast.expr | None]:
    """`name = value` or `name: T = value` -> (name, value)."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None


def _revisions(node: ast.expr) -> str | list[str] | None:
    """`"a"` -> "a"; `("a", "b")` -> ["a", "b"]; None or anything else -> None."""
    single = literal_string(node)
    if single is not None:
        return single
    if isinstance(node, (ast.Tuple, ast.List)):
        return [s for s in (literal_string(e) for e in elements(node)) if s is not None]
    return None


# -- which functions upgrade -----------------------------------------------------------------------


def upgrade_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """`upgrade`, `upgrade_<engine>` and the module's functions they call (by plain name),
    transitively, in file order; nothing named `downgrade*`."""
    return _reached(tree, "upgrade", "downgrade")


def downgrade_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """`downgrade`, `downgrade_<engine>` and the functions they call; nothing named `upgrade*`."""
    return _reached(tree, "downgrade", "upgrade")


def _reached(tree: ast.Module, entry: str, other: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    functions = {s.name: s for s in tree.body if isinstance(s, FUNCTION_NODES)}
    pending = [name for name in functions if name == entry or name.startswith(entry + "_")]
    reached: set[str] = set()
    while pending:
        name = pending.pop()
        if name in reached or name.startswith(other):
            continue
        reached.add(name)
        pending.extend(called for called in _called_names(functions[name]) if called in functions)
    return [function for name, function in functions.items() if name in reached]


def _called_names(function: ast.AST) -> list[str]:
    return [node.func.id for node in ast.walk(function) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]


# -- the operations --------------------------------------------------------------------------------


class _OperationVisitor(TreeVisitor):
    """Walks one upgrade or downgrade function in source order and fills in `facts` for each
    `op.*` and `batch_op.*` call, keeping track of string constants, loop variables and batch
    bindings. Every call is a schema operation (`schema_ops`); an upgrade's also define tables,
    columns and indexes for the catalog. Every fact's symbol is the function's, nested definitions
    included."""

    def __init__(self, parsed: ParsedTree, dialect: str, op_names: frozenset[str], header: _Header, function: str, down: bool) -> None:
        super().__init__(parsed.module_name)
        self.parsed = parsed
        self.dialect = dialect
        self.op_names = op_names
        self.revision = header.revision
        self.column_groups = header.column_groups
        self.function_symbol = f"{parsed.module_name}.{function}"
        self.names: dict[str, tuple[str, ...]] = dict(header.constants)
        self.sequences: dict[str, tuple[str, ...]] = dict(header.sequences)
        self.batches: dict[str, tuple[str, ...]] = {}  # batch_op name -> tables
        self.saved: list[list[tuple[dict[str, tuple[str, ...]], str, tuple[str, ...] | None]]] = []
        self.facts: list[Fact] = []
        self.down = down
        self.ops = AlembicOps(parsed.path, parsed.source, self.function_symbol, header.revision, self, down)

    # bindings

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        self._assign(node)

    visit_AnnAssign = visit_Assign

    def _assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        target, value = _assignment(node)
        if target is None or value is None:
            return
        bound, listed = strings(value, self.names), sequence(value, self.sequences)
        self.names.pop(target, None)
        self.sequences.pop(target, None)
        if bound:
            self.names[target] = bound
        elif listed:
            self.sequences[target] = listed

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        bindings = []
        if isinstance(node.target, ast.Name):
            bindings.append((self.names, node.target.id, sequence(node.iter, self.sequences) or None))
        self._bind(bindings)

    def leave_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._unbind()

    visit_AsyncFor, leave_AsyncFor = visit_For, leave_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        bindings = []
        for item in node.items:
            call = item.context_expr
            if isinstance(call, ast.Call) and self._op_method(call) == "batch_alter_table" and isinstance(item.optional_vars, ast.Name):
                tables = self._tables(argument(call, 0, "table_name"), argument(call, None, "schema"))
                bindings.append((self.batches, item.optional_vars.id, tables or None))
        self._bind(bindings)

    def leave_With(self, node: ast.With | ast.AsyncWith) -> None:
        self._unbind()

    visit_AsyncWith, leave_AsyncWith = visit_With, leave_With

    def _bind(self, bindings: list[tuple[dict[str, tuple[str, ...]], str, tuple[str, ...] | None]]) -> None:
        saved = []
        for scope, name, values in bindings:
            saved.append((scope, name, scope.get(name)))
            if values:
                scope[name] = values
            else:
                scope.pop(name, None)
        self.saved.append(saved)

    def _unbind(self) -> None:
        for scope, name, previous in reversed(self.saved.pop()):
            if previous is None:
                scope.pop(name, None)
            else:
                scope[name] = previous

    # calls

    def _op_method(self, call: ast.Call) -> str | None:
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in self.op_names:
            return func.attr
        return None

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return
        method, receiver = func.attr, func.value.id
        if receiver in self.op_names and method in _TABLE_ARGUMENT:
            index, keyword = _TABLE_ARGUMENT[method]
            schema = "source_schema" if method == "create_foreign_key" else "schema"
            table_node = argument(node, index, keyword)
            tables = self._tables(table_node, argument(node, None, schema))
            if method == "drop_index" and table_node is None:
                tables = ("",)  # `op.drop_index("ix")`: the history finds its table by name
            args = Arguments(node, skip=index, skip_keyword=keyword)
            batch = False
        elif receiver in self.batches and method in _TABLE_ARGUMENT and method not in ("create_table", "drop_table", "rename_table"):
            tables = self.batches[receiver]
            args = Arguments(node)
            batch = True
        else:
            return
        for table in tables:
            if table and not self.down and method in _DEFINING:
                self.facts.extend(self._operation(method, table, args, node))
            self.facts.extend(self.ops.facts(method, table, args, node, batch))

    def _operation(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        if method == "create_table":
            return self._create_table(table, args, call)
        if method == "drop_table":
            return [self._fact(TABLE_DEF, table, call, (), "drop_table", {})]
        if method == "rename_table":
            new = self._tables(args.get(0, "new_table_name"), args.keyword("schema"))
            return [self._fact(TABLE_DEF, table, call, (), "rename_table", {"new_name": new[0]})] if len(new) == 1 else []
        if method == "add_column":
            column = args.get(0, "column")
            spec = self._column_spec(column) if isinstance(column, ast.Call) else None
            return [self._column_fact(table, spec, call, "add_column")] if spec else []
        if method == "drop_column":
            name = names_of(args.get(0, "column_name"), self.names)
            return [self._fact(COLUMN_DEF, table, call, (n,), "drop_column", {}) for n in name]
        if method == "alter_column":
            return self._alter_column(table, args, call)
        if method == "create_index":
            return self._create_index(table, args, call)
        return self._constraint(method, table, args, call)

    def _create_table(self, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        specs: list[dict[str, Any]] = []
        nodes: list[ast.Call] = []
        primary: list[str] = []
        references: dict[str, str] = {}
        unique: set[str] = set()
        dynamic = any(item.arg is None for item in call.keywords)
        items: list[tuple[ast.expr, ast.expr]] = []  # (the item, where it enters this table)
        for value in args.positional if not any(isinstance(v, ast.Starred) for v in call.args) else _in_order(args, call):
            group = self._column_group(value.value) if isinstance(value, ast.Starred) else [value]
            dynamic = dynamic or group is None
            items.extend((item, value) for item in group or [])
        for item, where in items:
            name = callee_name(item.func) if isinstance(item, ast.Call) else None
            if name == "Column":
                spec = self._column_spec(item)
                if spec is None:
                    dynamic = True
                else:
                    specs.append(spec)
                    nodes.append(where)
            elif name == "PrimaryKeyConstraint":
                primary.extend(n.lower() for n in (literal_string(value) for value in item.args) if n)
            elif name == "ForeignKeyConstraint":
                local = string_list(argument(item, 0, "columns"))
                remote = string_list(argument(item, 1, "refcolumns"))
                if local and remote and len(local) == len(remote):
                    references.update({c.lower(): r.lower() for c, r in zip(local, remote)})
            elif name == "UniqueConstraint":
                names = [literal_string(value) for value in item.args]
                if len(names) == 1 and names[0]:
                    unique.add(names[0].lower())
            elif name not in ("CheckConstraint", "Index"):
                dynamic = True  # a column built elsewhere (a helper, a shared list): not guessed
        for spec in specs:
            if spec["name"] in primary:
                spec["primary_key"] = True
                if not spec.pop("_explicit_nullable"):
                    spec["nullable"] = False
            if spec["name"] in references and "references" not in spec:
                spec["references"] = references[spec["name"]]
            if spec["name"] in unique:
                spec["unique"] = True
        extra: dict[str, Any] = {"dynamic": True} if dynamic else {}
        facts = [self._fact(TABLE_DEF, table, call, tuple(s["name"] for s in specs), "create_table", extra)]
        facts += [self._column_fact(table, spec, node, "create_table") for spec, node in zip(specs, nodes)]
        return facts

    def _column_group(self, node: ast.expr) -> list[ast.expr] | None:
        """`*timestamps()` or `*AUDIT_COLUMNS`: the module's shared columns, else None."""
        name = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args else (
            node.id if isinstance(node, ast.Name) else None)
        return self.column_groups.get(name) if name else None

    def _alter_column(self, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        names = names_of(args.get(0, "column_name"), self.names)
        extra: dict[str, Any] = {}
        nullable = literal_bool(args.keyword("nullable"))
        if nullable is not None:
            extra["nullable"] = nullable
        server_default = args.keyword("server_default")
        if server_default is not None and not is_name(server_default, "False"):
            if is_name(server_default, "None"):
                extra.update(default=None, drop_default=True)
            else:
                extra["default"] = server_default_sql(server_default, self.parsed.source)
        type_ = args.keyword("type_")
        if type_ is not None:
            extra["type"] = self._type_text(type_)
        new_names = names_of(args.keyword("new_column_name"), self.names)
        changes = [k for k in ("nullable", "server_default", "type_", "comment", "autoincrement") if args.keyword(k) is not None]
        facts = []
        for name in names:
            if changes or not new_names:  # Alembic renames last: alter the old name first
                facts.append(self._fact(COLUMN_DEF, table, call, (name,), "alter_column", extra))
            if len(new_names) == 1:
                facts.append(self._fact(COLUMN_DEF, table, call, (name,), "rename_column", {"new_name": new_names[0]}))
        return facts

    def _create_index(self, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        columns, expressions = column_names(args.get(1, "columns"))
        extra: dict[str, Any] = {}
        index = label(args.get(0, "index_name"))
        if index:
            extra["index"] = index.lower()
        if literal_bool(args.keyword("unique")):
            extra["unique"] = True
        if expressions:
            extra["expressions"] = True
        return [self._fact(ACCESS, table, call, columns, "create_index", extra)]

    def _constraint(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        position, keyword = _CONSTRAINTS[method]
        columns: tuple[str, ...] = ()
        if position is not None:
            columns, _ = column_names(args.get(position, keyword))
        extra: dict[str, Any] = {"action": method}
        name = label(args.get(0, "index_name" if method == "drop_index" else "constraint_name"))
        if name:
            extra["constraint" if method != "drop_index" else "index"] = name.lower()
        if method == "create_foreign_key":
            referent = self._tables(args.get(1, "referent_table"), args.keyword("referent_schema"))
            remote, _ = column_names(args.get(3, "remote_cols"))
            if len(referent) == 1:
                extra["referent"] = referent[0]
            extra["remote_columns"] = list(remote)
        return [self._fact(ACCESS, table, call, columns, "ddl", extra)]

    # facts

    def _fact(self, kind: str, table: str, node: ast.expr, columns: tuple[str, ...], detail: str, extra: dict[str, Any]) -> Fact:
        location = Location(self.parsed.path, node.lineno, node.end_lineno, symbol=self.function_symbol)
        snippet = snippet_of(self.parsed.source.segment(node))
        return Fact(kind, table, location, columns, SCHEMA, detail, VIA, HIGH, snippet, {**extra, "revision": self.revision})

    def _column_fact(self, table: str, spec: dict[str, Any], node: ast.expr, detail: str) -> Fact:
        extra = {k: v for k, v in spec.items() if k not in ("name", "_explicit_nullable")}
        return self._fact(COLUMN_DEF, table, node, (spec["name"],), detail, extra)

    # SQLAlchemy expressions

    def _column_spec(self, call: ast.Call) -> dict[str, Any] | None:
        """`sa.Column("status", sa.String(20), nullable=False, server_default="new")` as a column
        spec; None when the call is not a Column or its name is not a literal."""
        if callee_name(call.func) != "Column":
            return None
        positional = positional_args(call)
        name = literal_string(positional[0]) if positional else literal_string(argument(call, None, "name"))
        if not name:
            return None
        items = positional[1:]
        type_node = argument(call, None, "type_")
        if type_node is None and items and not _is_schema_item(items[0]):
            type_node = items[0]
        primary_key = bool(literal_bool(argument(call, None, "primary_key")))
        nullable_node = argument(call, None, "nullable")
        nullable = literal_bool(nullable_node) if nullable_node is not None else not primary_key
        server_default = argument(call, None, "server_default")
        spec: dict[str, Any] = {
            "name": name.lower(),
            "type": self._type_text(type_node) if type_node is not None else None,
            "nullable": nullable,
            "default": server_default_sql(server_default, self.parsed.source),
            "primary_key": primary_key,
            "_explicit_nullable": nullable_node is not None,
        }
        if literal_bool(argument(call, None, "unique")):
            spec["unique"] = True
        for item in items:
            kind = callee_name(item.func) if isinstance(item, ast.Call) else None
            if kind == "ForeignKey" and isinstance(item, ast.Call):
                target = literal_string(argument(item, 0, "column"))
                if target:
                    spec["references"] = target.lower()
            elif kind == "Identity":
                spec["identity"] = True
        return spec

    def _type_text(self, node: ast.expr) -> str:
        """A type as written, without its module: `sa.String(20)` -> "String(20)",
        `sa.Integer()` -> "Integer", `postgresql.ARRAY(sa.Text())` -> "ARRAY(Text)"."""
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            if dotted_name(node) is not None:
                return node.attr
            return f"{self._type_text(node.value)}.{node.attr}"
        if isinstance(node, ast.Call):
            head = self._type_text(node.func)
            parts = []
            for arg in call_args(node):
                value = self._type_text(arg.value)
                if arg.keyword is not None:
                    value = f"{arg.keyword}={value}"
                parts.append(f"{arg.star}{value}")
            return f"{head}({', '.join(parts)})" if parts else head
        return self.parsed.source.segment(node)

    def _tables(self, node: ast.expr | None, schema_node: ast.expr | None) -> tuple[str, ...]:
        """The table(s) an argument names, lower-cased, with a non-default schema in front."""
        names = names_of(node, self.names)
        schemas = names_of(schema_node, self.names) if schema_node is not None and not is_name(schema_node, "None") else ("",)
        if len(schemas) != 1:
            return ()
        schema = schemas[0] if schemas[0] != DEFAULT_SCHEMAS.get(self.dialect) else ""
        return tuple(f"{schema}.{name}" if schema else name for name in names)


def _in_order(args: Arguments, call: ast.Call) -> list[ast.expr]:
    """The call's positional arguments with its `*spread` ones in place, the table argument out."""
    kept = {id(value) for value in args.positional}
    return [value for value in call.args if isinstance(value, ast.Starred) or id(value) in kept]


def _is_schema_item(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and callee_name(node.func) in _SCHEMA_ITEMS


def revision_of(tree: ast.Module) -> str | None:
    """The `revision` a module assigns at top level, if it is an Alembic revision file."""
    header = _Header.of(tree)
    return header.revision if header.has_down_revision else None


__all__ = ["ALEMBIC_MIGRATIONS", "analyse_alembic", "downgrade_functions", "revision_of", "upgrade_functions", "wants_alembic"]
