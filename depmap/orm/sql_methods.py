"""Methods that run raw SQL, called on an object of their class: the SQL's reads and writes at the call.

`repo = OrderRepository(conn); repo.open_orders(1)` runs `SELECT … FROM orders` in
`OrderRepository.open_orders`: a reviewer changing `orders` must see the call too, as for an ORM
repository (`depmap.orm.calls`). The calls are the ORM_CALL facts the objects analysis records
(an instance built or annotated in the function, a module-level object, a class); the method is
looked up through the class's bases, and the statements of its body (facts of the SQL engine whose
symbol is the method) are reported once per table and access at the call, `inferred_from` naming
the method. Calls a method makes on `self` are followed a few levels deep.
"""

from __future__ import annotations

from collections import defaultdict

from depmap.model import ACCESS, Fact, Location, merged_per_table, weaker
from depmap.orm.calls import MAX_DEPTH, CallEffects
from depmap.orm.symbols import ORM_CALL


def sql_method_calls(calls: CallEffects, facts: list[Fact]) -> list[Fact]:
    by_method: dict[str, list[Fact]] = defaultdict(list)
    on_self: dict[str, list[str]] = defaultdict(list)  # method -> the methods it calls on self
    for fact in facts:
        if fact.kind == ACCESS and fact.via in ("sql", "migration") and fact.location.symbol and "inferred_from" not in fact.extra:
            by_method[fact.location.symbol].append(fact)
        elif fact.kind == ORM_CALL and fact.extra.get("receiver") == "self" and fact.extra.get("callable"):
            on_self[fact.extra["callable"]].append(fact.extra.get("method", ""))
    if not by_method:
        return []
    found: list[Fact] = []
    for call in facts:
        if call.kind != ORM_CALL:
            continue
        classes, how = calls.classes_of(call)
        method = _method(classes, call.extra["method"], by_method, on_self) if classes else None
        if method is None:
            continue
        effects = _effects(method, classes, by_method, on_self, 0, set())
        label = f"method {method}" + (f" on {how}" if how else "")
        found.extend(_at_call(effect, call, label) for effect in merged_per_table(effects))
    return found


def _method(classes: list[str], name: str, by_method: dict, on_self: dict) -> str | None:
    return next((f"{c}.{name}" for c in classes if f"{c}.{name}" in by_method or f"{c}.{name}" in on_self), None)


def _effects(method: str, classes: list[str], by_method: dict, on_self: dict, depth: int, seen: set[str]) -> list[Fact]:
    if method in seen or depth > MAX_DEPTH:
        return []
    seen = seen | {method}
    effects = list(by_method.get(method, ()))
    for name in on_self.get(method, ()):
        inner = _method(classes, name, by_method, on_self)
        if inner is not None:
            effects.extend(_effects(inner, classes, by_method, on_self, depth + 1, seen))
    return effects


def _at_call(effect: Fact, call: Fact, label: str) -> Fact:
    location = Location(call.location.path, call.location.line, call.location.end_line, symbol=call.location.symbol)
    extra = {"inferred_from": label, "code": f"{effect.location.path}:{effect.location.line}"}
    return Fact(effect.kind, effect.table, location, effect.columns, effect.access, effect.detail, "sql", weaker(effect.confidence, call.confidence), call.snippet, extra)
