"""What the names of one module stand for, as far as SQLAlchemy is concerned.

Both SQLAlchemy analyses must agree on which names are SQLAlchemy's (`Column`, `db.Column`,
`sa.select`, not `pyspark.sql.Column`), which are declarative bases, Flask-SQLAlchemy objects or
Core tables made in this module, and how a written name qualifies through the imports. This module
answers that once, from the module-level statements, for the models and the queries analyses
alike; it also holds the small statement helpers (top-level statements, class bodies, single
assignments) both of them walk with, and the visitor base both of them gather facts with.
Both read the standard library's `ast` trees (`depmap.python.tree`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from depmap.model import Fact
from depmap.python.imports import ImportTable
from depmap.python.tree import FUNCTION_NODES, ParsedTree, TreeVisitor, callee_name, dotted_name, single_assignment, top_level

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
    annotated: dict[str, ast.Subscript] = field(default_factory=dict)  # `intpk = Annotated[int, mapped_column(...)]`

    @classmethod
    def of(cls, tree: ast.Module, module_name: str) -> ModuleNames:
        names = cls(ImportTable.of(tree, module_name), module_name)
        names.sa_imported = any(value.startswith(SA_PACKAGES) for value in names.imports.names.values())
        for local, value in names.imports.names.items():
            if value.rsplit(".", 1)[-1] == "db" and not value.startswith(SA_PACKAGES):
                names.flask_dbs.add(local)  # `from app.extensions import db`
        statements = list(top_level(tree.body))
        names.functions.update(s.name for s in statements if isinstance(s, FUNCTION_NODES))
        for statement in statements:
            target, value = single_assignment(statement)
            if target is not None and value is not None:
                names._bind(target, value)
        return names

    def _bind(self, target: str, value: ast.expr) -> None:
        if isinstance(value, ast.Call):
            name = callee_name(value.func)
            if name == "SQLAlchemy":
                self.flask_dbs.add(target)
            elif name in BASE_FACTORIES:
                self.declarative[target] = "sqlalchemy"
            elif name == "registry" and self.sa_callee(value.func, {"registry"}):
                self.registries.add(target)
            elif name == "Table" and self.sa_callee(value.func, {"Table"}):
                self.table_vars.add(target)
        elif isinstance(value, ast.Attribute) and value.attr == "Model" and self.is_flask_db(value.value):
            self.declarative[target] = "flask_sqlalchemy"  # `Model = db.Model`
        elif isinstance(value, ast.Subscript) and callee_name(value.value) == "Annotated":
            self.annotated[target] = value

    def is_flask_db(self, node: ast.expr) -> bool:
        text = dotted_name(node)
        return text is not None and (text in self.flask_dbs or text == "db")

    def qualify(self, node: ast.expr | None) -> str | None:
        text = dotted_name(node)
        return None if text is None else self._qualify_dotted(text)

    def _qualify_dotted(self, text: str) -> str | None:
        head = text.split(".")[0]
        if head in self.declarative or head in self.table_vars or head in self.flask_dbs and head not in self.imports.names:
            return f"{self.module_name}.{text}"
        return self.imports.qualify_text(text)

    def qualify_or_written(self, node: ast.expr) -> str:
        return self.qualify(node) or dotted_name(node) or ""

    def qualify_text(self, text: str) -> str:
        """A class named in a string ("Customer", "app.models.Customer"): qualified when bound."""
        if _DOTTED.fullmatch(text):
            head, _, rest = text.partition(".")
            qualified = self._qualify_dotted(head)
            if qualified is not None:
                return f"{qualified}.{rest}" if rest else qualified
        return text

    def sa_callee(self, func: ast.expr, wanted: frozenset[str] | set[str]) -> str | None:
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


@dataclass
class ClassInfo:
    """What later classes of the same file need to know about an earlier one."""

    symbol: str
    framework: str | None  # None: not an ORM class
    role: str  # "base" | "model" | "abstract" | "mixin" (no framework base) | "unknown" | "exposure"
    fields: list[str] = field(default_factory=list)


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


class GatherSqlalchemyVisitor(TreeVisitor):
    """What the models and the queries visitors start from: one parsed module (its nodes carry
    their lines) and what its names stand for. Subclasses fill in `facts` as they visit;
    `gather()` walks the whole module once and returns them (unsorted)."""

    def __init__(self, parsed: ParsedTree, names: ModuleNames) -> None:
        super().__init__(parsed.module_name)
        self.parsed = parsed
        self.names = names
        self.facts: list[Fact] = []

    def gather(self) -> list[Fact]:
        self.walk(self.parsed.tree)
        return self.facts


__all__ = [
    "BASE_FACTORIES", "SA_PACKAGES", "ClassInfo", "CoreTable", "GatherSqlalchemyVisitor", "ModuleNames",
    "is_dunder", "single_assignment", "top_level",
]  # fmt: skip
