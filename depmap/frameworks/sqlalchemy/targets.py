"""What an expression names at a site of a query: a model, a Core table, a column, a session.

Every part of the queries analysis asks the same questions of a name (`Order`, `models.Order`, an
`aliased()` name, `orders_table`, `metadata.tables["orders"]`, `Order.status`,
`orders_table.c.status`, `db.session`) and must answer them the same way, through the module's
imports and the local bindings of the enclosing functions. `TargetResolver` is that one answer;
`Frame` holds the bindings it consults (aliases, sessions, instances, collections), which the
queries visitor fills in as it walks.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from depmap.model import HIGH, LOW
from depmap.python.tree import SourceText, callee_name, children_in_source_order, dotted_name, literal_string, positional_args
from depmap.frameworks.sqlalchemy.names import ModuleNames

STATEMENTS = frozenset({"select", "insert", "update", "delete"})
NOT_FIELDS = frozenset({"query", "metadata", "registry", "c", "columns", "classes"})
SESSION_NAME = re.compile(r"(?i)session|^_*(?:db|sess|s|uow)$")


@dataclass(frozen=True)
class Target:
    """A model (or Core table) as named at a site."""

    written: str
    model: str | None = None
    binding: str | None = None  # Core: qualified name of the Table variable
    table: str = ""  # Core: table known literally (`metadata.tables["orders"]`)
    confidence: str = HIGH
    reason: str | None = None
    receiver: str | None = None  # "cls" / "self" / "self.model" in a mixin or generic class: bound by its caller

    @property
    def key(self) -> tuple[str | None, str | None, str, str]:
        known = self.model or self.binding or self.table
        return (self.model, self.binding, self.table, "" if known else self.written)


@dataclass(eq=False)
class Instance:
    """A local name known to hold an instance of a model."""

    target: Target
    origin: str  # "constructed" | "loaded" | "annotated" | "self" (in a method of the model) |
    # "receiver" (`self` of a mixin or generic class: its caller's row)
    confidence: str
    fields: list[str] = field(default_factory=list)  # constructed: set before the INSERT
    all_fields: bool = False
    added: tuple[ast.AST, str] | None = None  # the session.add/merge call and its detail
    modified: bool = False  # attributes were set on it in this function
    built: ast.AST | None = None  # constructed: the constructor call, where the model is named


@dataclass
class Frame:
    """What one function body (or the module) has bound so far."""

    aliases: dict[str, Target] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)
    collections: dict[str, Target] = field(default_factory=dict)  # `orders = session.scalars(...).all()`
    queries: dict[str, Target] = field(default_factory=dict)  # `q = session.query(M.a, M.b)`: not run yet, rows of columns
    constructed: list[Instance] = field(default_factory=list)
    receivers: set[str] = field(default_factory=set)  # `self` of a generic class: `self.model` is the caller's model
    arguments: dict[str, str] = field(default_factory=dict)  # parameter -> "arg:<position>:<name>"


def is_class_name(name: str) -> bool:
    return name[:1].isupper() and not (name.isupper() and len(name) > 1)


def unwrap_await(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Await):
        node = node.value
    return node


class TargetResolver:
    """Resolves names through the module's imports and the frames of the enclosing functions
    (`frames` is the visitor's own stack: pushed and popped there, read here)."""

    def __init__(self, source: SourceText, module_name: str, names: ModuleNames, frames: list[Frame]) -> None:
        self.source = source
        self.module_name = module_name
        self.names = names
        self.frames = frames

    def code(self, node: ast.AST) -> str:
        return self.source.segment(node)

    # -- local bindings --------------------------------------------------------------------------

    def lookup_alias(self, name: str) -> Target | None:
        for frame in reversed(self.frames):
            if name in frame.aliases:
                return frame.aliases[name]
        return None

    def lookup_instance(self, name: str) -> Instance | None:
        for frame in reversed(self.frames):
            if name in frame.instances:
                return frame.instances[name]
        return None

    def held_query(self, name: str) -> Target | None:
        """The model a name's query selects from, instances (a collection) or columns."""
        for frame in reversed(self.frames):
            if name in frame.collections:
                return frame.collections[name]
            if name in frame.queries:
                return frame.queries[name]
        return None

    def collection(self, name: str) -> Target | None:
        for frame in reversed(self.frames):
            if name in frame.collections:
                return frame.collections[name]
        return None

    # -- models, tables, columns -----------------------------------------------------------------

    def model_ref(self, node: ast.expr, *, variables: bool = False) -> Target | None:
        """The model a Name/Attribute names (`Order`, `models.Order`, an `aliased()` name), a Core
        table (`orders_table`, `metadata.tables["orders"]`), or None. With `variables`, any other
        name (a parameter holding a class) is a low-confidence unknown model."""
        node = unwrap_await(node)
        if isinstance(node, ast.Subscript):
            return self.literal_table(node)
        if isinstance(node, ast.Call) and callee_name(node.func) == "aliased" and positional_args(node):
            return self.model_ref(positional_args(node)[0], variables=variables)
        text = dotted_name(node)
        if text is None:
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.frames[-1].receivers:
            if not is_class_name(node.attr) and not SESSION_NAME.search(node.attr):
                return Target(text, receiver=text)  # `select(self.model)` in a generic repository
        if isinstance(node, ast.Name):
            alias = self.lookup_alias(text)
            if alias is not None:
                return alias
            if text in self.names.table_vars:
                return Target(text, binding=f"{self.module_name}.{text}")
        last = text.rsplit(".", 1)[-1]
        qualified = self.names.qualify(node)
        if is_class_name(last):
            if qualified is not None:
                return Target(text, model=qualified)
            return Target(text, confidence=LOW, reason=f"`{text}` is not imported or defined in this module")
        if variables and isinstance(node, ast.Name):
            if qualified is not None:  # `from app.tables import orders`
                return Target(text, binding=qualified)
            return Target(text, confidence=LOW, reason=f"`{text}` is a variable: its model is not known statically")
        return None

    def literal_table(self, node: ast.Subscript) -> Target | None:
        """`metadata.tables["orders"]` / `Base.metadata.tables["orders"]`."""
        if isinstance(node.value, ast.Attribute) and node.value.attr == "tables":
            name = literal_string(node.slice)
            if name is not None:
                return Target(self.code(node), table=name)
        return None

    def table_ref(self, node: ast.expr) -> Target | None:
        """What `X` is in `X.c.col`: a Table variable, `metadata.tables[...]`, `M.__table__`; not a
        local variable (`subq.c.id` of a subquery or CTE built in the function)."""
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            return self.model_ref(node.value)
        if isinstance(node, ast.Subscript):
            return self.literal_table(node)
        text = dotted_name(node)
        if text is None:
            return None
        alias = self.lookup_alias(text) if isinstance(node, ast.Name) else None
        if alias is not None:
            return alias
        if text in self.names.table_vars:
            return Target(text, binding=f"{self.module_name}.{text}")
        qualified = self.names.qualify(node)
        return Target(text, binding=qualified) if qualified is not None else None

    def column_ref(self, node: ast.Attribute) -> tuple[Target, str] | None:
        """`Order.status`, `o_alias.status`, `orders_table.c.status`, `Order.__table__.c.status`."""
        attribute = node.attr
        if attribute.startswith("_") or attribute in NOT_FIELDS or (attribute.isupper() and len(attribute) > 1):
            return None
        value = node.value
        if isinstance(value, ast.Attribute) and value.attr in ("c", "columns"):
            table = self.table_ref(value.value)
            return (table, attribute) if table is not None else None
        if is_class_name(attribute):
            return None
        target = self.model_ref(value)
        return (target, attribute) if target is not None else None

    def column_refs(self, node: ast.AST) -> list[tuple[Target, str]]:
        """Every column reference inside an expression, in source order; nested statements
        (subqueries) and f-strings are left out: they are facts of their own, or text."""
        found: list[tuple[Target, str]] = []
        stack: list[ast.AST] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Attribute):
                ref = self.column_ref(current)
                if ref is not None:
                    found.append(ref)
                    continue
            elif isinstance(current, ast.JoinedStr):
                continue
            elif isinstance(current, ast.Call) and self.statement_kind(current) is not None:
                continue
            stack.extend(reversed(children_in_source_order(current)))
        return found

    # -- statements and sessions -----------------------------------------------------------------

    def statement_kind(self, call: ast.Call) -> str | None:
        """"select" / "insert" / "update" / "delete" for SQLAlchemy's statement constructors."""
        name = self.names.sa_callee(call.func, STATEMENTS)
        return name if name is not None and (call.args or call.keywords) else None

    def is_session(self, node: ast.expr) -> bool:
        node = unwrap_await(node)
        if isinstance(node, ast.Call):
            name = callee_name(node.func)
            return name is not None and "session" in name.lower()
        text = dotted_name(node)
        if text is None:
            return False
        if isinstance(node, ast.Name) and any(text in frame.sessions for frame in self.frames):
            return True
        return SESSION_NAME.search(text.rsplit(".", 1)[-1]) is not None

    def argument_model(self, node: ast.expr) -> Target | None:
        """`select(model)` / `session.get(model, pk)` on a parameter of the function: the model its
        caller passes (`count_rows(Order)`), a receiver the linker binds at each call."""
        if isinstance(node, ast.Name) and node.id in self.frames[-1].arguments and not SESSION_NAME.search(node.id):
            return Target(node.id, receiver=self.frames[-1].arguments[node.id])
        return None

    def whole_model(self, node: ast.expr) -> Target | None:
        target = self.model_ref(node) or self.argument_model(node)
        return target if target is not None and target.binding is None and not target.table else None

    def is_session_or_db(self, call: ast.Call) -> bool:
        func = call.func
        return isinstance(func, ast.Attribute) and (self.is_session(func.value) or self.names.is_flask_db(func.value))


__all__ = ["STATEMENTS", "Frame", "Instance", "Target", "TargetResolver", "is_class_name", "unwrap_await"]
