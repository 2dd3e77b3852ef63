"""Receivers whose model is not written where they are used: `self.<attr>` set in another method,
and related managers of a name of unknown class (classes bound by `model = X`: `bound_classes`).

`self.flip = Flip(owner=self.check)` in `setUp` (or any helper) makes `self.flip.save()` in every
test of the class an INSERT of a Flip; `board.tasks.filter(...)` on a parameter `board` without an
annotation is a query on whichever model has a to-many relation `tasks` — the linker, which sees
every model, decides (`extra["by_accessor"]`). Both are the query visitor's questions, answered here
so that its module keeps to following names.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Callable

from depmap.frameworks.django.orm_vocabulary import MANAGER_NAMES, QUERYSET_METHODS, RELATION_WRITES, Step, dict_like, sync_method
from depmap.frameworks.django.query_facts import Subject
from depmap.python.tree import statements_breadth_first

def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def held_by_self(node: ast.ClassDef, subject_of: Callable[[ast.expr], Subject | None]) -> dict[str, Subject]:
    """`self.flip = Flip(owner=self.check)` in `setUp` or a helper: `self.flip` holds a new Flip
    in every method of the class (`self.flip.save()` inserts it; `self.flip.x = 1` sets a field
    first). An attribute given two different models holds neither. `subject_of` says what a
    value holds at module level (the class's own methods bind nothing it needs)."""
    held: dict[str, Subject | None] = {}
    fields: dict[str, list[str]] = {}
    for method in node.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for statement in statements_breadth_first(method):  # `ast.walk`'s order, expressions unvisited
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            target = statement.targets[0]
            if not isinstance(target, ast.Attribute):
                continue
            if _is_self(target.value):
                subject = subject_of(statement.value)
                if subject is None or subject.model is None or subject.kind == "rows":
                    continue
                known = held.get(target.attr, subject)
                same = known is not None and known.model == subject.model and known.kind == subject.kind
                held[target.attr] = replace(subject, model_name=f"self.{target.attr}", built=None) if same else None
            elif isinstance(target.value, ast.Attribute) and _is_self(target.value.value):
                fields.setdefault(target.value.attr, []).append(target.attr)
    found = {}
    for name, subject in held.items():
        if subject is not None:
            if subject.constructed is not None:
                subject.constructed = list(dict.fromkeys([*subject.constructed, *fields.get(name, [])]))
            found[name] = subject
    return found


def accessor_subject(head: str, steps: list[Step]) -> tuple[Subject | None, int]:
    """`board.tasks.filter(...)` / `self.check.flip_set.get()` on a receiver of unknown class: a
    related manager named `tasks`, which the linker looks up among every model's to-many
    relations (sure when one model has it). Plain lowercase names only: `Order.x` is the class's
    business, and a call in the receiver (`get().tasks`) says nothing. Returns the subject and the
    index of the accessor's step."""
    position = 0
    while position < len(steps) and steps[position].call is None and steps[position].name:
        position += 1
    if position == 0 or position >= len(steps) or not head[:1].islower():
        return None, 0
    if head in ("self", "cls") and position < 2:  # `self.queryset.filter()`: the class's own attribute
        return None, 0
    accessor, method = steps[position - 1].name or "", sync_method(steps[position].name)
    call = steps[position].call
    if call is None:  # `obj.items[0]`
        return None, 0
    if accessor.startswith("_") or accessor in MANAGER_NAMES or method not in QUERYSET_METHODS | RELATION_WRITES:
        return None, 0
    if dict_like(method, call):
        return None, 0
    written = ".".join([head, *(step.name or "" for step in steps[: position - 1])])
    return Subject("instance", None, written, accessor=True), position - 1  # the linker says how sure


def queryset_parameter(name: str, steps: list[Step], arguments: dict[str, str]) -> Subject | None:
    """`instances.annotate(...)` on a parameter of a helper: a queryset its callers give
    (`feeding_duration(Feeding.objects.filter(child=c))`), whose model the linker binds at each
    call. Only a queryset method called on the parameter itself counts."""
    first = steps[0]
    if name not in arguments or first.call is None or not first.name:
        return None
    method = sync_method(first.name)
    if method not in QUERYSET_METHODS or method == "delete" or dict_like(method, first.call):
        return None  # `obj.delete()`: an instance's as much as a queryset's
    return Subject("queryset", None, name, receiver=arguments[name])
