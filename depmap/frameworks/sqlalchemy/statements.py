"""Reading one SQLAlchemy statement chain: which models and columns it reads and writes.

A statement is written as a chain of calls (`select(Order).join(Customer).where(Order.status ==
...).order_by(...)`, `session.query(Order).filter_by(status=...)`, `update(Order).where(...)
.values(total=...)`, `orders_table.insert().values(...)`), and knowing what each link brings in
(an entity, a join, a filter, the values written) is a job of its own. `StatementReader` turns a
chain into a `Chain` of entities, reads and writes; the queries visitor decides where chains
start and emits their facts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from depmap.python.tree import call_args, callee_name, elements, literal_string, positional_args
from depmap.frameworks.sqlalchemy.expressions import dict_items, keyword
from depmap.frameworks.sqlalchemy.names import ModuleNames
from depmap.frameworks.sqlalchemy.targets import Target, TargetResolver, unwrap_await

ENTITY_LINKS = frozenset({"select_from", "with_entities", "add_columns", "add_entity", "with_only_columns"})
JOIN_LINKS = frozenset({"join", "outerjoin", "join_from", "outerjoin_from"})
# Links (and loader options) after which a query no longer loads its models' rows whole, or none.
PARTIAL_LOADS = frozenset(
    {"count", "exists", "delete", "update", "with_entities", "with_only_columns", "values", "value", "load_only", "defer"}
)
CORE_CONTINUATIONS = frozenset({"values", "where", "returning", "filter", "order_by", "limit", "with_only_columns", "on_conflict_do_update", "on_conflict_do_nothing", "from_select"})


@dataclass
class Chain:
    """What one statement chain touches, while it is being read."""

    kind: str  # "select" | "insert" | "update" | "delete"
    entities: dict[tuple[str | None, str | None, str, str], Target] = field(default_factory=dict)
    reads: dict[tuple[str | None, str | None, str, str], list[str]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    write_all: bool = False
    upserts: list[str] = field(default_factory=list)
    value_calls: list[ast.Call] = field(default_factory=list)  # the links that name `writes`
    current: Target | None = None  # what filter_by() filters: the last entity joined
    whole: set[tuple[str | None, str | None, str, str]] = field(default_factory=set)  # selected as rows, every column

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


def _loads_part(call: ast.Call) -> bool:
    """`.options(load_only(Order.total))` / `defer(...)`: the rows are not loaded whole."""
    return any(isinstance(node, ast.Call) and callee_name(node.func) in PARTIAL_LOADS for node in ast.walk(call))


def unwind(node: ast.Call, targets: TargetResolver) -> tuple[ast.expr, list[tuple[str, ast.Call]]]:
    """`a.b(x).c(y)` -> (a, [("b", call b), ("c", call c)]); a statement constructor
    (`sa.select(M)`) is the root of the chain, not a link."""
    links: list[tuple[str, ast.Call]] = []
    current: ast.expr = node
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute) and targets.statement_kind(current) is None:
        links.append((current.func.attr, current))
        current = unwrap_await(current.func.value)
    links.reverse()
    return current, links


class StatementReader:
    """The entities, reads and writes of statement chains, through one module's names."""

    def __init__(self, targets: TargetResolver, names: ModuleNames) -> None:
        self.targets = targets
        self.names = names

    # -- where a chain starts --------------------------------------------------------------------

    def query_source(self, call: ast.Call, receiver: ast.expr) -> bool:
        """`session.query(M, M.a)`: some argument names a model, or the receiver is a session."""
        args = positional_args(call)
        if not args:
            return False
        if any(self.entity(arg, variables=False) for arg in args):
            return True
        return self.targets.is_session(receiver) and isinstance(args[0], ast.Name)

    def core_source(self, root: ast.expr, rest: list[tuple[str, ast.Call]]) -> bool:
        """`orders_table.insert()`: a Table variable of this module, or an imported name the
        chain treats as a statement (`.values()`, `.where()`...)."""
        if isinstance(root, ast.Subscript):
            return self.targets.literal_table(root) is not None
        if isinstance(root, ast.Attribute) and root.attr == "__table__":
            return True
        if not isinstance(root, ast.Name):
            return False
        if root.id in self.names.table_vars:
            return True
        imported = root.id in self.names.imports.names
        return imported and (bool(rest and rest[0][0] in CORE_CONTINUATIONS) or "table" in root.id.lower())

    # -- what a chain touches --------------------------------------------------------------------

    def entity(self, node: ast.expr, *, variables: bool) -> list[tuple[Target, str | None]]:
        """What a select/query argument loads: a model, a column of one, or the columns used in an
        expression (`func.count(Order.id)`)."""
        node = unwrap_await(node)
        if isinstance(node, ast.Attribute):
            ref = self.targets.column_ref(node)
            if ref is not None:
                return [ref]
        target = self.targets.argument_model(node)  # `select(model)`, `model` a parameter: the caller's
        if target is None and isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
            target = self.targets.model_ref(node, variables=variables)
        if target is not None:
            return [(target, None)]
        if isinstance(node, ast.Call) and self.targets.statement_kind(node) is not None:
            return []
        return [(ref, column) for ref, column in self.targets.column_refs(node)]

    def read(
        self,
        kind: str,
        source: ast.Call | None,
        links: list[tuple[str, ast.Call]],
        *,
        primary: Target | None = None,
        params: tuple[list[str], bool] | None = None,
    ) -> Chain | None:
        """One statement chain: collect its entities, then the fields each link uses; None when
        it names no entity. `params`: the keys of the rows `execute()` passes with it."""
        chain = Chain(kind)
        partial = any(name in PARTIAL_LOADS or (name == "options" and _loads_part(call)) for name, call in links)
        if primary is not None:
            chain.add_entity(primary)
            if kind == "select" and not partial:  # `Order.query.filter(...)`
                chain.whole.add(primary.key)
        if source is not None:
            args = positional_args(source)
            if kind == "select":
                for arg in args:
                    for target, column in self.entity(arg, variables=True):
                        chain.add_entity(target, column)
                        if column is None and not partial:  # `select(Order)`, `query(Order)`, `query(self.model)`
                            chain.whole.add(target.key)
            elif args:
                found = self.entity(args[0], variables=True)
                if found and found[0][1] is None:
                    chain.add_entity(found[0][0])
        for name, call in links:  # first pass: everything that brings an entity into the chain
            args = positional_args(call)
            if name in ENTITY_LINKS:
                for arg in args:
                    for target, column in self.entity(arg, variables=False):
                        chain.add_entity(target, column)
            elif name in JOIN_LINKS:
                for arg in args[: 2 if name.endswith("_from") else 1]:
                    for target, column in self.entity(arg, variables=False):
                        chain.add_entity(target, column, joined=column is None)
        if not chain.entities:
            return None
        for name, call in links:  # second pass: the columns each link uses
            args = positional_args(call)
            if name in ENTITY_LINKS:
                continue
            if name in JOIN_LINKS:
                args = args[2 if name.endswith("_from") else 1 :]
            if name == "filter_by":
                chain.read(chain.current, [item.arg for item in call.keywords if item.arg is not None])
                continue
            if name in ("values", "on_duplicate_key_update") or name == "update" and chain.kind == "select" and args:
                keys, everything = self.values_keys(call) if name != "update" else self.keys_of(args[0])
                if name == "on_duplicate_key_update":
                    chain.upserts.extend(keys)
                    continue
                chain.kind = "update" if chain.kind == "select" else chain.kind
                chain.value_calls.append(call)
                chain.writes.extend(keys)
                chain.write_all = chain.write_all or everything
                continue
            if name == "delete" and chain.kind == "select":
                chain.kind = "delete"
                continue
            if name == "on_conflict_do_update":
                chain.upserts.extend(self.keys_of(keyword(call, "set_"))[0])
                continue
            if name == "from_select" and args and isinstance(args[0], (ast.List, ast.Tuple)):
                chain.writes.extend(v for e in elements(args[0]) if (v := literal_string(e)) is not None)
                args = args[1:]
            for arg in [*args, *(item.value for item in call.keywords if item.arg is not None)]:
                for target, column in self.targets.column_refs(arg):
                    chain.read(target, [column], core=target.binding is not None or bool(target.table))
        if params is not None and not chain.writes and not chain.write_all:
            keys, everything = params
            chain.writes.extend(keys)
            chain.write_all = everything and not keys
        return chain

    def values_keys(self, call: ast.Call) -> tuple[list[str], bool]:
        """`values(a=1, b=2)`, `values({"a": 1})`, `values({M.a: 1})`, `values(**row)`."""
        keys: list[str] = []
        everything = False
        for arg in call_args(call):
            if arg.star == "**":
                everything = True
            elif arg.keyword is not None:
                keys.append(arg.keyword)
            elif not arg.star:
                found, unknown = self.keys_of(arg.value)
                keys.extend(found)
                everything = everything or unknown
        return keys, everything

    def keys_of(self, node: ast.expr | None) -> tuple[list[str], bool]:
        """Column names a dict (or a list of dicts, or `dict(a=...)`) sets; (_, True) when some
        keys cannot be read statically."""
        node = unwrap_await(node) if node is not None else None
        if isinstance(node, ast.Dict):
            keys: list[str] = []
            everything = False
            for key, _ in dict_items(node):
                name = literal_string(key)
                if name is None and isinstance(key, ast.Attribute):
                    ref = self.targets.column_ref(key)
                    name = ref[1] if ref is not None else None
                if name is None:
                    everything = True
                else:
                    keys.append(name)
            return keys, everything
        if isinstance(node, ast.Call) and callee_name(node.func) == "dict" and isinstance(node.func, ast.Name):
            return self.values_keys(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            keys, everything = [], False
            for element in elements(node):
                found, unknown = self.keys_of(element)
                keys.extend(found)
                everything = everything or unknown
            return keys, everything
        return [], True


__all__ = ["Chain", "StatementReader", "unwind"]
