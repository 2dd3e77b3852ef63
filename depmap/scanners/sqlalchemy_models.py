"""SQLAlchemy, Flask-SQLAlchemy and SQLModel definitions: models, Core tables, schemas.

`analyse_sqlalchemy_models` reads one parsed file and emits the symbolic facts of
`depmap.orm.symbols` (the linker resolves them once every file is scanned):

- MODEL for each declarative class: subclasses of a `declarative_base()` / `registry().generate_base()`
  / `automap_base()` result, of `DeclarativeBase` (the base itself: abstract), of Flask-SQLAlchemy's
  `db.Model`, SQLModel classes (`table=True` makes a table; without it a schema: abstract), classes
  mapped with `@registry.mapped`, and any class that declares columns or a `__tablename__` even
  when its base comes from another file (`is_model_root` False: the linker follows the chain).
  Mixins with columns and no table are abstract. A module-level `Base = declarative_base()` is
  itself reported as an abstract root MODEL (with `extra["factory"]`), so that classes in other
  files deriving from `app.db.Base` can be linked to it.
- Fields: `Column(...)` / `Column("db_name", ...)`, `mapped_column(...)`, bare `Mapped[...]`
  annotations (nullability from `Optional[...]` / `X | None`), `Annotated` aliases holding a
  `mapped_column`, `ForeignKey("customers.id")` (kind "foreign_key", `references` keeps the
  target text), `relationship(...)` (kind "relationship"), SQLModel annotations with `Field(...)`
  / `Relationship(...)`, and `@declared_attr` methods returning one of those.
- Core `Table("orders", metadata, Column(...), ..., schema=...)`: `table_def` + `column_def` facts
  (detail "model_definition"), and a TABLE_BINDING when assigned to a module-level name.
- EXPOSURE for marshmallow-sqlalchemy schemas (`SQLAlchemyAutoSchema` exposes every column:
  automatic) and for pydantic classes read from ORM objects (`from_attributes` / `orm_mode`).

Every field dict also carries `references` (the ForeignKey target as written, or None). A MODEL
fact's `table` is the table as the catalog names it (`schema.name`, the dialect's default schema
dropped) when `__tablename__`/`__table__` gives it literally; `extra["table"]`/`["schema"]` keep
the parts. Function bodies are not walked: models and tables are defined at module and class
level, and a walk costs as much as the parse. Nothing here imports or runs the scanned code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from depmap.model import COLUMN_DEF, HIGH, SCHEMA, TABLE_DEF, Fact, Location
from depmap.orm.symbols import EXPOSURE, MODEL, TABLE_BINDING
from depmap.scanners.context import ScanContext
from depmap.scanners.python import PythonAnalysis
from depmap.scanners.python_imports import ImportTable
from depmap.scanners.python_source import ParsedModule, Positions, ScopedVisitor, callee_name, dotted, dotted_name
from depmap.sql.facts import snippet_of
from depmap.sql.names import DEFAULT_SCHEMAS

MIGHT_DEFINE = re.compile(
    r"(?i:sqlalchemy)|sqlmodel|SQLModel|__tablename__|mapped_column|\bColumn\(|\bdb\.Model\b|from_attributes|orm_mode"
)

SA_PACKAGES = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")
COLUMN_CALLS = frozenset({"Column", "mapped_column"})
COLUMN_WRAPPERS = frozenset({"deferred", "column_property"})  # deferred(Column(...)) is still a column
RELATIONSHIP_CALLS = frozenset({"relationship", "relation"})
BASE_FACTORIES = frozenset({"declarative_base", "generate_base", "automap_base"})
DECLARATIVE_ROOTS = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
NEUTRAL_BASES = frozenset({"object", "MappedAsDataclass", "AsyncAttrs", "Generic", "Protocol"})
MAPPED_NAMES = frozenset({"Mapped", "WriteOnlyMapped", "DynamicMapped"})
TABLE_OPTIONS = frozenset({"__tablename__", "__table__", "__table_args__", "__abstract__", "__mapper_args__"})
AUTO_SCHEMAS = frozenset({"SQLAlchemyAutoSchema", "ModelSchema", "TableSchema"})
MANUAL_SCHEMAS = frozenset({"SQLAlchemySchema"})


def analyse_sqlalchemy_models(parsed: ParsedModule, positions: Positions, ctx: ScanContext) -> list[Fact]:
    """MODEL, TABLE_BINDING, EXPOSURE, and Core `table_def`/`column_def` facts of one file (unsorted)."""
    names = ModuleNames.of(parsed.module, parsed.module_name)
    visitor = GatherModelsVisitor(parsed, positions, names, ctx.dialect)
    parsed.module.visit(visitor)
    return visitor.facts


def might_define_models(text: str) -> bool:
    return MIGHT_DEFINE.search(text) is not None


SQLALCHEMY_MODELS = PythonAnalysis("sqlalchemy models", might_define_models, analyse_sqlalchemy_models)


# -- names of one module ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CoreTable:
    """A Core `Table(...)` assigned to a module-level name."""

    name: str
    schema: str | None
    columns: tuple[dict[str, Any], ...]


@dataclass
class ModuleNames:
    """What the module-level statements say about names: imports, SQLAlchemy objects made here
    (`Base = declarative_base()`, `db = SQLAlchemy()`, `t = Table(...)`), local functions."""

    imports: ImportTable
    module_name: str
    sa_imported: bool = False
    flask_dbs: set[str] = field(default_factory=set)
    declarative: dict[str, str] = field(default_factory=dict)  # local name -> framework
    registries: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    table_vars: set[str] = field(default_factory=set)  # module-level `orders = Table("orders", ...)`
    tables: dict[str, CoreTable] = field(default_factory=dict)  # filled in by the models visitor
    annotated: dict[str, cst.Subscript] = field(default_factory=dict)  # `intpk = Annotated[int, mapped_column(...)]`

    @classmethod
    def of(cls, module: cst.Module, module_name: str) -> ModuleNames:
        names = cls(ImportTable.of(module, module_name), module_name)
        names.sa_imported = any(value.startswith(SA_PACKAGES) for value in names.imports.names.values())
        for local, value in names.imports.names.items():
            if value.rsplit(".", 1)[-1] == "db" and not value.startswith(SA_PACKAGES):
                names.flask_dbs.add(local)  # `from app.extensions import db`
        statements = list(top_level(module.body))
        names.functions.update(s.name.value for s in statements if isinstance(s, cst.FunctionDef))
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    target, value = _single_assignment(small)
                    if target is not None and value is not None:
                        names._bind(target, value)
        return names

    def _bind(self, target: str, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Call):
            name = callee_name(value.func)
            if name == "SQLAlchemy":
                self.flask_dbs.add(target)
            elif name in BASE_FACTORIES:
                self.declarative[target] = "sqlalchemy"
            elif name == "registry" and self.sa_callee(value.func, {"registry"}):
                self.registries.add(target)
            elif name == "Table" and self.sa_callee(value.func, {"Table"}):
                self.table_vars.add(target)
        elif isinstance(value, cst.Attribute) and value.attr.value == "Model" and self.is_flask_db(value.value):
            self.declarative[target] = "flask_sqlalchemy"  # `Model = db.Model`
        elif isinstance(value, cst.Subscript) and callee_name(value.value) == "Annotated":
            self.annotated[target] = value

    def is_flask_db(self, node: cst.BaseExpression) -> bool:
        text = dotted_name(node)
        return text is not None and (text in self.flask_dbs or text == "db")

    def qualify(self, node: cst.BaseExpression | None) -> str | None:
        text = dotted_name(node)
        if text is None:
            return None
        head = text.split(".")[0]
        if head in self.declarative or head in self.table_vars or head in self.flask_dbs and head not in self.imports.names:
            return f"{self.module_name}.{text}"
        return self.imports.qualify_text(text)

    def qualify_or_written(self, node: cst.BaseExpression) -> str:
        return self.qualify(node) or dotted_name(node) or ""

    def qualify_text(self, text: str) -> str:
        """A class named in a string ("Customer", "app.models.Customer"): qualified when bound."""
        if _DOTTED.fullmatch(text):
            head, _, rest = text.partition(".")
            qualified = self.qualify(cst.Name(head))
            if qualified is not None:
                return f"{qualified}.{rest}" if rest else qualified
        return text

    def sa_callee(self, func: cst.BaseExpression, wanted: frozenset[str] | set[str]) -> str | None:
        """The SQLAlchemy callable `func` names (its last part), if it is one of `wanted`:
        `Column`, `sa.Column`, `db.Column`, `orm.mapped_column`; not `pyspark.sql.Column`."""
        text = dotted_name(func)
        if text is None:
            return None
        head = text.split(".")[0]
        if text.count(".") == 1 and (head in self.flask_dbs or head == "db"):  # Flask-SQLAlchemy `db.Column`
            name = text.rsplit(".", 1)[-1]
            return name if name in wanted else None
        qualified = self.imports.qualify_text(text)
        if qualified is not None:  # `from sqlalchemy.dialects.postgresql import insert as pg_insert`
            name = qualified.rsplit(".", 1)[-1]
            return name if name in wanted and qualified.startswith(SA_PACKAGES) else None
        name = text.rsplit(".", 1)[-1]
        if name not in wanted:
            return None
        return name if "." not in text and self.sa_imported and name not in self.functions else None


_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def top_level(body: Any) -> Iterator[cst.CSTNode]:
    """Module statements, looking into `if`/`try` blocks (TYPE_CHECKING, optional imports)."""
    for statement in body:
        if isinstance(statement, (cst.If, cst.Try)):
            yield from top_level(statement.body.body)
        else:
            yield statement


def _single_assignment(small: cst.BaseSmallStatement) -> tuple[str | None, cst.BaseExpression | None]:
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
        return small.target.value, small.value
    return None, None


# -- expressions -----------------------------------------------------------------------------------


def string_value(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def bool_value(node: cst.BaseExpression | None) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def positional(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def subscript_items(node: cst.Subscript) -> list[cst.BaseExpression]:
    return [element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)]


def parse_annotation(node: cst.BaseExpression) -> cst.BaseExpression:
    """A string annotation ("Customer", "Mapped[int]") as the expression it names."""
    text = string_value(node)
    if text is None:
        return node
    try:
        return cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return node


def unwrap_optional(node: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    """`Optional[X]`, `Union[X, None]`, `X | None` -> (X, True); anything else -> (node, False)."""
    node = parse_annotation(node)
    if isinstance(node, cst.Subscript):
        name = callee_name(node.value)
        items = subscript_items(node)
        if name == "Optional" and len(items) == 1:
            return items[0], True
        if name == "Union":
            rest = [item for item in items if not _is_none(item)]
            if len(rest) < len(items):
                return (rest[0] if len(rest) == 1 else node), True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        parts = _union_parts(node)
        rest = [part for part in parts if not _is_none(part)]
        if len(rest) < len(parts):
            return (rest[0] if len(rest) == 1 else node), True
    return node, False


def _union_parts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union_parts(node.left) + _union_parts(node.right)
    return [node]


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None" or string_value(node) == "None"


def target_class(node: cst.BaseExpression) -> cst.BaseExpression:
    """The class a relationship annotation names: `list["Hero"]`, `Optional[Team]`, `"Team"`."""
    node, _ = unwrap_optional(node)
    while isinstance(node, cst.Subscript) and callee_name(node.value) in {"list", "List", "set", "Set", "Sequence"}:
        items = subscript_items(node)
        if len(items) != 1:
            break
        node, _ = unwrap_optional(items[0])
    return node


# -- the visitor -----------------------------------------------------------------------------------


@dataclass
class ClassInfo:
    """What later classes of the same file need to know about an earlier one."""

    symbol: str
    framework: str | None  # None: not an ORM class
    role: str  # "base" | "model" | "abstract" | "mixin" (no framework base) | "unknown" | "exposure"
    fields: list[str] = field(default_factory=list)


class GatherModelsVisitor(ScopedVisitor):
    """Fills `facts` with MODEL, EXPOSURE, TABLE_BINDING and Core table/column facts."""

    def __init__(self, parsed: ParsedModule, positions: Positions, names: ModuleNames, dialect: str) -> None:
        super().__init__(parsed.module_name)
        self.parsed = parsed
        self.positions = positions
        self.names = names
        self.dialect = dialect
        self.facts: list[Fact] = []
        self.classes: dict[str, ClassInfo] = {}
        self.bindings: dict[int, str] = {}  # id(Table call) -> qualified variable name
        self.class_tables: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------------

    def code(self, node: cst.CSTNode) -> str:
        return " ".join(self.parsed.module.code_for_node(node).split())

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def location(self, node: cst.CSTNode, symbol: str | None) -> Location:
        where = self.positions[node]
        return Location(self.parsed.path, where.start.line, where.end.line, symbol=symbol)

    def full_table(self, name: str, schema: str | None) -> str:
        return f"{schema}.{name}" if schema and schema != DEFAULT_SCHEMAS.get(self.dialect) else name

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        """Models and tables are defined at module and class level: function bodies, most of a
        service module, are not walked (a libcst walk costs as much as the parse, PERFORMANCE.md)."""
        return False

    # -- module-level names ----------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        target, value = _single_assignment(node)
        if target is None or self.scopes:
            return
        self._module_assignment(node, target, value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        target, value = _single_assignment(node)
        if target is None or self.scopes:
            return
        self._module_assignment(node, target, value)

    def _module_assignment(self, node: cst.CSTNode, target: str, value: cst.BaseExpression) -> None:
        symbol = f"{self.module_name}.{target}"
        if isinstance(value, cst.Call) and self.names.sa_callee(value.func, {"Table"}):
            self.bindings[id(value)] = symbol
        elif self.names.declarative.get(target) == "sqlalchemy" and isinstance(value, cst.Call):
            extra = self._model_extra("sqlalchemy", symbol, [], abstract=True, root=True)
            extra["factory"] = self.names.qualify_or_written(value.func)
            self.facts.append(Fact(MODEL, "", self.location(node, symbol), via="orm", snippet=python_snippet(self.parsed.module.code_for_node(node)), extra=extra))

    # -- Core tables -----------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if not self.names.sa_callee(node.func, {"Table"}) or id(node) in self.class_tables:
            return
        table = self.core_table(node)
        if table is None:
            return
        binding = self.bindings.get(id(node))
        if binding is not None and not self.scopes:
            self.names.tables.setdefault(binding.rsplit(".", 1)[-1], table)
        self._emit_core_table(node, table, binding)

    def core_table(self, call: cst.Call) -> CoreTable | None:
        args = positional(call)
        name = string_value(args[0]) if args else string_value(keyword(call, "name"))
        if name is None:
            return None
        columns = []
        for arg in args[1:]:  # after the metadata (Flask-SQLAlchemy's `db.Table` has none)
            if isinstance(arg, cst.Call) and self.names.sa_callee(arg.func, COLUMN_CALLS):
                column = self.column(arg)
                if column.get("db_column"):
                    column["name"], column["db_column"] = column["db_column"], None
                    if column["nullable"] is None and column["primary_key"]:
                        column["nullable"] = False
                    columns.append(column)
        return CoreTable(name, string_value(keyword(call, "schema")), tuple(columns))

    def _emit_core_table(self, call: cst.Call, table: CoreTable, binding: str | None) -> None:
        full = self.full_table(table.name, table.schema)
        symbol = binding or self.symbol
        snippet = python_snippet(self.parsed.module.code_for_node(call))
        if binding is not None:
            self.facts.append(Fact(TABLE_BINDING, full, self.location(call, binding), via="orm", snippet=snippet, extra={"binding": binding}))
        reflected = keyword(call, "autoload_with") is not None or bool_value(keyword(call, "autoload"))
        if reflected and not table.columns:
            return  # columns come from the live database: nothing to define
        names = tuple(column["name"] for column in table.columns)
        self.facts.append(Fact(TABLE_DEF, full, self.location(call, symbol), names, SCHEMA, "model_definition", "orm", HIGH, snippet))
        for column in table.columns:
            node = column["node"]
            self.facts.append(
                Fact(COLUMN_DEF, full, self.location(node, symbol), (column["name"],), SCHEMA, "model_definition", "orm", HIGH, python_snippet(self.parsed.module.code_for_node(node)), column_spec(column))
            )

    # -- columns ---------------------------------------------------------------------------------

    def column(self, call: cst.Call) -> dict[str, Any]:
        """What `Column(...)` / `mapped_column(...)` says, as a field dict, plus working keys
        ("node": the call, for its line; "_server_default": the expression, for Core tables)."""
        info: dict[str, Any] = _empty_field()
        info["node"] = call
        args = positional(call)
        if args and string_value(args[0]) is not None:
            info["db_column"] = string_value(args[0])
            args = args[1:]
        for arg in args:
            if isinstance(arg, cst.Call) and self.names.sa_callee(arg.func, {"ForeignKey"}):
                target = positional(arg)[0] if positional(arg) else keyword(arg, "column")
                if target is not None:
                    info["kind"], info["references"] = "foreign_key", string_value(target) or self.code(target)
            elif isinstance(arg, cst.Call) and callee_name(arg.func) in {"Sequence", "Identity", "Computed", "CheckConstraint", "FetchedValue"}:
                continue
            elif info["type"] is None:
                info["type"] = self.code(arg)
        self._column_keywords(call, info)
        return info

    def _column_keywords(self, call: cst.Call, info: dict[str, Any]) -> None:
        for name, key in (("name", "db_column"), ("type_", "type")):
            value = keyword(call, name)
            if value is not None:
                info[key] = string_value(value) if key == "db_column" else self.code(value)
        for name in ("nullable", "primary_key", "unique"):
            value = bool_value(keyword(call, name))
            if value is not None:
                info[name] = value
        for name, key in (("default", "default"), ("insert_default", "default"), ("server_default", "db_default")):
            value = keyword(call, name)
            if value is not None:
                info[key] = self.code(value)
                if key == "db_default":
                    info["_server_default"] = value

    def sqlmodel_field(self, call: cst.Call, info: dict[str, Any]) -> None:
        """SQLModel `Field(default, primary_key=, foreign_key=, nullable=, sa_column=, ...)`."""
        args = positional(call)
        default = args[0] if args else keyword(call, "default")
        if default is not None and not isinstance(default, cst.Ellipsis):
            info["default"] = self.code(default)
        factory = keyword(call, "default_factory")
        if factory is not None:
            info["default"] = self.code(factory)
        for name in ("nullable", "primary_key", "unique"):
            value = bool_value(keyword(call, name))
            if value is not None:
                info[name] = value
        foreign = keyword(call, "foreign_key")
        if foreign is not None:
            info["kind"], info["references"] = "foreign_key", string_value(foreign) or self.code(foreign)
        sa_type = keyword(call, "sa_type")
        if sa_type is not None:
            info["type"] = self.code(sa_type)
        column = keyword(call, "sa_column")
        if isinstance(column, cst.Call) and self.names.sa_callee(column.func, COLUMN_CALLS):
            found = self.column(column)
            for key, value in found.items():
                if key != "node" and value not in (None, False):
                    info[key] = value
        extra = keyword(call, "sa_column_kwargs")
        if isinstance(extra, cst.Dict):
            for element in extra.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key == "server_default":
                    info["db_default"], info["_server_default"] = self.code(element.value), element.value

    def relationship(self, call: cst.Call, annotation: cst.BaseExpression | None, info: dict[str, Any]) -> None:
        info["kind"] = "relationship"
        args = positional(call)
        target = args[0] if args else keyword(call, "argument")
        if isinstance(target, cst.Lambda):
            target = target.body
        if target is None and annotation is not None:
            target = target_class(annotation)
        if target is not None:
            text = string_value(target)
            info["related_model"] = self.names.qualify_text(text) if text is not None else self.names.qualify_or_written(target) or self.code(target)
        for name in ("back_populates", "backref"):
            value = keyword(call, name)
            if isinstance(value, cst.Call) and positional(value):  # backref("orders", lazy=...)
                value = positional(value)[0]
            if string_value(value) is not None:
                info["related_name"] = string_value(value)
        secondary = keyword(call, "secondary") or keyword(call, "link_model")
        if secondary is not None:
            text = string_value(secondary)
            info["through"] = text if text is not None else self.names.qualify_or_written(secondary) or self.code(secondary)

    # -- classes ---------------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        symbol = dotted(self.symbol, node.name.value)
        body = _class_body(node)
        for small in body:  # `__table__ = Table(...)` is the model's table, not a separate binding
            target, value = _single_assignment(small) if isinstance(small, cst.BaseSmallStatement) else (None, None)
            if target == "__table__" and isinstance(value, cst.Call):
                self.class_tables.add(id(value))
        exposure = self._exposure(node, symbol, body)
        if exposure is not None:
            self.facts.append(exposure)
            return
        self._model(node, symbol, body)

    def _model(self, node: cst.ClassDef, symbol: str, body: list[cst.CSTNode]) -> None:
        kinds = [self._base_kind(arg.value) for arg in node.bases if arg.keyword is None]
        table_kw = any(arg.keyword is not None and arg.keyword.value == "table" and bool_value(arg.value) for arg in node.keywords)
        decorators = {callee_name(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) for d in node.decorators}
        mapped_by_registry = any(
            isinstance(d.decorator, cst.Attribute) and dotted_name(d.decorator.value) in self.names.registries for d in node.decorators
        )
        framework, root, role = self._classify(kinds, table_kw, decorators, mapped_by_registry)
        options = self._options(body)
        sqlmodel = framework == "sqlmodel"
        fields, attributes = self._fields(body, sqlmodel, options.get("table_columns") or ())
        has_table = options.get("table") is not None or options.get("__table__") or options.get("tablename_dynamic")
        if framework is None:
            if not fields and not has_table:
                self.classes[node.name.value] = ClassInfo(symbol, None, "unknown")
                return
            framework = "sqlmodel" if table_kw else "sqlalchemy"
            unknown_bases = any(kind == "unknown" for kind in kinds)
            looks_mixin = not has_table and (not unknown_bases or node.name.value.endswith("Mixin"))
            role = "mixin" if looks_mixin else "model"
        abstract = role in ("base", "abstract", "mixin") or bool(options.get("abstract"))
        bases = [self._base_name(arg.value) for arg in node.bases if arg.keyword is None]
        extra = self._model_extra(framework, symbol, bases, abstract=abstract, root=root)
        extra.update(table=options.get("table"), schema=options.get("schema"), fields=[_public(f) for f in fields], attributes=attributes)
        if options.get("table_binding"):
            extra["table_binding"] = options["table_binding"]
        table = self.full_table(options["table"], options.get("schema")) if options.get("table") else ""
        arguments = ", ".join(self.code(arg).rstrip(", ") for arg in (*node.bases, *node.keywords))
        snippet = f"class {node.name.value}({arguments}):" if arguments else f"class {node.name.value}:"
        self.facts.append(Fact(MODEL, table, self.location(node, symbol), via="orm", snippet=snippet, extra=extra))
        if role != "base":
            role = ("mixin" if role == "mixin" else "abstract") if abstract else "model"
        self.classes[node.name.value] = ClassInfo(symbol, framework, role, [f["name"] for f in fields])

    def _classify(
        self, kinds: list[Any], table_kw: bool, decorators: set[str | None], mapped_by_registry: bool
    ) -> tuple[str | None, bool, str]:
        """(framework, is_model_root, role) from the kinds of the bases."""
        if "declarative_root" in kinds or "as_declarative" in decorators:
            return "sqlalchemy", True, "base"
        if mapped_by_registry:
            return "sqlalchemy", True, "model"
        for kind in ("sqlalchemy", "flask_sqlalchemy"):
            if kind in kinds:
                return kind, True, "model"
        if "sqlmodel" in kinds:
            return "sqlmodel", table_kw, "model" if table_kw else "abstract"
        for kind in kinds:
            if isinstance(kind, ClassInfo) and kind.framework is not None and kind.role != "mixin":
                if kind.framework == "sqlmodel":
                    return "sqlmodel", table_kw, "model" if table_kw else "abstract"
                if kind.role == "base":
                    return kind.framework, True, "model"
                return kind.framework, False, "model"
        return None, False, "unknown"

    def _base_kind(self, base: cst.BaseExpression) -> Any:
        """"declarative_root" | "sqlalchemy" | "flask_sqlalchemy" | "sqlmodel" | "neutral" |
        "unknown" | the ClassInfo of a class of this file."""
        text = dotted_name(base)
        if text is None:
            return "neutral" if isinstance(base, cst.Subscript) else "unknown"
        if text in self.classes:
            return self.classes[text]
        if text in self.names.declarative:
            return self.names.declarative[text]
        last = text.rsplit(".", 1)[-1]
        qualified = self.names.imports.qualify_text(text)
        from_sa = qualified is None or qualified.startswith(SA_PACKAGES)
        if last in DECLARATIVE_ROOTS and from_sa:
            return "declarative_root"
        if last == "SQLModel" and from_sa:
            return "sqlmodel"
        if last == "Model" and "." in text and self.names.is_flask_db(base.value if isinstance(base, cst.Attribute) else base):
            return "flask_sqlalchemy"
        if last in NEUTRAL_BASES:
            return "neutral"
        return "unknown"

    def _base_name(self, base: cst.BaseExpression) -> str:
        text = dotted_name(base)
        if text is not None and text in self.classes:
            return self.classes[text].symbol
        return self.names.qualify(base) or text or self.code(base)

    def _model_extra(self, framework: str, symbol: str, bases: list[str], *, abstract: bool, root: bool) -> dict[str, Any]:
        return {
            "framework": framework,
            "model": symbol,
            "bases": bases,
            "abstract": abstract,
            "proxy": False,
            "table": None,
            "schema": None,
            "app_label": None,
            "is_model_root": root,
            "fields": [],
            "attributes": [],
        }

    def _options(self, body: list[cst.CSTNode]) -> dict[str, Any]:
        """`__tablename__`, `__table__`, `__table_args__` schema, `__abstract__`."""
        options: dict[str, Any] = {}
        for small in body:
            if isinstance(small, cst.FunctionDef) and small.name.value == "__tablename__":
                options["tablename_dynamic"] = True  # @declared_attr: computed, the linker decides
            if not isinstance(small, cst.BaseSmallStatement):
                continue
            target, value = _single_assignment(small)
            if target == "__tablename__":
                options["table"] = string_value(value)
                options["tablename_dynamic"] = options["table"] is None
            elif target == "__abstract__":
                options["abstract"] = bool_value(value)
            elif target == "__table_args__":
                schema = _table_args_schema(value)
                if schema is not None:
                    options["schema"] = schema
            elif target == "__table__":
                options["__table__"] = True
                table = self.core_table(value) if isinstance(value, cst.Call) and self.names.sa_callee(value.func, {"Table"}) else None
                if table is None and isinstance(value, cst.Name):
                    table = self.names.tables.get(value.value)
                    if table is None:
                        options["table_binding"] = self.names.qualify_or_written(value)
                if table is not None:
                    options["table"], options["schema"] = table.name, table.schema
                    options["table_columns"] = table.columns
        return options

    def _fields(
        self, body: list[cst.CSTNode], sqlmodel: bool, table_columns: tuple[dict[str, Any], ...]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        fields: list[dict[str, Any]] = []
        attributes: list[str] = []
        fields.extend(dict(column, line=self.line(column["node"])) for column in table_columns)
        for small in body:
            if isinstance(small, cst.FunctionDef):
                found = self._declared_attr_field(small)
                if found is not None:
                    fields.append(found)
                elif not _dunder(small.name.value):
                    attributes.append(small.name.value)
            elif isinstance(small, cst.ClassDef):
                attributes.append(small.name.value)
            elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                target = small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else getattr(small, "target", None)
                if not isinstance(target, cst.Name) or target.value in TABLE_OPTIONS:
                    continue
                found = self._field(small, target.value, sqlmodel)
                if found is not None:
                    fields.append(found)
                elif not _dunder(target.value):
                    attributes.append(target.value)
        return fields, list(dict.fromkeys(attributes))

    def _field(self, statement: cst.Assign | cst.AnnAssign, name: str, sqlmodel: bool) -> dict[str, Any] | None:
        value = statement.value
        annotation = statement.annotation.annotation if isinstance(statement, cst.AnnAssign) else None
        if annotation is not None and callee_name(parse_annotation(annotation)) == "ClassVar":
            return None
        call = value if isinstance(value, cst.Call) else None
        while call is not None and self.names.sa_callee(call.func, COLUMN_WRAPPERS) and positional(call):
            inner = positional(call)[0]
            call = inner if isinstance(inner, cst.Call) and self.names.sa_callee(inner.func, COLUMN_CALLS) else None
        info: dict[str, Any]
        if call is not None and self.names.sa_callee(call.func, COLUMN_CALLS):
            info = self.column(call)
        elif call is not None and self.names.sa_callee(call.func, RELATIONSHIP_CALLS | {"Relationship"}):
            info = _empty_field()
            self.relationship(call, _mapped_inner(annotation) if annotation is not None and not sqlmodel else annotation, info)
        elif sqlmodel and annotation is not None and name != "model_config":
            info = _empty_field()
            if call is not None and self.names.sa_callee(call.func, {"Field"}):
                self.sqlmodel_field(call, info)
            elif value is not None:
                info["default"] = self.code(value)
        elif annotation is not None and _mapped_inner(annotation) is not None and value is None:
            info = _empty_field()
        else:
            return None
        info["name"], info["line"] = name, self.line(statement)
        if info["kind"] != "relationship" and annotation is not None:
            self._annotation_facts(annotation, info, sqlmodel)
        elif info["kind"] != "relationship" and info["nullable"] is None and info["primary_key"]:
            info["nullable"] = False
        return info

    def _annotation_facts(self, annotation: cst.BaseExpression, info: dict[str, Any], sqlmodel: bool) -> None:
        """Type and nullability from `Mapped[Optional[str]]` / SQLModel `str | None`, and the
        `mapped_column` of an `Annotated` alias."""
        inner = annotation if sqlmodel else _mapped_inner(annotation)
        if inner is None:
            return
        inner, optional = unwrap_optional(inner)
        alias = self.names.annotated.get(inner.value) if isinstance(inner, cst.Name) else None
        annotated = alias or (inner if isinstance(inner, cst.Subscript) and callee_name(inner.value) == "Annotated" else None)
        if annotated is not None:
            items = subscript_items(annotated)
            for item in items[1:]:
                if isinstance(item, cst.Call) and self.names.sa_callee(item.func, COLUMN_CALLS):
                    found = self.column(item)
                    for key, value in found.items():
                        if key not in ("node", "name", "line") and value not in (None, False) and info.get(key) in (None, False, "column"):
                            info[key] = value
            if items:
                inner, optional_inside = unwrap_optional(items[0])
                optional = optional or optional_inside
        if info["type"] is None:
            info["type"] = self.code(inner)
        if info["nullable"] is None:
            info["nullable"] = False if info["primary_key"] else optional

    def _declared_attr_field(self, function: cst.FunctionDef) -> dict[str, Any] | None:
        """`@declared_attr def customer_id(cls): return Column(ForeignKey(...))` in a mixin."""
        if not any(callee_name(d.decorator) in {"declared_attr", "directive"} or dotted_name(d.decorator) == "declared_attr.directive" for d in function.decorators):
            return None
        if _dunder(function.name.value):
            return None
        for statement in function.body.body:
            small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and statement.body else None
            if isinstance(small, cst.Return) and isinstance(small.value, cst.Call):
                call = small.value
                if self.names.sa_callee(call.func, COLUMN_CALLS):
                    info = self.column(call)
                elif self.names.sa_callee(call.func, RELATIONSHIP_CALLS):
                    info = _empty_field()
                    self.relationship(call, _mapped_inner(function.returns.annotation) if function.returns else None, info)
                else:
                    return None
                info["name"], info["line"] = function.name.value, self.line(function)
                if info["kind"] != "relationship" and function.returns is not None:
                    self._annotation_facts(function.returns.annotation, info, False)
                return info
        return None

    # -- exposure --------------------------------------------------------------------------------

    def _exposure(self, node: cst.ClassDef, symbol: str, body: list[cst.CSTNode]) -> Fact | None:
        base_names = {callee_name(arg.value) for arg in node.bases if arg.keyword is None}
        local_exposure = any(
            isinstance(self.classes.get(dotted_name(arg.value) or ""), ClassInfo) and self.classes[dotted_name(arg.value) or ""].role == "exposure"
            for arg in node.bases
        )
        meta = next((s for s in body if isinstance(s, cst.ClassDef) and s.name.value in ("Meta", "Config")), None)
        meta_values = _class_assignments(meta) if meta is not None else {}
        extra: dict[str, Any]
        if base_names & (AUTO_SCHEMAS | MANUAL_SCHEMAS):
            model_node = meta_values.get("model")
            fields = string_tuple(meta_values.get("fields"))
            exclude = string_tuple(meta_values.get("exclude")) or []
            auto = bool(base_names & AUTO_SCHEMAS)
            declared = [name for name in _class_assignments_names(body) if name not in ("Meta",)]
            if not auto:
                fields = list(dict.fromkeys([*(fields or []), *declared]))
            extra = {
                "model": self.names.qualify(model_node) if model_node is not None else None,
                "model_name": dotted_name(model_node) if model_node is not None else None,
                "fields": fields if fields is not None else "__all__",
                "exclude": exclude,
                "automatic": auto and fields is None,
            }
        elif local_exposure or self._reads_attributes(body, meta_values):
            inherited: list[str] = []
            for arg in node.bases:
                info = self.classes.get(dotted_name(arg.value) or "")
                if info is not None and info.role == "exposure":
                    inherited.extend(info.fields)
            own = [name for name in _annotated_names(body) if name != "model_config"]
            fields = list(dict.fromkeys([*inherited, *own]))
            extra = {"model": None, "model_name": None, "fields": fields, "exclude": [], "automatic": False}
        else:
            return None
        self.classes[node.name.value] = ClassInfo(symbol, None, "exposure", list(extra["fields"]) if isinstance(extra["fields"], list) else [])
        return Fact(EXPOSURE, "", self.location(node, symbol), access="read", detail="schema", via="orm", snippet=f"class {node.name.value}:", extra=extra)

    def _reads_attributes(self, body: list[cst.CSTNode], config: dict[str, cst.BaseExpression]) -> bool:
        """pydantic `model_config = ConfigDict(from_attributes=True)` or `Config.orm_mode = True`."""
        if bool_value(config.get("orm_mode")) or bool_value(config.get("from_attributes")):
            return True
        value = _class_assignments_values(body).get("model_config")
        if isinstance(value, cst.Call):
            return bool(bool_value(keyword(value, "from_attributes")))
        if isinstance(value, cst.Dict):
            return any(
                isinstance(e, cst.DictElement) and string_value(e.key) == "from_attributes" and bool_value(e.value) for e in value.elements
            )
        return False


# -- small helpers ---------------------------------------------------------------------------------


def _empty_field() -> dict[str, Any]:
    return {
        "name": "",
        "line": 0,
        "kind": "column",
        "db_column": None,
        "type": None,
        "nullable": None,
        "default": None,
        "db_default": None,
        "primary_key": False,
        "unique": False,
        "related_model": None,
        "related_name": None,
        "through": None,
        "references": None,
    }


def _public(info: dict[str, Any]) -> dict[str, Any]:
    """The field dict without the working keys (nodes)."""
    return {key: value for key, value in info.items() if key in _empty_field()}


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _class_body(node: cst.ClassDef) -> list[cst.CSTNode]:
    """The small statements and nested definitions of a class body, flattened."""
    items: list[cst.CSTNode] = []
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
    for statement in body:
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            items.extend(statement.body)
        else:
            items.append(statement)
    return items


def _class_assignments(node: cst.ClassDef) -> dict[str, cst.BaseExpression]:
    return _class_assignments_values(_class_body(node))


def _class_assignments_values(body: list[cst.CSTNode]) -> dict[str, cst.BaseExpression]:
    values: dict[str, cst.BaseExpression] = {}
    for small in body:
        if isinstance(small, (cst.Assign, cst.AnnAssign)):
            target, value = _single_assignment(small)
            if target is not None and value is not None:
                values[target] = value
    return values


def _class_assignments_names(body: list[cst.CSTNode]) -> list[str]:
    names = []
    for small in body:
        if isinstance(small, (cst.Assign, cst.AnnAssign)):
            target, _ = _single_assignment(small)
            if target is not None and not _dunder(target):
                names.append(target)
    return names


def _annotated_names(body: list[cst.CSTNode]) -> list[str]:
    names = []
    for small in body:
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            if callee_name(parse_annotation(small.annotation.annotation)) != "ClassVar":
                names.append(small.target.value)
    return names


def string_tuple(node: cst.BaseExpression | None) -> list[str] | None:
    if not isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return None
    values = [string_value(element.value) for element in node.elements]
    return [value for value in values if value is not None] if all(v is not None for v in values) else None


def _table_args_schema(node: cst.BaseExpression | None) -> str | None:
    """`{"schema": "sales"}` or `(UniqueConstraint(...), {"schema": "sales"})`."""
    if isinstance(node, cst.Tuple) and node.elements:
        node = node.elements[-1].value
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement) and string_value(element.key) == "schema":
                return string_value(element.value)
    if isinstance(node, cst.Call) and callee_name(node.func) == "dict":
        return string_value(keyword(node, "schema"))
    return None


def _mapped_inner(annotation: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """`Mapped[X]` -> X (also `orm.Mapped[...]`, "Mapped[...]" strings, WriteOnlyMapped)."""
    if annotation is None:
        return None
    annotation = parse_annotation(annotation)
    if isinstance(annotation, cst.Subscript) and callee_name(annotation.value) in MAPPED_NAMES:
        items = subscript_items(annotation)
        return items[0] if len(items) == 1 else None
    return None


def column_spec(column: dict[str, Any]) -> dict[str, Any]:
    """A Core column as the catalog's `column_def` extra: like the SQL engine's, the default is
    the database's (`server_default`), the client-side `default=` kept apart."""
    nullable = column["nullable"]
    if nullable is None:
        nullable = not column["primary_key"]
    spec: dict[str, Any] = {"type": column["type"], "nullable": nullable, "default": server_default_sql(column.get("_server_default"))}
    if column["primary_key"]:
        spec["primary_key"] = True
    if column["unique"]:
        spec["unique"] = True
    if column["references"]:
        spec["references"] = column["references"]
    if column["default"] is not None:
        spec["client_default"] = column["default"]
    return spec


def python_snippet(code: str) -> str:
    """Source of an expression on one line for listings: `# comments` dropped, trimmed."""
    kept = []
    for line in code.splitlines():
        quote = None
        escaped = False
        for index, char in enumerate(line):
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif quote is not None:
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#":
                line = line[:index]
                break
        kept.append(line)
    return snippet_of("\n".join(kept))


def server_default_sql(node: cst.BaseExpression | None) -> str | None:
    """`server_default="pending"` -> `'pending'` (SQLAlchemy quotes plain strings);
    `text("now()")` -> `now()`; `func.now()` -> `now()`."""
    if node is None:
        return None
    text = string_value(node)
    if text is not None:
        return "'" + text.replace("'", "''") + "'"
    if isinstance(node, cst.Call):
        name = callee_name(node.func)
        args = positional(node)
        if name in ("text", "literal_column") and args and string_value(args[0]) is not None:
            return string_value(args[0])
        if isinstance(node.func, cst.Attribute) and dotted_name(node.func.value) in ("func", "sa.func", "sqlalchemy.func") and not node.args:
            return f"{name}()"
    return cst.Module([]).code_for_node(node)


__all__ = ["SQLALCHEMY_MODELS", "ModuleNames", "analyse_sqlalchemy_models", "might_define_models", "python_snippet"]
