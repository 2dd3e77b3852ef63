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
level, and most of a service module's lines are in function bodies. Nothing here imports or runs
the scanned code.

This module decides which classes and tables are models and emits the facts; reading their
column declarations is `columns`' job, recognising exposures `exposures`',
and knowing what the module's names stand for `names`'.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from depmap.model import COLUMN_DEF, HIGH, SCHEMA, TABLE_DEF, Fact, Location
from depmap.orm.symbols import EXPOSURE, MODEL, TABLE_BINDING
from depmap.scan_context import ScanContext
from depmap.python.prefilter import mentions, search_word
from depmap.python.analysis import PythonAnalysis
from depmap.python.tree import ParsedTree, callee_name, dotted, dotted_name, literal_bool, literal_string, unstarred
from depmap.frameworks.sqlalchemy.columns import ColumnReader, column_spec, public_field
from depmap.frameworks.sqlalchemy.exposures import exposure_extra
from depmap.frameworks.sqlalchemy.expressions import class_bases, dict_items, keyword, python_snippet
from depmap.frameworks.sqlalchemy.table_items import core_table_ops, table_items
from depmap.frameworks.sqlalchemy.names import (
    SA_PACKAGES, ClassInfo, CoreTable, GatherSqlalchemyVisitor, ModuleNames, single_assignment,
)  # fmt: skip
from depmap.sql.names import DEFAULT_SCHEMAS

# marshmallow-sqlalchemy's schema bases: a project often re-exports them (`ma.ModelSchema` of
# `from app import ma`), so the file itself need not mention sqlalchemy.
_SCHEMA_WORDS = ("ModelSchema", "SQLAlchemySchema", "SQLAlchemyAutoSchema", "TableSchema")
_DEFINING_WORDS = ("sqlmodel", "SQLModel", "__tablename__", "mapped_column", "from_attributes", "orm_mode", *_SCHEMA_WORDS)
_COLUMN_CALL = re.compile(r"Column\(")
_FLASK_MODEL = re.compile(r"db\.Model\b")

DECLARATIVE_ROOTS = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
NEUTRAL_BASES = frozenset({"object", "MappedAsDataclass", "AsyncAttrs", "Generic", "Protocol"})


def analyse_sqlalchemy_models(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """MODEL, TABLE_BINDING, EXPOSURE, and Core `table_def`/`column_def` facts of one file (unsorted)."""
    names = ModuleNames.of(parsed.tree, parsed.module_name)
    return GatherModelsVisitor(parsed, names, ctx.dialect).gather()


def might_define_models(text: str) -> bool:
    return (
        mentions(text, "sqlalchemy")
        or any(word in text for word in _DEFINING_WORDS)
        or search_word(_COLUMN_CALL, text)
        or search_word(_FLASK_MODEL, text)
    )


SQLALCHEMY_MODELS = PythonAnalysis("sqlalchemy models", might_define_models, analyse_sqlalchemy_models)


# -- the visitor -----------------------------------------------------------------------------------


class GatherModelsVisitor(GatherSqlalchemyVisitor):
    """Fills `facts` with MODEL, EXPOSURE, TABLE_BINDING and Core table/column facts."""

    def __init__(self, parsed: ParsedTree, names: ModuleNames, dialect: str) -> None:
        super().__init__(parsed, names)
        self.dialect = dialect
        self.columns = ColumnReader(parsed.source, names)
        self.classes: dict[str, ClassInfo] = {}
        self.bindings: dict[int, str] = {}  # id(Table call) -> qualified variable name
        self.class_tables: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------------

    def location(self, node: ast.AST, symbol: str | None) -> Location:
        return Location(self.parsed.path, node.lineno, node.end_lineno, symbol=symbol)  # type: ignore[attr-defined]

    def snippet(self, node: ast.AST) -> str:
        return python_snippet(self.parsed.source.segment(node))

    def full_table(self, name: str, schema: str | None) -> str:
        return f"{schema}.{name}" if schema and schema != DEFAULT_SCHEMAS.get(self.dialect) else name

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Models and tables are defined at module and class level: function bodies, most of a
        service module, are not walked."""
        return False

    visit_AsyncFunctionDef = visit_FunctionDef

    # -- module-level names ----------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        target, value = single_assignment(node)
        if target is None or value is None or self.scopes:
            return
        self._module_assignment(node, target, value)

    visit_AnnAssign = visit_Assign

    def _module_assignment(self, node: ast.stmt, target: str, value: ast.expr) -> None:
        symbol = f"{self.module_name}.{target}"
        if isinstance(value, ast.Call) and self.names.sa_callee(value.func, {"Table"}):
            self.bindings[id(value)] = symbol
        elif self.names.declarative.get(target) == "sqlalchemy" and isinstance(value, ast.Call):
            extra = self._model_extra("sqlalchemy", symbol, [], abstract=True, root=True)
            extra["factory"] = self.names.qualify_or_written(value.func)
            self.facts.append(Fact(MODEL, "", self.location(node, symbol), via="orm", snippet=self.snippet(node), extra=extra))

    # -- Core tables -----------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if not self.names.sa_callee(node.func, {"Table"}) or id(node) in self.class_tables:
            return
        table = self.columns.core_table(node)
        if table is None:
            return
        binding = self.bindings.get(id(node))
        if binding is not None and not self.scopes:
            self.names.tables.setdefault(binding.rsplit(".", 1)[-1], table)
        self._emit_core_table(node, table, binding)

    def _emit_core_table(self, call: ast.Call, table: CoreTable, binding: str | None) -> None:
        full = self.full_table(table.name, table.schema)
        symbol = binding or self.symbol
        snippet = self.snippet(call)
        if binding is not None:
            self.facts.append(Fact(TABLE_BINDING, full, self.location(call, binding), via="orm", snippet=snippet, extra={"binding": binding}))
        reflected = keyword(call, "autoload_with") is not None or literal_bool(keyword(call, "autoload"))
        if reflected and not table.columns:
            return  # columns come from the live database: nothing to define
        names = tuple(column["name"] for column in table.columns)
        self.facts.append(Fact(TABLE_DEF, full, self.location(call, symbol), names, SCHEMA, "model_definition", "orm", HIGH, snippet))
        self.facts.extend(core_table_ops(full, call, table.columns, self.location(call, symbol), self.parsed.source, snippet))
        for column in table.columns:
            node = column["node"]
            self.facts.append(
                Fact(COLUMN_DEF, full, self.location(node, symbol), (column["name"],), SCHEMA, "model_definition", "orm", HIGH, self.snippet(node), column_spec(column, self.parsed.source))
            )

    # -- classes ---------------------------------------------------------------------------------

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        symbol = dotted(self.symbol, node.name)
        body = node.body
        for small in body:  # `__table__ = Table(...)` is the model's table, not a separate binding
            target, value = single_assignment(small)
            if target == "__table__" and isinstance(value, ast.Call):
                self.class_tables.add(id(value))
        exposure = self._exposure(node, symbol, body)
        if exposure is not None:
            self.facts.append(exposure)
            return
        self._model(node, symbol, body)

    def _model(self, node: ast.ClassDef, symbol: str, body: list[ast.stmt]) -> None:
        bases = class_bases(node)
        kinds = [self._base_kind(base) for base in bases]
        table_kw = any(item.arg == "table" and literal_bool(item.value) for item in node.keywords)
        decorators = {callee_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
        mapped_by_registry = any(isinstance(d, ast.Attribute) and dotted_name(d.value) in self.names.registries for d in node.decorator_list)
        framework, root, role = self._classify(kinds, table_kw, decorators, mapped_by_registry)
        options = self._options(body)
        sqlmodel = framework == "sqlmodel"
        fields, attributes = self.columns.fields(body, sqlmodel, options.get("table_columns") or ())
        has_table = options.get("table") is not None or options.get("__table__") or options.get("tablename_dynamic")
        if framework is None:
            if not fields and not has_table:
                self.classes[node.name] = ClassInfo(symbol, None, "unknown")
                return
            framework = "sqlmodel" if table_kw else "sqlalchemy"
            unknown_bases = any(kind == "unknown" for kind in kinds)
            looks_mixin = not has_table and (not unknown_bases or node.name.endswith("Mixin"))
            role = "mixin" if looks_mixin else "model"
        abstract = role in ("base", "abstract", "mixin") or bool(options.get("abstract"))
        extra = self._model_extra(framework, symbol, [self._base_name(base) for base in bases], abstract=abstract, root=root)
        extra.update(table=options.get("table"), schema=options.get("schema"), fields=[public_field(f) for f in fields], attributes=attributes)
        extra["attribute_lines"] = self.columns.attribute_lines(body, attributes)
        if options.get("table_binding"):
            extra["table_binding"] = options["table_binding"]
        if options.get("schema_items"):
            extra["schema_items"] = options["schema_items"]
        table = self.full_table(options["table"], options.get("schema")) if options.get("table") else ""
        arguments = ", ".join(self.columns.code(arg) for arg in (*node.bases, *node.keywords))
        snippet = f"class {node.name}({arguments}):" if arguments else f"class {node.name}:"
        self.facts.append(Fact(MODEL, table, self.location(node, symbol), via="orm", snippet=snippet, extra=extra))
        if role != "base":
            role = ("mixin" if role == "mixin" else "abstract") if abstract else "model"
        self.classes[node.name] = ClassInfo(symbol, framework, role, [f["name"] for f in fields])

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

    def _base_kind(self, base: ast.expr) -> Any:
        """"declarative_root" | "sqlalchemy" | "flask_sqlalchemy" | "sqlmodel" | "neutral" |
        "unknown" | the ClassInfo of a class of this file."""
        text = dotted_name(base)
        if text is None:
            return "neutral" if isinstance(base, ast.Subscript) else "unknown"
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
        if last == "Model" and "." in text and self.names.is_flask_db(base.value if isinstance(base, ast.Attribute) else base):
            return "flask_sqlalchemy"
        if last in NEUTRAL_BASES:
            return "neutral"
        return "unknown"

    def _base_name(self, base: ast.expr) -> str:
        text = dotted_name(base)
        if text is not None and text in self.classes:
            return self.classes[text].symbol
        return self.names.qualify(base) or text or self.columns.code(base)

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

    def _options(self, body: list[ast.stmt]) -> dict[str, Any]:
        """`__tablename__`, `__table__`, `__table_args__` schema, `__abstract__`."""
        options: dict[str, Any] = {}
        for small in body:
            if isinstance(small, (ast.FunctionDef, ast.AsyncFunctionDef)) and small.name == "__tablename__":
                options["tablename_dynamic"] = True  # @declared_attr: computed, the linker decides
            target, value = single_assignment(small)
            if target == "__tablename__":
                options["table"] = literal_string(value)
                options["tablename_dynamic"] = options["table"] is None
            elif target == "__abstract__":
                options["abstract"] = literal_bool(value)
            elif target == "__table_args__":
                schema = _table_args_schema(value)
                if schema is not None:
                    options["schema"] = schema
                items = table_items(list(value.elts) if isinstance(value, ast.Tuple) else [], self.parsed.source)
                if items:
                    options["schema_items"] = items
            elif target == "__table__":
                options["__table__"] = True
                table = self.columns.core_table(value) if isinstance(value, ast.Call) and self.names.sa_callee(value.func, {"Table"}) else None
                if table is None and isinstance(value, ast.Name):
                    table = self.names.tables.get(value.id)
                    if table is None:
                        options["table_binding"] = self.names.qualify_or_written(value)
                if table is not None:
                    options["table"], options["schema"] = table.name, table.schema
                    options["table_columns"] = table.columns
        return options

    # -- exposure --------------------------------------------------------------------------------

    def _exposure(self, node: ast.ClassDef, symbol: str, body: list[ast.stmt]) -> Fact | None:
        extra = exposure_extra(node, body, self.classes, self.names)
        if extra is None:
            return None
        self.classes[node.name] = ClassInfo(symbol, None, "exposure", list(extra["fields"]) if isinstance(extra["fields"], list) else [])
        return Fact(EXPOSURE, "", self.location(node, symbol), access="read", detail="schema", via="orm", snippet=f"class {node.name}:", extra=extra)


def _table_args_schema(node: ast.expr | None) -> str | None:
    """`{"schema": "sales"}` or `(UniqueConstraint(...), {"schema": "sales"})`."""
    if isinstance(node, ast.Tuple) and node.elts:
        node = unstarred(node.elts[-1])
    if isinstance(node, ast.Dict):
        for key, value in dict_items(node):
            if literal_string(key) == "schema":
                return literal_string(value)
    if isinstance(node, ast.Call) and callee_name(node.func) == "dict":
        return literal_string(keyword(node, "schema"))
    return None


__all__ = ["SQLALCHEMY_MODELS", "ModuleNames", "analyse_sqlalchemy_models", "might_define_models", "python_snippet"]
