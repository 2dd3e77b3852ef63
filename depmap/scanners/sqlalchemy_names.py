"""What the names of one module stand for, as far as SQLAlchemy is concerned.

Both SQLAlchemy analyses must agree on which names are SQLAlchemy's (`Column`, `db.Column`,
`sa.select`, not `pyspark.sql.Column`), which are declarative bases, Flask-SQLAlchemy objects or
Core tables made in this module, and how a written name qualifies through the imports. This module
answers that once, from the module-level statements, for the models and the queries analyses
alike; it also holds the small statement helpers (top-level statements, class bodies, single
assignments) both of them walk with, and the visitor base both of them gather facts with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from depmap.model import Fact
from depmap.scanners.python_imports import ImportTable
from depmap.scanners.python_source import ParsedModule, Positions, ScopedVisitor, callee_name, dotted_name

SA_PACKAGES = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")
BASE_FACTORIES = frozenset({"declarative_base", "generate_base", "automap_base"})


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
                    target, value = single_assignment(small)
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
            if name not in wanted:
                return None
            if qualified.startswith(SA_PACKAGES):
                return name
            # The project's own alias, e.g. `Column = functools.partial(db.Column, nullable=False)`
            # in `app/models/base.py`, imported by name (not `db.session.delete`): same top
            # package, in a file that uses SQLAlchemy.
            same_project = qualified.split(".")[0] == self.module_name.split(".")[0]
            return name if "." not in text and same_project and (self.sa_imported or self.flask_dbs) else None
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


def single_assignment(small: cst.BaseSmallStatement) -> tuple[str | None, cst.BaseExpression | None]:
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
        return small.target.value, small.value
    return None, None


@dataclass
class ClassInfo:
    """What later classes of the same file need to know about an earlier one."""

    symbol: str
    framework: str | None  # None: not an ORM class
    role: str  # "base" | "model" | "abstract" | "mixin" (no framework base) | "unknown" | "exposure"
    fields: list[str] = field(default_factory=list)


def class_body(node: cst.ClassDef) -> list[cst.CSTNode]:
    """The small statements and nested definitions of a class body, flattened."""
    items: list[cst.CSTNode] = []
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
    for statement in body:
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            items.extend(statement.body)
        else:
            items.append(statement)
    return items


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


class GatherSqlalchemyVisitor(ScopedVisitor):
    """What the models and the queries visitors start from: one parsed module, where its nodes are,
    and what its names stand for. Subclasses fill in `facts` as they visit; `gather()` visits the
    whole module once and returns them (unsorted)."""

    def __init__(self, parsed: ParsedModule, positions: Positions, names: ModuleNames) -> None:
        super().__init__(parsed.module_name)
        self.parsed = parsed
        self.positions = positions
        self.names = names
        self.facts: list[Fact] = []

    def gather(self) -> list[Fact]:
        self.parsed.module.visit(self)
        return self.facts


__all__ = [
    "BASE_FACTORIES", "SA_PACKAGES", "ClassInfo", "CoreTable", "GatherSqlalchemyVisitor", "ModuleNames",
    "class_body", "is_dunder", "single_assignment", "top_level",
]  # fmt: skip
