"""Project functions and methods whose bodies touch tables, called elsewhere: their accesses at the call.

`gen_award(db, user_id=1)` in a test runs `Awards(...)` and `db.session.add(...)` in
`tests.helpers.gen_award`; `team.get_awards()` runs `Awards.query.filter_by(...)` in
`Teams.get_awards`; `repo = OrderRepository(conn); repo.open_orders(1)` runs `SELECT … FROM
orders` in `OrderRepository.open_orders`. A reviewer changing `awards` or `orders` must see those
calls too: whoever calls the helper reads or writes the table through it. The calls are the
ORM_CALL facts the objects analysis records (a function of the project called by name, a class,
an instance built or annotated in the function, a module-level object or module); a method is
looked up through its class's bases. The callee's own statements (SQL-engine facts and ORM
accesses on the models it names, whose symbol is the callee) are reported once per table and
access at the call, `inferred_from` naming the callee, and so are those of the project functions
and sibling methods it calls, a few levels deep. What a method does on `cls`/`self` or a
parameter is bound at the call by `depmap.orm.calls` instead (it depends on the call's model).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from depmap.model import ACCESS, CALLED_CODE_NOTE, Fact, Location, merged_per_table, weaker
from depmap.orm.calls import MAX_DEPTH, CallEffects, reexported
from depmap.orm.symbols import ORM_CALL


class CalledCode:
    """What each project function or method touches, itself and through what it calls."""

    def __init__(self, calls: CallEffects, bodies: dict[str, list[Fact]], facts: Iterable[Fact]) -> None:
        self.calls = calls
        self.bodies = bodies  # callee -> the concrete accesses its own statements make
        self.inner: dict[str, list[Fact]] = defaultdict(list)  # callee -> the calls its body makes
        self.sites: list[Fact] = []
        for fact in facts:
            if fact.kind != ORM_CALL:
                continue
            if fact.extra.get("receiver"):  # `self.archive(...)` / `cls.get_by(...)`: a sibling method
                if fact.extra.get("receiver") in ("self", "cls") and fact.extra.get("callable"):
                    self.inner[fact.extra["callable"]].append(fact)
                    self.sites.append(fact)
                continue
            self.sites.append(fact)
            if fact.location.symbol:
                self.inner[fact.location.symbol].append(fact)
        self._known = set(bodies) | set(self.inner)
        self._short: dict[str, list[str]] = defaultdict(list)
        for name in self._known:
            self._short[name.rsplit(".", 1)[-1]].append(name)
        self._effects: dict[str, list[Fact]] = {}
        self._merged: dict[str, list[Fact]] = {}
        self._notes: dict[tuple[str, str], dict[str, str]] = {}  # (label, callee's file) -> the copies' one `extra`

    def at_calls(self) -> list[Fact]:
        """The accesses every call site makes through the code it calls."""
        if not self.bodies:
            return []
        found: list[Fact] = []
        for call in self.sites:
            callee, label = self._callee(call, self._own_classes(call))
            if callee is None or callee == call.location.symbol:
                continue
            if callee not in self._merged:  # a helper called from a thousand tests is merged once
                self._merged[callee] = merged_per_table(self._effects_of(callee, 0, frozenset()))
            found.extend(_at_call(self._merged[callee], call, label, self._notes))
        return found

    def _own_classes(self, call: Fact) -> list[str]:
        """For a call on `self`/`cls`: the classes of the method it is in, where its sibling is found."""
        callable_ = call.extra.get("callable") if call.extra.get("receiver") else None
        return self.calls.mro(callable_.rsplit(".", 1)[0]) if callable_ and "." in callable_ else []

    def _callee(self, call: Fact, classes: list[str]) -> tuple[str | None, str]:
        """The function or method a call runs, and how to name it in a report."""
        extra = call.extra
        if extra.get("receiver"):  # `self.helper()` inside a method: a sibling of the same class
            method = _first(classes, extra.get("method", ""), self._known)
            return method, f"method {method}"
        if extra.get("function"):
            function = self._function(extra["function"])
            return function, f"function {function}"
        found, how = self.calls.classes_of(call)
        if found:
            method = _first(found, extra["method"], self._known)
            return method, f"method {method}" + (f" on {how}" if how else "")
        if extra.get("object") and extra.get("method"):  # `helpers.count_rows(...)`: a module's function
            function = self._function(f"{extra['object']}.{extra['method']}")
            return function, f"function {function}"
        return None, ""

    def _function(self, name: str) -> str | None:
        """A known function by qualified name, or re-exported by its package."""
        return reexported(name, self._known, self._short)

    def _effects_of(self, callee: str, depth: int, seen: frozenset[str]) -> list[Fact]:
        if callee in self._effects:
            return self._effects[callee]
        if callee in seen or depth > MAX_DEPTH:
            return []
        seen = seen | {callee}
        effects = list(self.bodies.get(callee, ()))
        for call in self.inner.get(callee, ()):
            inner, _ = self._callee(call, self._own_classes(call))
            if inner is not None and inner not in seen:
                effects.extend(self._effects_of(inner, depth + 1, seen))
        if depth == 0:
            self._effects[callee] = effects
        return effects


def body_accesses(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    """The statements of the SQL engine inside functions and methods, by the callable they are in."""
    bodies: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == ACCESS and fact.via in ("sql", "migration") and fact.location.symbol and "inferred_from" not in fact.extra:
            bodies[fact.location.symbol].append(fact)
    return bodies


def _first(classes: list[str], method: str, known: set[str]) -> str | None:
    return next((f"{c}.{method}" for c in classes if f"{c}.{method}" in known), None)


def _at_call(effects: list[Fact], call: Fact, label: str, notes: dict[tuple[str, str], dict[str, str]]) -> list[Fact]:
    """The callee's `effects` at the call: one location for all (the interprocedural copies are
    most of a large project's accesses), and one `extra` for all copies of one callee's file's
    statements (`notes`, kept across calls: 234,000 copies at saleor have 8,700 different ones,
    and nothing changes a linked fact's `extra` in place)."""
    location = Location(call.location.path, call.location.line, call.location.end_line, symbol=call.location.symbol)
    confidence, snippet = call.confidence, call.snippet
    # the file of the statement, not its line: a caller's facts stay the same while the callee's
    # file moves lines around (an edit there relinks only that file, `depmap.index.relink`)
    return [Fact(effect.kind, effect.table, location, effect.columns, effect.access, effect.detail, "sql" if effect.via == "migration" else effect.via,
                 weaker(effect.confidence, confidence), snippet, _note(notes, label, effect.location.path))
            for effect in effects]


def _note(notes: dict[tuple[str, str], dict[str, str]], label: str, path: str) -> dict[str, str]:
    found = notes.get((label, path))
    if found is None:
        found = notes[label, path] = {"inferred_from": label, CALLED_CODE_NOTE: path}
    return found
