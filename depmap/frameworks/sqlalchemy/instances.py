"""What a value holds in SQLAlchemy code: a row loaded from a query, rows to iterate, a new row.

Attribute writes are ORM updates only on a name known to hold a model instance, so the queries
visitor must know what each assignment binds: `session.get(M, pk)` and `.first()` / `.scalar_one()`
of a query on M load one row, `.all()` / `session.scalars(...)` give rows to iterate, `M(...)` /
`M.model_validate(...)` build a new one, and an annotation `o: M` names one (unless M is a pydantic
schema). `InstanceReader` answers those questions; `schema_classes` and `model_classes` say which
classes of the module are validation schemas and which are evidently rows.
"""

from __future__ import annotations

import ast

from depmap.model import HIGH
from depmap.python.tree import callee_name, dotted_name, literal_bool, positional_args, subscript_items
from depmap.frameworks.sqlalchemy.expressions import class_bases, target_class, unwrap_optional
from depmap.frameworks.sqlalchemy.names import SA_PACKAGES, ModuleNames, top_level
from depmap.frameworks.sqlalchemy.statements import unwind
from depmap.frameworks.sqlalchemy.targets import Instance, Target, TargetResolver, is_class_name, unwrap_await

SINGLE_RESULTS = frozenset(
    {"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "scalar", "first_or_404", "one_or_404", "get", "get_or_404"}
)
MANY_RESULTS = frozenset({"all", "scalars", "unique", "yield_per", "paginate", "limit", "offset", "order_by", "filter", "filter_by", "where"})
RUNNERS = frozenset({"execute", "exec", "scalars", "scalar", "stream", "stream_scalars", "first_or_404", "one_or_404", "paginate"})
CONSTRUCTORS = frozenset({"model_validate", "from_orm", "parse_obj", "model_construct", "construct"})
SCHEMA_BASES = frozenset({"BaseModel", "SQLModel"})  # without table=True: validation schemas, not rows


class InstanceReader:
    """The model instances that values hold, through one module's names and local bindings."""

    def __init__(self, targets: TargetResolver, names: ModuleNames, schemas: set[str]) -> None:
        self.targets = targets
        self.names = names
        self.schemas = schemas  # `schema_classes` of the module: never rows

    def primary_entity(self, node: ast.expr) -> Target | None:
        """The model whose instances a query expression yields (`select(M)...`, `session.query(M)`,
        `M.query...`, `session.scalars(select(M))`), or None for rows of columns."""
        node = unwrap_await(node)
        if isinstance(node, ast.Name):  # `stmt = select(M)...` earlier
            return self.targets.collection(node.id)
        if isinstance(node, ast.Attribute) and node.attr == "query":
            return self.targets.model_ref(node.value)
        if not isinstance(node, ast.Call):
            return None
        root, links = unwind(node, self.targets)
        if isinstance(root, ast.Name) and links:  # `result.scalars().first()` after `result = session.execute(...)`
            collection = self.targets.collection(root.id)
            if collection is not None:
                return collection
        if isinstance(root, ast.Call) and self.targets.statement_kind(root) == "select":
            entities = positional_args(root)  # none in `select(*columns)`
            return self.targets.whole_model(entities[0]) if entities else None
        if isinstance(root, ast.Attribute) and root.attr == "query" and links:
            return self.targets.model_ref(root.value)
        for name, call in links:
            args = positional_args(call)
            if name == "query" and args:
                return self.targets.whole_model(args[0])
            if name in ("get", "get_or_404") and args and self.targets.is_session_or_db(call):
                return self.targets.whole_model(args[0])
            if name in RUNNERS and args:
                return self.primary_entity(args[0])
        return None

    def loaded(self, value: ast.expr) -> Target | None:
        """`session.get(M, 1)`, `....first()`, `.scalar_one()` of a query on M: one instance."""
        value = unwrap_await(value)
        if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
            return None
        if value.func.attr not in SINGLE_RESULTS:
            return None
        return self.primary_entity(value)

    def iterated(self, value: ast.expr) -> Target | None:
        """`for o in session.scalars(select(M))` / `M.query.all()` / `session.query(M)...`."""
        value = unwrap_await(value)
        if isinstance(value, ast.Name):
            return self.targets.collection(value.id)
        if isinstance(value, ast.Call) and self.targets.statement_kind(value) == "select":
            return self.primary_entity(value)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr in MANY_RESULTS or value.func.attr in ("query", "exec", "execute", "scalars"):
                return self.primary_entity(value)
        return None

    def constructed(self, value: ast.expr) -> Instance | None:
        """`M(a=..., **kw)` or `M.model_validate(data)`: a new instance and the fields it sets."""
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in CONSTRUCTORS:
            target = self.targets.model_ref(func.value)
            return Instance(target, "constructed", HIGH, [], True, built=value) if target is not None and target.binding is None else None
        if not isinstance(func, (ast.Name, ast.Attribute)) or (self.names.qualify(func) or "").startswith(SA_PACKAGES):
            return None  # Session(engine), Table(...), Column(...): SQLAlchemy's own classes
        target = self.targets.model_ref(func)
        if target is None or target.binding is not None or target.table:
            return None
        fields = [item.arg for item in value.keywords if item.arg is not None]
        everything = any(item.arg is None for item in value.keywords)
        return Instance(target, "constructed", HIGH, fields, everything, built=value)

    def annotated_model(self, annotation: ast.expr) -> Target | None:
        """`order: Order`, `Optional[Order]`, `Annotated[Order, Depends(...)]` (or an alias of it)."""
        inner, _ = unwrap_optional(annotation)
        if isinstance(inner, ast.Name) and inner.id in self.names.annotated:
            inner = self.names.annotated[inner.id]
        if isinstance(inner, ast.Subscript) and callee_name(inner.value) == "Annotated" and subscript_items(inner):
            inner, _ = unwrap_optional(subscript_items(inner)[0])
        inner = target_class(inner)
        if isinstance(inner, ast.Name) and inner.id in self.schemas:
            return None
        if isinstance(inner, (ast.Name, ast.Attribute)) and is_class_name((dotted_name(inner) or "").rsplit(".", 1)[-1]):
            target = self.targets.model_ref(inner)
            if target is not None and target.model is not None:
                return target
        return None


def _table_keyword(node: ast.ClassDef) -> bool:
    """SQLModel's `class Hero(SQLModel, table=True)`."""
    return any(item.arg == "table" and literal_bool(item.value) for item in node.keywords)


def schema_classes(tree: ast.Module) -> set[str]:
    """Classes of this module that validate data rather than map rows: pydantic models and SQLModel
    classes without `table=True` (and their subclasses). An argument annotated with one is not a row."""
    names: set[str] = set()
    for statement in top_level(tree.body):
        if isinstance(statement, ast.ClassDef):
            bases = {callee_name(base) for base in class_bases(statement)}
            if not _table_keyword(statement) and bases & (SCHEMA_BASES | names):
                names.add(statement.name)
    return names


def model_classes(tree: ast.Module, names: ModuleNames) -> set[str]:
    """Top-level classes of this module that evidently map rows: a `__tablename__`, `table=True`,
    a `db.Model` base, or a Column/mapped_column/Mapped attribute. In their methods `self` is a row."""
    found: set[str] = set()
    for statement in top_level(tree.body):
        if not isinstance(statement, ast.ClassDef):
            continue
        if _table_keyword(statement):
            found.add(statement.name)
            continue
        if any(isinstance(base, ast.Attribute) and base.attr == "Model" and names.is_flask_db(base.value) for base in class_bases(statement)):
            found.add(statement.name)
            continue
        for small in statement.body:
            if isinstance(small, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in small.targets):
                found.add(statement.name)
                break
            value = small.value if isinstance(small, (ast.Assign, ast.AnnAssign)) else None
            annotation = small.annotation if isinstance(small, ast.AnnAssign) else None
            if isinstance(value, ast.Call) and names.sa_callee(value.func, {"Column", "mapped_column"}):
                found.add(statement.name)
                break
            if isinstance(annotation, ast.Subscript) and callee_name(annotation.value) == "Mapped":
                found.add(statement.name)
                break
    return found


__all__ = ["RUNNERS", "InstanceReader", "model_classes", "schema_classes"]
