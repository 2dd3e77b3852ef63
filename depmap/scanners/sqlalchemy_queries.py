"""SQLAlchemy, Flask-SQLAlchemy and SQLModel usages: which code reads and writes which model.

`analyse_sqlalchemy_queries` emits one ORM_ACCESS fact (`depmap.orm.symbols`) per ORM operation,
at the line where its expression starts, with the enclosing function as symbol:

- reads (`orm_query`): `session.query(M)` / `session.query(M.a, M.b)` / `db.session.query(...)`,
  Flask-SQLAlchemy `M.query...`, `select(M)` / `select(M.a)`, `session.get(M, pk)`,
  `db.get_or_404(M, pk)`, and Core `orders_table.select()` / `select(orders_table.c.id)`. Every
  `M.col` in the chain (`.filter()`, `.where()`, `.order_by()`, `.options()`, ...) and every
  `.filter_by(col=...)` keyword becomes a field; a model joined with `.join(Other, ...)` gets its
  own fact.
- writes: `insert(M).values(a=...)` (`orm_create`), `update(M).where(...).values(a=...)`
  (`orm_update`, plus a read of the columns its WHERE uses), `delete(M).where(...)`
  (`orm_delete`), `query.update({...})` / `query.delete()`, `on_conflict_do_update(set_=...)`,
  `session.add(M(a=...))` and `o = M(...); o.b = ...; session.add(o)` (`orm_create` with a, b),
  `session.add_all([...])`, `bulk_save_objects`, `bulk_insert_mappings(M, [{"a": ...}])`,
  `bulk_update_mappings`, `session.merge(...)` (`orm_update`), `session.delete(obj)`
  (`orm_delete`), and attribute writes on an instance known to be an `M` (from `session.get(M,
  ...)`, `.first()`/`.one()`/`.scalar_one()` of a query on M or of a `result`/`stmt` variable
  holding one, a `for` over one, `self` in a method of a model defined here, or an annotation
  `o: M` / `Annotated[M, ...]`): `o.status = ...`, `o.n += 1`, `setattr(o, "status", ...)` and
  SQLModel's `o.sqlmodel_update(...)` are `orm_update`s at medium confidence. An annotation alone
  is weak evidence (`response: Response` is annotated too): such a write is kept only when the
  class is queried elsewhere in the file, defined here as a model, or imported from a module
  whose name says "model".
- Core tables: accesses through a `Table` variable carry `extra["table_binding"]`, the qualified
  name of the variable (`shop.db.orders_table`), and `model` None; the linker maps the binding to
  its table through the TABLE_BINDING fact of the file that defines it.
  `metadata.tables["orders"]` names the table literally (the fact's `table`).

Models are named by qualified class name through the module's imports and classes; a name that
cannot be resolved gives `model` None, `model_name` as written, low confidence and a `reason`.
Raw SQL inside `text("...")` is the SQL-strings analysis's business, not this one's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from depmap.model import HIGH, LOW, MEDIUM, READ, WRITE, Fact, Location, weaker
from depmap.orm.symbols import ORM_ACCESS, ORM_CREATE, ORM_DELETE, ORM_QUERY, ORM_UPDATE
from depmap.scanners.context import ScanContext
from depmap.scanners.python import PythonAnalysis
from depmap.scanners.python_source import STRING_NODES, ParsedModule, Positions, ScopedVisitor, callee_name, dotted_name
from depmap.scanners.sqlalchemy_models import (
    SA_PACKAGES,
    ModuleNames,
    bool_value,
    keyword,
    positional,
    python_snippet,
    string_value,
    subscript_items,
    target_class,
    top_level,
    unwrap_optional,
)

MIGHT_QUERY = re.compile(
    r"(?i:sqlalchemy)|sqlmodel|\.query\b|\.c\.\w|\.(?:insert|select|update|delete)\(\)"
    r"|(?:session|\bdb)\.(?:query|add|add_all|get|get_or_404|execute|exec|scalars?|merge|delete|bulk_\w+)\("
)

STATEMENTS = frozenset({"select", "insert", "update", "delete"})
SINGLE_RESULTS = frozenset(
    {"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "scalar", "first_or_404", "one_or_404", "get", "get_or_404"}
)
MANY_RESULTS = frozenset({"all", "scalars", "unique", "yield_per", "paginate", "limit", "offset", "order_by", "filter", "filter_by", "where"})
RUNNERS = frozenset({"execute", "exec", "scalars", "scalar", "stream", "stream_scalars", "first_or_404", "one_or_404", "paginate"})
ENTITY_LINKS = frozenset({"select_from", "with_entities", "add_columns", "add_entity", "with_only_columns"})
JOIN_LINKS = frozenset({"join", "outerjoin", "join_from", "outerjoin_from"})
CORE_CONTINUATIONS = frozenset({"values", "where", "returning", "filter", "order_by", "limit", "with_only_columns", "on_conflict_do_update", "on_conflict_do_nothing", "from_select"})
CONSTRUCTORS = frozenset({"model_validate", "from_orm", "parse_obj", "model_construct", "construct"})
INSTANCE_UPDATES = frozenset({"sqlmodel_update"})  # SQLModel: copy every given field onto the row
SCHEMA_BASES = frozenset({"BaseModel", "SQLModel"})  # without table=True: validation schemas, not rows
NOT_FIELDS = frozenset({"query", "metadata", "registry", "c", "columns", "classes"})
SESSION_NAME = re.compile(r"(?i)session|^_*(?:db|sess|s|uow)$")
DETAIL = {"read": ORM_QUERY, "create": ORM_CREATE, "update": ORM_UPDATE, "delete": ORM_DELETE}


def analyse_sqlalchemy_queries(parsed: ParsedModule, positions: Positions, ctx: ScanContext) -> list[Fact]:
    """ORM_ACCESS facts of one file (unsorted)."""
    visitor = GatherQueriesVisitor(parsed, positions, ModuleNames.of(parsed.module, parsed.module_name))
    parsed.module.visit(visitor)
    return visitor.facts


def might_query(text: str) -> bool:
    return MIGHT_QUERY.search(text) is not None


SQLALCHEMY_QUERIES = PythonAnalysis("sqlalchemy queries", might_query, analyse_sqlalchemy_queries)


# -- what an expression names ----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A model (or Core table) as named at a site."""

    written: str
    model: str | None = None
    binding: str | None = None  # Core: qualified name of the Table variable
    table: str = ""  # Core: table known literally (`metadata.tables["orders"]`)
    confidence: str = HIGH
    reason: str | None = None

    @property
    def key(self) -> tuple[str | None, str | None, str, str]:
        known = self.model or self.binding or self.table
        return (self.model, self.binding, self.table, "" if known else self.written)


@dataclass(eq=False)
class Instance:
    """A local name known to hold an instance of a model."""

    target: Target
    origin: str  # "constructed" | "loaded" | "annotated" | "self" (in a method of the model)
    confidence: str
    fields: list[str] = field(default_factory=list)  # constructed: set before the INSERT
    all_fields: bool = False
    added: tuple[cst.CSTNode, str] | None = None  # the session.add/merge call and its detail
    modified: bool = False  # attributes were set on it in this function


@dataclass
class Frame:
    """What one function body (or the module) has bound so far."""

    aliases: dict[str, Target] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)
    collections: dict[str, Target] = field(default_factory=dict)  # `orders = session.scalars(...).all()`
    constructed: list[Instance] = field(default_factory=list)


def _is_class_name(name: str) -> bool:
    return name[:1].isupper() and not (name.isupper() and len(name) > 1)


def _unwrap(node: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(node, cst.Await):
        node = node.expression
    return node


class GatherQueriesVisitor(ScopedVisitor):
    """Fills `facts` with the ORM_ACCESS facts of one module, in one pass."""

    def __init__(self, parsed: ParsedModule, positions: Positions, names: ModuleNames) -> None:
        super().__init__(parsed.module_name)
        self.parsed = parsed
        self.positions = positions
        self.names = names
        self.facts: list[Fact] = []
        self.frames: list[Frame] = [Frame()]
        self.consumed: set[int] = set()  # calls already read as part of an enclosing chain
        self.params: dict[int, tuple[list[str], bool]] = {}  # id(statement) -> keys of execute() rows
        self.schemas = schema_classes(parsed.module)
        self.models = model_classes(parsed.module, names)
        self.guesses: list[Fact] = []  # writes through annotations: kept if the class is evidently a model

    # -- names -----------------------------------------------------------------------------------

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

    def model_ref(self, node: cst.BaseExpression, *, variables: bool = False) -> Target | None:
        """The model a Name/Attribute names (`Order`, `models.Order`, an `aliased()` name), a Core
        table (`orders_table`, `metadata.tables["orders"]`), or None. With `variables`, any other
        name (a parameter holding a class) is a low-confidence unknown model."""
        node = _unwrap(node)
        if isinstance(node, cst.Subscript):
            return self.literal_table(node)
        if isinstance(node, cst.Call) and callee_name(node.func) == "aliased" and positional(node):
            return self.model_ref(positional(node)[0], variables=variables)
        text = dotted_name(node)
        if text is None:
            return None
        if isinstance(node, cst.Name):
            alias = self.lookup_alias(text)
            if alias is not None:
                return alias
            if text in self.names.table_vars:
                return Target(text, binding=f"{self.module_name}.{text}")
        last = text.rsplit(".", 1)[-1]
        qualified = self.names.qualify(node)
        if _is_class_name(last):
            if qualified is not None:
                return Target(text, model=qualified)
            return Target(text, confidence=LOW, reason=f"`{text}` is not imported or defined in this module")
        if variables and isinstance(node, cst.Name):
            if qualified is not None:  # `from app.tables import orders`
                return Target(text, binding=qualified)
            return Target(text, confidence=LOW, reason=f"`{text}` is a variable: its model is not known statically")
        return None

    def literal_table(self, node: cst.Subscript) -> Target | None:
        """`metadata.tables["orders"]` / `Base.metadata.tables["orders"]`."""
        if isinstance(node.value, cst.Attribute) and node.value.attr.value == "tables" and len(node.slice) == 1:
            index = node.slice[0].slice
            name = string_value(index.value) if isinstance(index, cst.Index) else None
            if name is not None:
                return Target(self.code(node), table=name)
        return None

    def table_ref(self, node: cst.BaseExpression) -> Target | None:
        """What `X` is in `X.c.col`: a Table variable, `metadata.tables[...]`, `M.__table__`; not a
        local variable (`subq.c.id` of a subquery or CTE built in the function)."""
        if isinstance(node, cst.Attribute) and node.attr.value == "__table__":
            return self.model_ref(node.value)
        if isinstance(node, cst.Subscript):
            return self.literal_table(node)
        text = dotted_name(node)
        if text is None:
            return None
        alias = self.lookup_alias(text) if isinstance(node, cst.Name) else None
        if alias is not None:
            return alias
        if text in self.names.table_vars:
            return Target(text, binding=f"{self.module_name}.{text}")
        qualified = self.names.qualify(node)
        return Target(text, binding=qualified) if qualified is not None else None

    def column_ref(self, node: cst.Attribute) -> tuple[Target, str] | None:
        """`Order.status`, `o_alias.status`, `orders_table.c.status`, `Order.__table__.c.status`."""
        attribute = node.attr.value
        if attribute.startswith("_") or attribute in NOT_FIELDS or (attribute.isupper() and len(attribute) > 1):
            return None
        value = node.value
        if isinstance(value, cst.Attribute) and value.attr.value in ("c", "columns"):
            table = self.table_ref(value.value)
            return (table, attribute) if table is not None else None
        if _is_class_name(attribute):
            return None
        target = self.model_ref(value)
        return (target, attribute) if target is not None else None

    def column_refs(self, node: cst.CSTNode) -> list[tuple[Target, str]]:
        """Every column reference inside an expression, in source order; nested statements
        (subqueries) are left out: they are facts of their own."""
        found: list[tuple[Target, str]] = []
        stack: list[cst.CSTNode] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Attribute):
                ref = self.column_ref(current)
                if ref is not None:
                    found.append(ref)
                    continue
            elif isinstance(current, STRING_NODES):
                continue
            elif isinstance(current, cst.Call) and self.statement_kind(current) is not None:
                continue
            stack.extend(reversed(current.children))
        return found

    def statement_kind(self, call: cst.Call) -> str | None:
        """"select" / "insert" / "update" / "delete" for SQLAlchemy's statement constructors."""
        name = self.names.sa_callee(call.func, STATEMENTS)
        return name if name is not None and call.args else None

    def is_session(self, node: cst.BaseExpression) -> bool:
        node = _unwrap(node)
        if isinstance(node, cst.Call):
            name = callee_name(node.func)
            return name is not None and "session" in name.lower()
        text = dotted_name(node)
        if text is None:
            return False
        if isinstance(node, cst.Name) and any(text in frame.sessions for frame in self.frames):
            return True
        return SESSION_NAME.search(text.rsplit(".", 1)[-1]) is not None

    # -- locations and facts ---------------------------------------------------------------------

    def code(self, node: cst.CSTNode) -> str:
        return self.parsed.module.code_for_node(node)

    def emit(
        self,
        target: Target,
        kind: str,
        node: cst.CSTNode,
        fields: Iterable[str] = (),
        *,
        all_fields: bool = False,
        confidence: str = HIGH,
        reason: str | None = None,
        guess: bool = False,
    ) -> None:
        where = self.positions[node]
        location = Location(self.parsed.path, where.start.line, where.end.line, symbol=self.symbol)
        confidence = weaker(target.confidence, confidence)
        extra: dict[str, Any] = {
            "model": target.model,
            "model_name": target.written,
            "relation": [],
            "fields": list(dict.fromkeys(fields)),
            "all_fields": all_fields,
            "aliases": [],
        }
        if target.binding is not None or target.table:
            extra["table_binding"] = target.binding
        if confidence != HIGH:
            extra["reason"] = reason or target.reason
        access = READ if kind.startswith("read") else WRITE
        detail = DETAIL[kind.split(":")[-1]]
        if isinstance(node, cst.Call) and node.lpar:
            node = node.with_changes(lpar=(), rpar=())  # the snippet is the call, not its parentheses
        snippet = python_snippet(self.code(node))
        fact = Fact(ORM_ACCESS, target.table, location, (), access, detail, "orm", confidence, snippet, extra)
        (self.guesses if guess else self.facts).append(fact)

    # -- scopes ----------------------------------------------------------------------------------

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef_body(node)
        frame = Frame()
        params = node.params
        owner = self.scopes[-2] if len(self.scopes) > 1 else None
        if owner is not None and owner[0] == "class" and owner[1] in self.models and params.params and node.name.value != "__init__":
            first = params.params[0].name.value  # `self` in a method of a model: this row
            if first in ("self", "cls") and not any(callee_name(d.decorator) in ("classmethod", "staticmethod") for d in node.decorators):
                frame.instances[first] = Instance(Target(owner[1], model=f"{self.module_name}.{owner[1]}"), "self", MEDIUM)
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            name = param.name.value
            if param.annotation is not None:
                annotation = param.annotation.annotation
                if "Session" in self.code(annotation) or "session" in self.code(annotation):
                    frame.sessions.add(name)
                    continue
                target = self.annotated_model(annotation)
                if target is not None:
                    frame.instances[name] = Instance(target, "annotated", MEDIUM)
        self.frames.append(frame)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.flush(self.frames.pop())
        super().leave_FunctionDef_body(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        self.flush(self.frames[0])
        known = {fact.extra["model"] for fact in self.facts} | {f"{self.module_name}.{name}" for name in self.models}
        for fact in self.guesses:
            model = fact.extra["model"]
            if model in known or "model" in model.rsplit(".", 1)[0].lower():
                self.facts.append(fact)

    def flush(self, frame: Frame) -> None:
        """Constructed instances that reached `session.add()`: INSERTs with the fields set on them."""
        for instance in frame.constructed:
            if instance.added is not None:
                node, kind = instance.added
                self.emit(instance.target, kind, node, instance.fields, all_fields=instance.all_fields)

    def annotated_model(self, annotation: cst.BaseExpression) -> Target | None:
        """`order: Order`, `Optional[Order]`, `Annotated[Order, Depends(...)]` (or an alias of it)."""
        inner, _ = unwrap_optional(annotation)
        if isinstance(inner, cst.Name) and inner.value in self.names.annotated:
            inner = self.names.annotated[inner.value]
        if isinstance(inner, cst.Subscript) and callee_name(inner.value) == "Annotated" and subscript_items(inner):
            inner, _ = unwrap_optional(subscript_items(inner)[0])
        inner = target_class(inner)
        if isinstance(inner, cst.Name) and inner.value in self.schemas:
            return None
        if isinstance(inner, (cst.Name, cst.Attribute)) and _is_class_name((dotted_name(inner) or "").rsplit(".", 1)[-1]):
            target = self.model_ref(inner)
            if target is not None and target.model is not None:
                return target
        return None

    # -- assignments: instances, aliases, sessions -----------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.assigned(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.assigned(node.target, node.value, node)
        elif isinstance(node.target, cst.Name):
            target = self.annotated_model(node.annotation.annotation)
            if target is not None:
                self.frames[-1].instances[node.target.value] = Instance(target, "annotated", MEDIUM)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Attribute):
            self.attribute_write(node.target.value, [node.target.attr.value], node)

    def assigned(self, target: cst.BaseExpression, value: cst.BaseExpression, statement: cst.CSTNode) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if isinstance(element.value, cst.Attribute):
                    self.attribute_write(element.value.value, [element.value.attr.value], statement)
            return
        if isinstance(target, cst.Attribute):
            self.attribute_write(target.value, [target.attr.value], statement)
            return
        if not isinstance(target, cst.Name) or self.scopes and self.scopes[-1][0] == "class":
            return  # class attributes (columns, pydantic fields) are not local variables
        frame = self.frames[-1]
        name = target.value
        frame.instances.pop(name, None)
        frame.aliases.pop(name, None)
        frame.collections.pop(name, None)
        value = _unwrap(value)
        if isinstance(value, cst.Call) and callee_name(value.func) == "aliased" and positional(value):
            alias = self.model_ref(positional(value)[0])
            if alias is not None:
                frame.aliases[name] = alias
            return
        if isinstance(value, cst.Call) and self.is_session(value):  # `s = Session(engine)`, `get_session()`
            frame.sessions.add(name)
            return
        built = self.constructed(value)
        if built is not None:
            frame.instances[name] = built
            frame.constructed.append(built)
            return
        loaded = self.loaded(value)
        if loaded is not None:
            frame.instances[name] = Instance(loaded, "loaded", HIGH)
            return
        many = self.iterated(value)
        if many is not None:
            frame.collections[name] = many

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            entity = self.iterated(node.iter)
            if entity is not None:
                self.frames[-1].instances[node.target.value] = Instance(entity, "loaded", HIGH)

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if item.asname is not None and isinstance(item.asname.name, cst.Name) and isinstance(_unwrap(item.item), cst.Call):
                call = _unwrap(item.item)
                name = callee_name(call.func) or ""
                if "session" in name.lower() or (name == "begin" and self.is_session(call.func.value if isinstance(call.func, cst.Attribute) else call)):
                    self.frames[-1].sessions.add(item.asname.name.value)

    def attribute_write(self, owner: cst.BaseExpression, names: list[str], statement: cst.CSTNode, *, all_fields: bool = False) -> None:
        if not isinstance(owner, cst.Name):
            return
        instance = self.lookup_instance(owner.value)
        names = [name for name in names if not name.startswith("_")]
        if instance is None or not (names or all_fields):
            return
        if instance.origin == "constructed":
            instance.fields.extend(names)
            instance.all_fields = instance.all_fields or all_fields
            return
        instance.modified = True
        how = {"annotated": "is annotated as", "self": "is the instance of", "loaded": "was loaded as"}[instance.origin]
        reason = f"`{owner.value}` {how} {instance.target.written}: the assignment is written to its row on flush"
        guess = instance.origin == "annotated"  # `response: Response` is annotated too
        self.emit(instance.target, "update", statement, names, all_fields=all_fields, confidence=MEDIUM, reason=reason, guess=guess)

    def constructed(self, value: cst.BaseExpression) -> Instance | None:
        """`M(a=..., **kw)` or `M.model_validate(data)`: a new instance and the fields it sets."""
        if not isinstance(value, cst.Call):
            return None
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value in CONSTRUCTORS:
            target = self.model_ref(func.value)
            return Instance(target, "constructed", HIGH, [], True) if target is not None and target.binding is None else None
        if not isinstance(func, (cst.Name, cst.Attribute)) or (self.names.qualify(func) or "").startswith(SA_PACKAGES):
            return None  # Session(engine), Table(...), Column(...): SQLAlchemy's own classes
        target = self.model_ref(func)
        if target is None or target.binding is not None or target.table:
            return None
        fields = [arg.keyword.value for arg in value.args if arg.keyword is not None]
        everything = any(arg.star == "**" for arg in value.args)
        return Instance(target, "constructed", HIGH, fields, everything)

    # -- what a query returns --------------------------------------------------------------------

    def unwind(self, node: cst.Call) -> tuple[cst.BaseExpression, list[tuple[str, cst.Call]]]:
        """`a.b(x).c(y)` -> (a, [("b", call b), ("c", call c)]); a statement constructor
        (`sa.select(M)`) is the root of the chain, not a link."""
        links: list[tuple[str, cst.Call]] = []
        current: cst.BaseExpression = node
        while isinstance(current, cst.Call) and isinstance(current.func, cst.Attribute) and self.statement_kind(current) is None:
            links.append((current.func.attr.value, current))
            current = _unwrap(current.func.value)
        links.reverse()
        return current, links

    def primary_entity(self, node: cst.BaseExpression) -> Target | None:
        """The model whose instances a query expression yields (`select(M)...`, `session.query(M)`,
        `M.query...`, `session.scalars(select(M))`), or None for rows of columns."""
        node = _unwrap(node)
        if isinstance(node, cst.Name):  # `stmt = select(M)...` earlier
            return self.collection(node.value)
        if isinstance(node, cst.Attribute) and node.attr.value == "query":
            return self.model_ref(node.value)
        if not isinstance(node, cst.Call):
            return None
        root, links = self.unwind(node)
        if isinstance(root, cst.Name) and links:  # `result.scalars().first()` after `result = session.execute(...)`
            collection = self.collection(root.value)
            if collection is not None:
                return collection
        if isinstance(root, cst.Call) and self.statement_kind(root) == "select":
            return self.whole_model(positional(root)[0])
        if isinstance(root, cst.Attribute) and root.attr.value == "query" and links:
            return self.model_ref(root.value)
        for name, call in links:
            args = positional(call)
            if name == "query" and args:
                return self.whole_model(args[0])
            if name in ("get", "get_or_404") and args and self.is_session_or_db(call):
                return self.whole_model(args[0])
            if name in RUNNERS and args:
                return self.primary_entity(args[0])
        return None

    def whole_model(self, node: cst.BaseExpression) -> Target | None:
        target = self.model_ref(node)
        return target if target is not None and target.binding is None and not target.table else None

    def is_session_or_db(self, call: cst.Call) -> bool:
        func = call.func
        return isinstance(func, cst.Attribute) and (self.is_session(func.value) or self.names.is_flask_db(func.value))

    def collection(self, name: str) -> Target | None:
        for frame in reversed(self.frames):
            if name in frame.collections:
                return frame.collections[name]
        return None

    def loaded(self, value: cst.BaseExpression) -> Target | None:
        """`session.get(M, 1)`, `....first()`, `.scalar_one()` of a query on M: one instance."""
        value = _unwrap(value)
        if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
            return None
        if value.func.attr.value not in SINGLE_RESULTS:
            return None
        return self.primary_entity(value)

    def iterated(self, value: cst.BaseExpression) -> Target | None:
        """`for o in session.scalars(select(M))` / `M.query.all()` / `session.query(M)...`."""
        value = _unwrap(value)
        if isinstance(value, cst.Name):
            return self.collection(value.value)
        if isinstance(value, cst.Call) and self.statement_kind(value) == "select":
            return self.primary_entity(value)
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            if value.func.attr.value in MANY_RESULTS or value.func.attr.value in ("query", "exec", "execute", "scalars"):
                return self.primary_entity(value)
        return None

    # -- calls -----------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self.consumed:
            return
        root, links = self.unwind(node)
        self.consumed.update(id(call) for _, call in links)
        if isinstance(root, cst.Call):
            self.consumed.add(id(root))
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in INSTANCE_UPDATES:
            self.attribute_write(node.func.value, [], node, all_fields=True)
            return
        if callee_name(node.func) == "setattr" and isinstance(node.func, cst.Name) and len(node.args) >= 2:
            name = string_value(node.args[1].value)
            self.attribute_write(node.args[0].value, [name] if name else [], node, all_fields=name is None)
            return
        if isinstance(root, cst.Call) and (kind := self.statement_kind(root)) is not None:
            self.statement(node, kind, root, links)
            return
        if isinstance(root, cst.Attribute) and root.attr.value == "query" and links:
            target = self.model_ref(root.value)
            if target is not None and target.binding is None:
                self.statement(node, "select", None, links, primary=target)
            return
        for index, (name, call) in enumerate(links):
            receiver = links[index - 1][1] if index else root
            if name == "query" and self.query_source(call, receiver):
                self.statement(node, "select", call, links[index + 1 :])
                return
            if name in STATEMENTS and index == 0 and not positional(call) and self.core_source(root, links[1:]):
                self.statement(node, name, None, links[1:], primary=self.table_ref(root))
                return
            if self.session_operation(name, call, receiver):
                return

    def query_source(self, call: cst.Call, receiver: cst.BaseExpression) -> bool:
        """`session.query(M, M.a)`: some argument names a model, or the receiver is a session."""
        args = positional(call)
        if not args:
            return False
        if any(self.entity(arg, variables=False) for arg in args):
            return True
        return self.is_session(receiver) and isinstance(args[0], cst.Name)

    def core_source(self, root: cst.BaseExpression, rest: list[tuple[str, cst.Call]]) -> bool:
        """`orders_table.insert()`: a Table variable of this module, or an imported name the
        chain treats as a statement (`.values()`, `.where()`...)."""
        if isinstance(root, cst.Subscript):
            return self.literal_table(root) is not None
        if isinstance(root, cst.Attribute) and root.attr.value == "__table__":
            return True
        if not isinstance(root, cst.Name):
            return False
        if root.value in self.names.table_vars:
            return True
        imported = root.value in self.names.imports.names
        return imported and (bool(rest and rest[0][0] in CORE_CONTINUATIONS) or "table" in root.value.lower())

    # -- statements ------------------------------------------------------------------------------

    def entity(self, node: cst.BaseExpression, *, variables: bool) -> list[tuple[Target, str | None]]:
        """What a select/query argument loads: a model, a column of one, or the columns used in an
        expression (`func.count(Order.id)`)."""
        node = _unwrap(node)
        if isinstance(node, cst.Attribute):
            ref = self.column_ref(node)
            if ref is not None:
                return [ref]
        target = self.model_ref(node, variables=variables) if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)) else None
        if target is not None:
            return [(target, None)]
        if isinstance(node, cst.Call) and self.statement_kind(node) is not None:
            return []
        return [(ref, column) for ref, column in self.column_refs(node)]

    def statement(
        self,
        node: cst.Call,
        kind: str,
        source: cst.Call | None,
        links: list[tuple[str, cst.Call]],
        *,
        primary: Target | None = None,
    ) -> None:
        """One statement chain: collect its entities, then the fields each link uses, then emit."""
        chain = Chain(kind)
        if primary is not None:
            chain.add_entity(primary)
        if source is not None:
            args = positional(source)
            if kind == "select":
                for arg in args:
                    for target, column in self.entity(arg, variables=True):
                        chain.add_entity(target, column)
            elif args:
                found = self.entity(args[0], variables=True)
                if found and found[0][1] is None:
                    chain.add_entity(found[0][0])
        for name, call in links:  # first pass: everything that brings an entity into the chain
            args = positional(call)
            if name in ENTITY_LINKS:
                for arg in args:
                    for target, column in self.entity(arg, variables=False):
                        chain.add_entity(target, column)
            elif name in JOIN_LINKS:
                for arg in args[: 2 if name.endswith("_from") else 1]:
                    for target, column in self.entity(arg, variables=False):
                        chain.add_entity(target, column, joined=column is None)
        if not chain.entities:
            return
        for name, call in links:  # second pass: the columns each link uses
            args = positional(call)
            if name in ENTITY_LINKS:
                continue
            if name in JOIN_LINKS:
                args = args[2 if name.endswith("_from") else 1 :]
            if name == "filter_by":
                chain.read(chain.current, [arg.keyword.value for arg in call.args if arg.keyword is not None])
                continue
            if name in ("values", "on_duplicate_key_update") or name == "update" and chain.kind == "select" and args:
                keys, everything = self.values_keys(call) if name != "update" else self.keys_of(args[0])
                if name == "on_duplicate_key_update":
                    chain.upserts.extend(keys)
                    continue
                chain.kind = "update" if chain.kind == "select" else chain.kind
                chain.writes.extend(keys)
                chain.write_all = chain.write_all or everything
                continue
            if name == "delete" and chain.kind == "select":
                chain.kind = "delete"
                continue
            if name == "on_conflict_do_update":
                chain.upserts.extend(self.keys_of(keyword(call, "set_"))[0])
                continue
            if name == "from_select" and args and isinstance(args[0], (cst.List, cst.Tuple)):
                chain.writes.extend(v for e in args[0].elements if (v := string_value(e.value)) is not None)
                args = args[1:]
            for arg in [*args, *(a.value for a in call.args if a.keyword is not None)]:
                for target, column in self.column_refs(arg):
                    chain.read(target, [column], core=target.binding is not None or bool(target.table))
        if id(node) in self.params and not chain.writes and not chain.write_all:
            keys, everything = self.params[id(node)]
            chain.writes.extend(keys)
            chain.write_all = everything and not keys
        self.emit_chain(chain, node)

    def values_keys(self, call: cst.Call) -> tuple[list[str], bool]:
        """`values(a=1, b=2)`, `values({"a": 1})`, `values({M.a: 1})`, `values(**row)`."""
        keys: list[str] = []
        everything = False
        for arg in call.args:
            if arg.star == "**":
                everything = True
            elif arg.keyword is not None:
                keys.append(arg.keyword.value)
            elif not arg.star:
                found, unknown = self.keys_of(arg.value)
                keys.extend(found)
                everything = everything or unknown
        return keys, everything

    def keys_of(self, node: cst.BaseExpression | None) -> tuple[list[str], bool]:
        """Column names a dict (or a list of dicts, or `dict(a=...)`) sets; (_, True) when some
        keys cannot be read statically."""
        node = _unwrap(node) if node is not None else None
        if isinstance(node, cst.Dict):
            keys: list[str] = []
            everything = False
            for element in node.elements:
                name = None
                if isinstance(element, cst.DictElement):
                    name = string_value(element.key)
                    if name is None and isinstance(element.key, cst.Attribute):
                        ref = self.column_ref(element.key)
                        name = ref[1] if ref is not None else None
                if name is None:
                    everything = True
                else:
                    keys.append(name)
            return keys, everything
        if isinstance(node, cst.Call) and callee_name(node.func) == "dict" and isinstance(node.func, cst.Name):
            return self.values_keys(node)
        if isinstance(node, (cst.List, cst.Tuple)):
            keys, everything = [], False
            for element in node.elements:
                found, unknown = self.keys_of(element.value)
                keys.extend(found)
                everything = everything or unknown
            return keys, everything
        return [], True

    def emit_chain(self, chain: Chain, node: cst.Call) -> None:
        primary = next(iter(chain.entities.values()))
        if chain.kind == "select":
            for key, target in chain.entities.items():
                self.emit(target, "read", node, chain.reads.get(key, []))
            return
        detail = {"insert": "create", "update": "update", "delete": "delete"}[chain.kind]
        self.emit(primary, detail, node, [] if chain.kind == "delete" else chain.writes, all_fields=chain.write_all and chain.kind != "delete")
        if chain.upserts:
            self.emit(primary, "update", node, chain.upserts)
        for key, target in chain.entities.items():
            if chain.reads.get(key):
                self.emit(target, f"read:{detail}", node, chain.reads[key])

    # -- session operations ----------------------------------------------------------------------

    def session_operation(self, name: str, call: cst.Call, receiver: cst.BaseExpression) -> bool:
        args = positional(call)
        if name in RUNNERS and args:
            self.runner_params(call, args)
            return False
        if not args or not (self.is_session(receiver) or self.names.is_flask_db(receiver)):
            return False
        if name in ("get", "get_or_404", "get_one"):
            target = self.whole_model(args[0])
            if target is None:
                return False
            self.emit(target, "read", call)
        elif name in ("add", "merge", "delete"):
            self.written_object(args[0], {"add": "create", "merge": "update", "delete": "delete"}[name], call)
        elif name in ("add_all", "bulk_save_objects") and isinstance(args[0], (cst.List, cst.Tuple)):
            for element in args[0].elements:
                self.written_object(element.value, "create", call)
        elif name in ("bulk_insert_mappings", "bulk_update_mappings") and len(args) >= 2:
            target = self.model_ref(args[0], variables=True)
            if target is None:
                return False
            keys, everything = self.keys_of(args[1])
            self.emit(target, "create" if name == "bulk_insert_mappings" else "update", call, keys, all_fields=everything)
        else:
            return False
        return True

    def runner_params(self, call: cst.Call, args: list[cst.BaseExpression]) -> None:
        """`session.execute(insert(M), [{"a": 1}])`: the rows' keys are the statement's columns."""
        if len(args) < 2 or not isinstance(_unwrap(args[0]), cst.Call):
            return
        self.params[id(_unwrap(args[0]))] = self.keys_of(args[1])

    def written_object(self, node: cst.BaseExpression, kind: str, call: cst.Call) -> None:
        node = _unwrap(node)
        built = self.constructed(node)
        if built is not None:
            self.emit(built.target, kind, call, [] if kind == "delete" else built.fields, all_fields=built.all_fields)
            return
        if isinstance(node, cst.Name):
            instance = self.lookup_instance(node.value)
            if instance is not None and instance.origin == "constructed":
                if instance.added is None and kind != "delete":
                    instance.added = (call, kind)
                return
            if instance is not None:
                if kind == "create" and (instance.origin == "loaded" or instance.modified):
                    return  # already persistent: its attribute writes are the updates
                how = "is the instance of" if instance.origin == "self" else "is annotated as"
                reason = f"`{node.value}` {how} {instance.target.written}"
                if kind != "delete":
                    reason += ": built elsewhere, the fields it sets are not known here"
                self.emit(instance.target, kind, call, confidence=instance.confidence, reason=reason)
                return
        loaded = self.loaded(node)
        if loaded is not None:
            self.emit(loaded, kind, call)
            return
        if not (self.names.sa_imported or self.names.flask_dbs):
            return
        written = dotted_name(node)
        if written is None:
            return
        self.emit(Target(written, confidence=LOW, reason=f"the class of `{written}` is not known statically"), kind, call)


def schema_classes(module: cst.Module) -> set[str]:
    """Classes of this module that validate data rather than map rows: pydantic models and SQLModel
    classes without `table=True` (and their subclasses). An argument annotated with one is not a row."""
    names: set[str] = set()
    for statement in top_level(module.body):
        if isinstance(statement, cst.ClassDef):
            table = any(arg.keyword is not None and arg.keyword.value == "table" and bool_value(arg.value) for arg in statement.keywords)
            bases = {callee_name(arg.value) for arg in statement.bases}
            if not table and bases & (SCHEMA_BASES | names):
                names.add(statement.name.value)
    return names


def model_classes(module: cst.Module, names: ModuleNames) -> set[str]:
    """Top-level classes of this module that evidently map rows: a `__tablename__`, `table=True`,
    a `db.Model` base, or a Column/mapped_column/Mapped attribute. In their methods `self` is a row."""
    found: set[str] = set()
    for statement in top_level(module.body):
        if not isinstance(statement, cst.ClassDef):
            continue
        if any(arg.keyword is not None and arg.keyword.value == "table" and bool_value(arg.value) for arg in statement.keywords):
            found.add(statement.name.value)
            continue
        if any(isinstance(arg.value, cst.Attribute) and arg.value.attr.value == "Model" and names.is_flask_db(arg.value.value) for arg in statement.bases):
            found.add(statement.name.value)
            continue
        for line in statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ():
            small = line.body[0] if isinstance(line, cst.SimpleStatementLine) and line.body else None
            if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == "__tablename__" for t in small.targets):
                found.add(statement.name.value)
                break
            value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            annotation = small.annotation.annotation if isinstance(small, cst.AnnAssign) else None
            if isinstance(value, cst.Call) and names.sa_callee(value.func, {"Column", "mapped_column"}):
                found.add(statement.name.value)
                break
            if isinstance(annotation, cst.Subscript) and callee_name(annotation.value) == "Mapped":
                found.add(statement.name.value)
                break
    return found


@dataclass
class Chain:
    """What one statement chain touches, while it is being read."""

    kind: str  # "select" | "insert" | "update" | "delete"
    entities: dict[tuple[str | None, str | None, str, str], Target] = field(default_factory=dict)
    reads: dict[tuple[str | None, str | None, str, str], list[str]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    write_all: bool = False
    upserts: list[str] = field(default_factory=list)
    current: Target | None = None  # what filter_by() filters: the last entity joined

    def add_entity(self, target: Target, column: str | None = None, *, joined: bool = False) -> None:
        self.entities.setdefault(target.key, target)
        if self.current is None or joined:
            self.current = target
        if column is not None:
            self.read(target, [column])

    def read(self, target: Target | None, columns: list[str], *, core: bool = False) -> None:
        if target is None:
            return
        if target.key not in self.entities:
            if not core:
                return  # `Status.paid` in a filter is an enum member, not a column of a joined model
            self.entities[target.key] = target
        self.reads.setdefault(target.key, []).extend(columns)


__all__ = ["SQLALCHEMY_QUERIES", "analyse_sqlalchemy_queries", "might_query"]
