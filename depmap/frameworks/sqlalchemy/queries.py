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

This module walks the file, follows local bindings and emits the facts; what a name stands for is
`targets`' job, what a statement chain touches `statements`', and what a
value holds `instances`'.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from depmap.model import HIGH, LOW, MEDIUM, READ, WRITE, Fact, Location, weaker
from depmap.orm.symbols import ORM_ACCESS, ORM_ATTRIBUTE, ORM_CREATE, ORM_DELETE, ORM_QUERY, ORM_UPDATE
from depmap.scan_context import ScanContext
from depmap.python.analysis import PythonAnalysis
from depmap.python.name_lines import call_arguments, first_lines
from depmap.python.prefilter import mentions, search_word
from depmap.python.tree import ParsedTree, call_args, callee_name, dotted_name, elements, literal_string, positional_args
from depmap.frameworks.sqlalchemy.expressions import python_snippet
from depmap.frameworks.sqlalchemy.instances import RUNNERS, InstanceReader, model_classes, schema_classes
from depmap.frameworks.sqlalchemy.names import GatherSqlalchemyVisitor, ModuleNames
from depmap.python.class_bindings import argument_positions
from depmap.frameworks.sqlalchemy.statements import Chain, StatementReader, unwind
from depmap.frameworks.sqlalchemy.targets import STATEMENTS, Frame, Instance, Target, TargetResolver, unwrap_await

# Cheap, but not so weak that a Django project passes it: Django's `qs.delete()`, `self.query` and
# `request.session.get()` look like SQLAlchemy to a plainer test (a quarter of a Django codebase).
# Every pattern starts with its literal (`prefilter`).
_QUERY_ATTRIBUTE = re.compile(r"\.query\s*[.(]")  # `Post.query.filter_by()`, `session.query()`
_CORE_COLUMN = re.compile(r"\.c\.\w")
_CORE_CHAINS = tuple(re.compile(rf"\.{verb}\(\)\s*\.\w") for verb in ("update", "delete"))  # `.delete().where(...)`
_EXECUTED_CORE = re.compile(r"execute\(\s*[\w.]+\.(?:update|delete)\(\)")
_SESSION_METHODS = r"\.(?:query|add|add_all|get|get_or_404|execute|exec|scalars?|merge|delete|bulk_\w+)\("
_SESSION_CALL = re.compile("session" + _SESSION_METHODS)
_DB_CALL = re.compile("db" + _SESSION_METHODS)

# What refines or runs a query held in a variable (`Query` and `Select` methods).
QUERY_LINKS = frozenset({
    "filter", "filter_by", "where", "order_by", "group_by", "having", "join", "outerjoin", "options", "limit", "offset",
    "distinct", "all", "first", "one", "one_or_none", "scalar", "count", "paginate", "first_or_404", "one_or_404",
    "delete", "update", "with_entities", "subquery", "exists", "union", "union_all",
})  # fmt: skip
QUERY_RESULTS = frozenset({"all", "first", "one", "one_or_none", "scalar", "count", "paginate", "first_or_404", "one_or_404", "subquery", "cte", "alias", "exists"})
INSTANCE_UPDATES = frozenset({"sqlmodel_update"})  # SQLModel: copy every given field onto the row
DETAIL = {"read": ORM_QUERY, "create": ORM_CREATE, "update": ORM_UPDATE, "delete": ORM_DELETE, "attribute": ORM_ATTRIBUTE}


def analyse_sqlalchemy_queries(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """ORM_ACCESS facts of one file (unsorted)."""
    return GatherQueriesVisitor(parsed, ModuleNames.of(parsed.tree, parsed.module_name)).gather()


def might_query(text: str) -> bool:
    return (
        mentions(text, "sqlalchemy")
        or "sqlmodel" in text
        or ".insert()" in text
        or ".select()" in text
        or any(pattern.search(text) for pattern in (_QUERY_ATTRIBUTE, _CORE_COLUMN, *_CORE_CHAINS, _EXECUTED_CORE))
        or search_word(_SESSION_CALL, text, not_after="request.")
        or search_word(_DB_CALL, text)
    )


SQLALCHEMY_QUERIES = PythonAnalysis("sqlalchemy queries", might_query, analyse_sqlalchemy_queries)


# -- the visitor -----------------------------------------------------------------------------------


class GatherQueriesVisitor(GatherSqlalchemyVisitor):
    """Fills `facts` with the ORM_ACCESS facts of one module, in one pass."""

    def __init__(self, parsed: ParsedTree, names: ModuleNames) -> None:
        super().__init__(parsed, names)
        self.frames: list[Frame] = [Frame()]
        self.consumed: set[int] = set()  # calls already read as part of an enclosing chain
        self.callees: set[int] = set()  # the `func` of every call seen
        self.params: dict[int, tuple[list[str], bool]] = {}  # id(statement) -> keys of execute() rows
        self.schemas = schema_classes(parsed.tree)
        self.models = model_classes(parsed.tree, names)
        self.guesses: list[Fact] = []  # writes through annotations: kept if the class is evidently a model
        self.targets = TargetResolver(parsed.source, parsed.module_name, names, self.frames)
        self.statements = StatementReader(self.targets, names)
        self.instances = InstanceReader(self.targets, names, self.schemas)

    # -- locations and facts ---------------------------------------------------------------------

    def code(self, node: ast.AST) -> str:
        return self.parsed.source.segment(node)

    def emit(
        self,
        target: Target,
        kind: str,
        node: ast.AST,
        fields: Iterable[str] = (),
        *,
        all_fields: bool = False,
        confidence: str = HIGH,
        reason: str | None = None,
        guess: bool = False,
        written_in: Sequence[ast.AST] = (),
        built: ast.AST | None = None,
        rows: bool = False,
    ) -> None:
        """One ORM_ACCESS fact; `extra["field_lines"]` has the line of each field first named on
        another line than the fact's, looked for in `written_in` (the `.values(...)` links) first.
        A new instance's INSERT sits at its constructor (`built`), where the model is named, and
        spans to the `session.add()` of `node`; both lines are in `extra["lines"]`."""
        start = built if built is not None and built.lineno < node.lineno else node  # type: ignore[attr-defined]
        location = Location(self.parsed.path, start.lineno, node.end_lineno, symbol=self.symbol)  # type: ignore[attr-defined]
        confidence = weaker(target.confidence, confidence)
        extra: dict[str, Any] = {
            "model": target.model,
            "model_name": target.written,
            "relation": [],
            "fields": list(dict.fromkeys(fields)),
            "all_fields": all_fields,
            "aliases": [],
        }
        named = first_lines(extra["fields"], written_in, [node])
        if lines := {name: line for name, line in named.items() if line != location.line}:
            extra["field_lines"] = lines
        if target.binding is not None or target.table:
            extra["table_binding"] = target.binding
        if start is not node:
            extra["lines"] = [start.lineno, node.lineno]  # type: ignore[attr-defined]
        if rows:  # the query loads its model's rows: every column (the linker adds the rest)
            extra["rows"] = True
        if kind == "read" and (related := loader_paths(node, target.written)):
            extra["related"] = related
        if confidence != HIGH:
            extra["reason"] = reason or target.reason
        if target.receiver is not None:  # an effect of this method on whatever its caller binds
            extra["receiver"] = target.receiver
            extra["callable"] = self.symbol
        access = READ if kind.startswith("read") else WRITE
        detail = DETAIL[kind.split(":")[-1]]
        snippet = python_snippet(self.code(node))  # `ast` ranges leave a call's parentheses out
        fact = Fact(ORM_ACCESS, target.table, location, (), access, detail, "orm", confidence, snippet, extra)
        (self.guesses if guess else self.facts).append(fact)

    # -- scopes ----------------------------------------------------------------------------------

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().enter_function(node)
        frame = Frame()
        params = node.args
        owner = self.scopes[-2] if len(self.scopes) > 1 else None
        frame.arguments = argument_positions(node, in_class=owner is not None and owner[0] == "class")
        if owner is not None and len(self.scopes) == 2 and owner[0] == "class" and owner[1] not in self.models:
            self.receiver_frame(node, frame)
        if owner is not None and owner[0] == "class" and owner[1] in self.models and params.args and node.name != "__init__":
            first = params.args[0].arg  # `self` in a method of a model: this row
            decorators = {callee_name(d) for d in node.decorator_list}
            model = Target(owner[1], model=f"{self.module_name}.{owner[1]}")
            if "classmethod" in decorators:  # `cls` is the model itself: `cls.query`, `cls.slug`, `cls(...)`
                frame.aliases[first] = replace(model, receiver="cls")  # (or a subclass, where it is called)
            elif first in ("self", "cls") and "staticmethod" not in decorators:
                frame.instances[first] = Instance(replace(model, receiver="self"), "self", MEDIUM)
        for param in (*params.posonlyargs, *params.args, *params.kwonlyargs):
            name = param.arg
            annotation = param.annotation
            if annotation is not None:
                if "Session" in self.code(annotation) or "session" in self.code(annotation):
                    frame.sessions.add(name)
                    continue
                target = self.instances.annotated_model(annotation)
                if target is not None:
                    frame.instances[name] = Instance(target, "annotated", MEDIUM)
        self.frames.append(frame)

    def receiver_frame(self, node: ast.FunctionDef | ast.AsyncFunctionDef, frame: Frame) -> None:
        """In a method of a class that is no model (a mixin, a generic repository), `cls`, `self` and
        the attributes of `self` used as a model (`select(self.model)`, set by a base class's
        `__init__` or a class attribute) stand for whatever model the caller binds: their ORM
        operations are the method's effects, kept for the linker."""
        params = node.args
        decorators = {callee_name(d) for d in node.decorator_list}
        if not params.args or "staticmethod" in decorators or node.name == "__init__":
            return
        first = params.args[0].arg
        if "classmethod" in decorators:
            frame.aliases[first] = Target(first, receiver="cls")
        elif first == "self":
            frame.instances[first] = Instance(Target(first, receiver="self"), "receiver", MEDIUM)
            frame.receivers.add(first)

    def leave_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.flush(self.frames.pop())
        super().leave_function(node)

    def leave_Module(self, node: ast.Module) -> None:
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
                self.emit(instance.target, kind, node, instance.fields, all_fields=instance.all_fields, built=instance.built)

    # -- assignments: instances, aliases, sessions -----------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.assigned(target, node.value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assigned(node.target, node.value, node)
        elif isinstance(node.target, ast.Name):
            target = self.instances.annotated_model(node.annotation)
            if target is not None:
                self.frames[-1].instances[node.target.id] = Instance(target, "annotated", MEDIUM)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Attribute):
            self.attribute_write(node.target.value, [node.target.attr], node)

    def assigned(self, target: ast.expr, value: ast.expr, statement: ast.stmt) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in elements(target):
                if isinstance(element, ast.Attribute):
                    self.attribute_write(element.value, [element.attr], statement)
            return
        if isinstance(target, ast.Attribute):
            self.attribute_write(target.value, [target.attr], statement)
            return
        if not isinstance(target, ast.Name) or self.scopes and self.scopes[-1][0] == "class":
            return  # class attributes (columns, pydantic fields) are not local variables
        frame = self.frames[-1]
        name = target.id
        many = self.instances.iterated(value)  # before the name is rebound: `q = q.filter(...)` keeps q's model
        columns_of = self.query_of_columns(value) if many is None else None
        frame.instances.pop(name, None)
        frame.aliases.pop(name, None)
        frame.collections.pop(name, None)
        frame.queries.pop(name, None)
        if columns_of is not None:
            frame.queries[name] = columns_of
        value = unwrap_await(value)
        if isinstance(value, ast.Call) and callee_name(value.func) == "aliased" and positional_args(value):
            alias = self.targets.model_ref(positional_args(value)[0])
            if alias is not None:
                frame.aliases[name] = alias
            return
        if isinstance(value, ast.Call) and self.targets.is_session(value):  # `s = Session(engine)`, `get_session()`
            frame.sessions.add(name)
            return
        built = self.instances.constructed(value)
        if built is not None:
            frame.instances[name] = built
            frame.constructed.append(built)
            return
        loaded = self.instances.loaded(value)
        if loaded is not None:
            frame.instances[name] = Instance(loaded, "loaded", HIGH)
            return
        if many is not None:
            frame.collections[name] = many

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        if isinstance(node.target, ast.Name):
            entity = self.instances.iterated(node.iter)
            if entity is not None:
                self.frames[-1].instances[node.target.id] = Instance(entity, "loaded", HIGH)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            call = unwrap_await(item.context_expr)
            if isinstance(item.optional_vars, ast.Name) and isinstance(call, ast.Call):
                name = callee_name(call.func) or ""
                if "session" in name.lower() or (name == "begin" and self.targets.is_session(call.func.value if isinstance(call.func, ast.Attribute) else call)):
                    self.frames[-1].sessions.add(item.optional_vars.id)

    visit_AsyncWith = visit_With

    def attribute_write(self, owner: ast.expr, names: list[str], statement: ast.AST, *, all_fields: bool = False) -> None:
        if not isinstance(owner, ast.Name):
            return
        instance = self.targets.lookup_instance(owner.id)
        names = [name for name in names if not name.startswith("_")]
        if instance is None or not (names or all_fields) or instance.origin == "receiver":
            return
        if instance.origin == "constructed":
            instance.fields.extend(names)
            instance.all_fields = instance.all_fields or all_fields
            return
        instance.modified = True
        how = {"annotated": "is annotated as", "self": "is the instance of", "loaded": "was loaded as"}[instance.origin]
        reason = f"`{owner.id}` {how} {instance.target.written}: the assignment is written to its row on flush"
        guess = instance.origin == "annotated"  # `response: Response` is annotated too
        self.emit(instance.target, "update", statement, names, all_fields=all_fields, confidence=MEDIUM, reason=reason, guess=guess)

    # -- calls -----------------------------------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`order.status` on a row loaded (or annotated, or `self` of a model): an attribute read of
        that column (the linker keeps fields only); a row built here is not read from the database."""
        if not isinstance(node.ctx, ast.Load) or not isinstance(node.value, ast.Name) or id(node) in self.callees:
            return
        instance = self.targets.lookup_instance(node.value.id)
        if instance is None or instance.origin not in ("loaded", "annotated", "self") or node.attr.startswith("_"):
            return
        self.emit(instance.target, "read:attribute", node, [node.attr], guess=instance.origin == "annotated")

    def visit_Call(self, node: ast.Call) -> None:
        self.callees.add(id(node.func))  # `order.save` in `order.save()`: a method, not a field read
        if id(node) in self.consumed:
            return
        root, links = unwind(node, self.targets)
        self.consumed.update(id(call) for _, call in links)
        if isinstance(root, ast.Call):
            self.consumed.add(id(root))
        if isinstance(node.func, ast.Attribute) and node.func.attr in INSTANCE_UPDATES:
            self.attribute_write(node.func.value, [], node, all_fields=True)
            return
        if isinstance(node.func, ast.Name) and node.func.id == "setattr" and len(node.args) + len(node.keywords) >= 2:
            args = call_args(node)
            name = literal_string(args[1].value)
            self.attribute_write(args[0].value, [name] if name else [], node, all_fields=name is None)
            return
        if isinstance(root, ast.Call) and (kind := self.targets.statement_kind(root)) is not None:
            self.statement(node, kind, root, links)
            return
        if isinstance(root, ast.Attribute) and root.attr == "query" and links:
            target = self.targets.model_ref(root.value)
            if target is not None and target.binding is None:
                self.statement(node, "select", None, links, primary=target)
            return
        if isinstance(root, ast.Name) and (held := self.held_query(root.id, links)) is not None:
            # `awards = awards.filter(...)`, `awards.all()`; a query of columns loads no row whole
            self.statement(node, "select", None, links, primary=held, whole_rows=self.targets.collection(root.id) is not None)
            return
        for index, (name, call) in enumerate(links):
            receiver = links[index - 1][1] if index else root
            if name == "query" and self.statements.query_source(call, receiver):
                self.statement(node, "select", call, links[index + 1 :])
                return
            if name in STATEMENTS and index == 0 and not positional_args(call) and self.statements.core_source(root, links[1:]):
                self.statement(node, name, None, links[1:], primary=self.targets.table_ref(root))
                return
            if self.session_operation(name, call, receiver):
                return

    def held_query(self, name: str, links: list[tuple[str, ast.Call]]) -> Target | None:
        """The model of a query a name holds (`awards = Awards.query.filter_by(...)` earlier in the
        function) when the chain goes on refining or running it: each refinement names columns, and
        the run is where the statement executes. A list of rows has none of these methods (`count`
        takes an argument there)."""
        if not links or links[0][0] not in QUERY_LINKS or (links[0][0] == "count" and call_args(links[0][1])):
            return None
        return self.targets.held_query(name)

    def query_of_columns(self, value: ast.expr) -> Target | None:
        """`q = db.session.query(M.a, func.sum(M.b))...`, not run yet: the model whose columns it
        selects, so that `q = q.filter(...)` and `q.first()` further on are its reads too."""
        value = unwrap_await(value)
        if not isinstance(value, ast.Call):
            return None
        root, links = unwind(value, self.targets)
        if links and links[-1][0] in QUERY_RESULTS:
            return None  # run: rows, not a query
        if isinstance(root, ast.Name):
            return self.targets.held_query(root.id) if links and links[0][0] in QUERY_LINKS else None
        args: list[ast.expr] = []
        if isinstance(root, ast.Call) and self.targets.statement_kind(root) == "select":
            args = positional_args(root)
        for index, (name, call) in enumerate(links):
            if name == "query" and self.statements.query_source(call, links[index - 1][1] if index else root):
                args = positional_args(call)
                break
        for arg in args:
            for target, _column in self.statements.entity(arg, variables=False):
                return target
        return None

    # -- statements ------------------------------------------------------------------------------

    def statement(
        self,
        node: ast.Call,
        kind: str,
        source: ast.Call | None,
        links: list[tuple[str, ast.Call]],
        *,
        primary: Target | None = None,
        whole_rows: bool = True,
    ) -> None:
        """One statement chain: read what it touches, then emit (`whole_rows` False: the chain
        selects columns, whatever entity it starts from)."""
        chain = self.statements.read(kind, source, links, primary=primary, params=self.params.get(id(node)))
        if chain is not None:
            self.emit_chain(chain, node, whole_rows)

    def emit_chain(self, chain: Chain, node: ast.Call, whole_rows: bool = True) -> None:
        primary = next(iter(chain.entities.values()))
        if chain.kind == "select":
            for key, target in chain.entities.items():
                self.emit(target, "read", node, chain.reads.get(key, []), rows=whole_rows and key in chain.whole)
            return
        detail = {"insert": "create", "update": "update", "delete": "delete"}[chain.kind]
        writes = [] if chain.kind == "delete" else chain.writes
        calls = [argument for call in chain.value_calls for argument in call_arguments(call)]
        self.emit(primary, detail, node, writes, all_fields=chain.write_all and chain.kind != "delete", written_in=calls)
        if chain.upserts:
            self.emit(primary, "update", node, chain.upserts)
        for key, target in chain.entities.items():
            if chain.reads.get(key):
                self.emit(target, f"read:{detail}", node, chain.reads[key])

    # -- session operations ----------------------------------------------------------------------

    def session_operation(self, name: str, call: ast.Call, receiver: ast.expr) -> bool:
        args = positional_args(call)
        if name in RUNNERS and args:
            self.runner_params(call, args)
            return False
        if not args or not (self.targets.is_session(receiver) or self.names.is_flask_db(receiver)):
            return False
        if name in ("get", "get_or_404", "get_one"):
            target = self.targets.whole_model(args[0])
            if target is None:
                return False
            self.emit(target, "read", call, rows=True)
        elif name in ("add", "merge", "delete"):
            self.written_object(args[0], {"add": "create", "merge": "update", "delete": "delete"}[name], call)
        elif name in ("add_all", "bulk_save_objects") and isinstance(args[0], (ast.List, ast.Tuple)):
            for element in elements(args[0]):
                self.written_object(element, "create", call)
        elif name in ("bulk_insert_mappings", "bulk_update_mappings") and len(args) >= 2:
            target = self.targets.model_ref(args[0], variables=True)
            if target is None:
                return False
            keys, everything = self.statements.keys_of(args[1])
            self.emit(target, "create" if name == "bulk_insert_mappings" else "update", call, keys, all_fields=everything)
        else:
            return False
        return True

    def runner_params(self, call: ast.Call, args: list[ast.expr]) -> None:
        """`session.execute(insert(M), [{"a": 1}])`: the rows' keys are the statement's columns."""
        if len(args) < 2 or not isinstance(unwrap_await(args[0]), ast.Call):
            return
        self.params[id(unwrap_await(args[0]))] = self.statements.keys_of(args[1])

    def written_object(self, node: ast.expr, kind: str, call: ast.Call) -> None:
        node = unwrap_await(node)
        built = self.instances.constructed(node)
        if built is not None:
            self.emit(built.target, kind, call, [] if kind == "delete" else built.fields, all_fields=built.all_fields)
            return
        if isinstance(node, ast.Name):
            instance = self.targets.lookup_instance(node.id)
            if instance is not None and instance.origin == "constructed":
                if instance.added is None and kind != "delete":
                    instance.added = (call, kind)
                return
            if instance is not None:
                if kind == "create" and (instance.origin == "loaded" or instance.modified):
                    return  # already persistent: its attribute writes are the updates
                how = "is the instance of" if instance.origin in ("self", "receiver") else "is annotated as"
                reason = f"`{node.id}` {how} {instance.target.written}"
                if kind != "delete":
                    reason += ": built elsewhere, the fields it sets are not known here"
                self.emit(instance.target, kind, call, confidence=instance.confidence, reason=reason)
                return
        loaded = self.instances.loaded(node)
        if loaded is not None:
            self.emit(loaded, kind, call)
            return
        if not (self.names.sa_imported or self.names.flask_dbs):
            return
        written = dotted_name(node)
        if written is None:
            return
        self.emit(Target(written, confidence=LOW, reason=f"the class of `{written}` is not known statically"), kind, call)


__all__ = ["SQLALCHEMY_QUERIES", "analyse_sqlalchemy_queries", "might_query"]


# Loader options that load a relationship's rows whole, with the statement or right after it.
LOADERS = frozenset({"selectinload", "joinedload", "subqueryload", "immediateload", "contains_eager"})


def loader_paths(node: ast.AST, written: str) -> list[str]:
    """The relationship paths that loader options in `node` load from the class written `written`:
    `selectinload(Invoice.lines)` is "lines", `joinedload(Order.lines).joinedload(Line.product)`
    "lines__product" (the linker reads every column of each model along a path)."""
    paths: list[str] = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            root, parts = _loader_path(call)
            if root == written and parts and "__".join(parts) not in paths:
                paths.append("__".join(parts))
    return paths


def _loader_path(call: ast.Call) -> tuple[str | None, list[str]]:
    if callee_name(call.func) not in LOADERS or not call.args or not isinstance(call.args[0], ast.Attribute):
        return None, []
    attribute = call.args[0]
    parent = call.func.value if isinstance(call.func, ast.Attribute) else None
    if isinstance(parent, ast.Call) and callee_name(parent.func) in LOADERS:
        root, parts = _loader_path(parent)
        return (root, [*parts, attribute.attr]) if root else (None, [])
    return dotted_name(attribute.value), [attribute.attr]
