"""Method calls that run ORM operations on the caller's model: mixins, class methods, repositories.

`Category.get_by(id=x)` runs `select(cls).filter_by(...)` in `CRUDMixin.get_by`; `crud.users.get(db,
id)` runs `db.query(self.model)` in `CRUDBase.get` with `self.model` bound to `User` by
`users = CRUDBase(User)`. Per file, scanners record the operations a method does on `cls`, `self`
or a bound `self.<attr>` (ORM_ACCESS with `receiver` and `callable`), the calls (ORM_CALL), the
classes and the module-level objects (`depmap.orm.objects`). Here, with every file seen, each call
is resolved to its method through the class's bases, the receivers are bound (`cls`/`self` to the
model called on, `self.model` to the constructor argument or class attribute that sets it), and
the method's operations become symbolic ORM_ACCESS facts at the call site, which the access
resolver then reads like any other. `notes.inferred_from` names the method (and the object).

Receivers are also a function's parameters (`count_rows(db, Order)` runs `select(model)`: "arg:1:
model", bound by position or keyword). Only operations on a receiver travel to the call site: what
a method does to a model it names itself is already reported in its body. Calls inside methods
(`cls.get_by(...)` in `get_by_or_404`) chain, a few levels deep. A generic method's body is also
reported once per model a binder gives it (a module-level object, or a subclass's `model = X`),
where the statement about that model is built.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Container, Iterable

from depmap.model import HIGH, Fact, weaker
from depmap.orm.registry import Registry
from depmap.orm.symbols import ORM_ACCESS, ORM_CALL, ORM_CREATE, ORM_UPDATE, PY_CLASS, PY_OBJECT

MAX_DEPTH = 4


@dataclass
class _Class:
    bases: list[str]
    parameters: dict[str, list]
    names: dict[str, str]


class CallEffects:
    """Turns ORM_CALL facts into the ORM_ACCESS facts their methods do at each call site."""

    def __init__(self, registry: Registry, facts: Iterable[Fact]) -> None:
        self.registry = registry
        self.classes: dict[str, _Class] = {}
        self.objects: dict[str, Fact] = {}
        self.effects: dict[str, list[Fact]] = {}
        for fact in facts:
            extra = fact.extra
            if fact.kind == PY_CLASS:
                self.classes[extra["class"]] = _Class(list(extra.get("bases") or []), extra.get("init_parameters") or {}, extra.get("class_names") or {})
            elif fact.kind == PY_OBJECT:
                self.objects[extra["object"]] = fact
            elif fact.kind in (ORM_ACCESS, ORM_CALL) and extra.get("receiver") and extra.get("callable"):
                self.effects.setdefault(extra["callable"], []).append(fact)
        self._by_name: dict[str, list[str]] = {}
        for name in self.objects:
            self._by_name.setdefault(name.rsplit(".", 1)[-1], []).append(name)
        self._classes_named: dict[str, list[str]] = {}
        for name in self.classes:
            self._classes_named.setdefault(name.rsplit(".", 1)[-1], []).append(name)
        self._by_class: dict[str, list[str]] = {}  # class -> its methods that have effects
        for callable_ in self.effects:
            self._by_class.setdefault(callable_.rsplit(".", 1)[0], []).append(callable_)
        self._functions_named: dict[str, list[str]] = {}
        for callable_ in self.effects:
            self._functions_named.setdefault(callable_.rsplit(".", 1)[-1], []).append(callable_)
        self._resolved: dict[str, str] = {}
        self._mros: dict[str, list[str]] = {}

    # -- what the receiver is ------------------------------------------------------------------------

    def _class(self, name: str | None) -> str | None:
        """A class by the name a fact wrote: a model (re-exports followed), a recorded class, one
        recorded class of that name in the same top package, else the name itself (a plain mixin,
        `class CRUDMixin:`, leaves no fact but its methods still count). Memoised: asked per call."""
        if not name:
            return None
        if name not in self._resolved:
            self._resolved[name] = self._find_class(name)
        return self._resolved[name]

    def _find_class(self, name: str) -> str:
        if name in self.classes or name in self.registry.models:
            return name
        resolution = self.registry.resolve(name)
        if resolution.model is not None and resolution.confidence == HIGH:
            return resolution.model.qualname
        top = name.split(".", 1)[0]
        found = [q for q in self._classes_named.get(name.rsplit(".", 1)[-1], []) if q.split(".", 1)[0] == top]
        return found[0] if len(found) == 1 else name

    def _bases(self, name: str) -> list[str]:
        if name in self.classes:
            return self.classes[name].bases
        model = self.registry.models.get(name)
        return list(model.bases) if model is not None else []

    def mro(self, name: str) -> list[str]:
        """The class and its bases, depth first, each once (enough for mixins and generic bases)."""
        if name not in self._mros:
            self._mros[name] = self._mro(name)
        return self._mros[name]

    def _mro(self, name: str) -> list[str]:
        order: list[str] = []
        stack = [name]
        while stack and len(order) < 32:
            current = self._class(stack.pop(0))
            if current is None or current in order:
                continue
            order.append(current)
            stack = self._bases(current) + stack
        return order

    def _function(self, name: str) -> str | None:
        """A function with effects by qualified name, or re-exported by its package."""
        return reexported(name, self.effects, self._functions_named)

    def _object(self, name: str) -> Fact | None:
        """A module-level object by qualified name, or re-exported by a package (`crud.users` for
        `app.crud.crud_user.users` through `from .crud_user import *`)."""
        found = reexported(name, self.objects, self._by_name)
        return self.objects[found] if found is not None else None

    def _bindings(self, classes: list[str], fact: Fact | None) -> dict[str, str]:
        """`self.<attr>` -> the model name the class attribute or the object's constructor gives."""
        env: dict[str, str] = {}
        args = (fact.extra.get("args") or []) if fact is not None else []
        keywords = (fact.extra.get("keywords") or {}) if fact is not None else {}
        for name in reversed(classes):  # the most derived class wins
            info = self.classes.get(name)
            if info is None:
                continue
            for attr, written in info.names.items():
                env[f"self.{attr}"] = written
            for attr, (position, parameter) in info.parameters.items():
                value = keywords.get(parameter)
                if value is None and position is not None and position < len(args):
                    value = args[position]
                if value and value.rsplit(".", 1)[-1][:1].isupper():  # a class, not `session` or `None`
                    env[f"self.{attr}"] = value
        return env

    # -- calls ---------------------------------------------------------------------------------------

    def at_call(self, call: Fact) -> list[Fact]:
        """The symbolic ORM_ACCESS facts a call site does through its method (none: not such a call)."""
        extra = call.extra
        if extra.get("receiver"):
            return []  # a call inside a method: applied where that method is called
        if extra.get("function"):  # `count_rows(db, Order)`: its effects on the parameters it is given
            function = self._function(extra["function"])
            return self._apply_effects(call, function, [], {}, extra, None, 0, set()) if function else []
        start, bound, how = self._receiver(extra)
        if start is None:
            return []
        classes = self.mro(start)
        if bound is not None:
            env = self._bindings(classes, bound)
        elif start in self.registry.models:
            env = {**self._bindings(classes, None), "cls": start, "self": start}
        else:
            return []  # a plain class: its raw SQL travels through `depmap.orm.called_code`
        return self._apply(call, classes, extra["method"], env, extra, how, 0, set())

    def classes_of(self, call: Fact) -> tuple[list[str], str | None]:
        """The classes a call's method is looked up in (its receiver's class and bases, any class,
        not only a model) and how the receiver was bound; nothing for a call inside a method or a
        function given classes."""
        extra = call.extra
        if extra.get("receiver") or extra.get("function") or not extra.get("method"):
            return [], None
        start, _, how = self._receiver(extra)
        return (self.mro(start), how) if start else ([], None)

    def _receiver(self, extra: dict[str, Any]) -> tuple[str | None, Fact | None, str | None]:
        """(class, the module-level object bound to it, how it was bound) of a call's receiver:
        an object (`crud.users`) or a class or instance (`model`)."""
        if extra.get("object"):
            bound = self._object(extra["object"])
            start = self._class(bound.extra.get("class")) if bound is not None else None
            if bound is None or start is None:
                return None, None, None
            return start, bound, f"{extra['object']}, bound by {bound.extra['object']} = {bound.extra['class'].rsplit('.', 1)[-1]}(...)"
        return self._class(extra.get("model")), None, None

    def _apply(
        self, call: Fact, classes: list[str], method: str, env: dict[str, str], site: dict[str, Any], how: str | None, depth: int, seen: set[str]
    ) -> list[Fact]:
        callable_ = next((f"{name}.{method}" for name in classes if f"{name}.{method}" in self.effects), None)
        return self._apply_effects(call, callable_, classes, env, site, how, depth, seen) if callable_ else []

    def _apply_effects(
        self, call: Fact, callable_: str, classes: list[str], env: dict[str, str], site: dict[str, Any], how: str | None, depth: int, seen: set[str]
    ) -> list[Fact]:
        if callable_ in seen or depth > MAX_DEPTH:
            return []
        seen = seen | {callable_}
        found: list[Fact] = []
        for effect in self.effects[callable_]:
            receiver = effect.extra["receiver"]
            if effect.kind == ORM_CALL:
                if receiver in ("cls", "self"):
                    found.extend(self._apply(call, classes, effect.extra["method"], env, site, how, depth + 1, seen))
                continue
            model = env.get(receiver) or _argument(receiver, site)
            if model is None or effect.extra.get("relation"):
                continue
            found.append(self._at_site(call, effect, model, site, how or callable_))
        return found

    def _at_site(self, call: Fact, effect: Fact, model: str, site: dict[str, Any], how: str) -> Fact:
        extra = {k: v for k, v in effect.extra.items() if k not in ("receiver", "callable", "field_lines", "lines", "reason")}
        extra.update(model=model, model_name=site.get("model_name"), inferred_from=how)
        detail = effect.detail
        if detail == ORM_CREATE and effect.extra["receiver"] == "self" and site.get("origin") not in (None, "constructed"):
            detail, extra["all_fields"] = ORM_UPDATE, True  # `save()` adds a row it loaded: an UPDATE
        confidence = weaker(call.confidence, effect.confidence)
        return replace(effect, location=call.location, detail=detail, confidence=confidence, snippet=call.snippet, extra=extra)

    # -- generic bodies ------------------------------------------------------------------------------

    def in_bodies(self) -> list[Fact]:
        """Each operation of a generic class's methods on `self.<attr>`, once per model a binder
        gives it: an object (`db.query(self.model)` in `CRUDBase.get` reads `users` for `users =
        CRUDBase(User)`) or a subclass's class attribute (`self.model.objects.filter()` in a mixin
        reads `tickets` for `class TicketList(OwnedMixin, ListView): model = Ticket`)."""
        found: dict[tuple, Fact] = {}
        binders = [(name, self._class(bound.extra.get("class")), bound) for name, bound in sorted(self.objects.items())]
        binders += [(name, name, None) for name, info in sorted(self.classes.items()) if info.names]
        for name, start, bound in binders:
            if start is None:
                continue
            classes = self.mro(start)
            if not any(name_ in self._by_class for name_ in classes):
                continue
            env = self._bindings(classes, bound)
            if not env:
                continue
            if bound is not None:
                how = f"{name} = {bound.extra['class'].rsplit('.', 1)[-1]}(...)"
            else:
                how = f"{name.rsplit('.', 1)[-1]}." + ", ".join(f"{k.removeprefix('self.')} = {v.rsplit('.', 1)[-1]}" for k, v in sorted(env.items()))
            for callable_ in (c for name_ in classes for c in self._by_class.get(name_, ())):
                for effect in self.effects[callable_]:
                    receiver = effect.extra["receiver"]
                    model = env.get(receiver)
                    if effect.kind != ORM_ACCESS or model is None or not receiver.startswith("self."):
                        continue
                    key = (effect.location, model, effect.detail, effect.access)
                    extra = {k: v for k, v in effect.extra.items() if k not in ("receiver", "callable", "reason")}
                    extra.update(model=model, inferred_from=how)
                    found.setdefault(key, replace(effect, confidence=HIGH, extra=extra))
        return list(found.values())


def reexported(name: str, known: Container[str], by_short_name: dict[str, list[str]]) -> str | None:
    """`name` if known, else the one known name of its last part inside its package (a package's
    `__init__` importing it from a submodule), else None."""
    if name in known:
        return name
    package, _, short = name.rpartition(".")
    inside = [q for q in by_short_name.get(short, []) if q.startswith(package + ".")]
    return inside[0] if len(inside) == 1 else None


def _argument(receiver: str, site: dict[str, Any]) -> str | None:
    """The class a call passes for `receiver` "arg:<position>:<name>", by position or by keyword."""
    if not receiver.startswith("arg:"):
        return None
    _, position, name = receiver.split(":", 2)
    return (site.get("args") or {}).get(position) or (site.get("keywords") or {}).get(name)
