"""What a function's variables hold besides rows (field names, filter conditions), and the
attributes read and written on the rows they hold.

Real Django code often names fields away from the call that uses them: `for key in ("desc",
"tags"): setattr(check, key, spec[key])`, `update_fields = ("title",)` then
`save(update_fields=update_fields)`, `q = Q(owner=o) | Q(url="")` then `filter(q)`, and a
comprehension over a queryset (`next(b for b in existing if b.url == x)`). The mixin keeps, per
function frame, the literal names a variable holds and the `Q` expressions it was built from, so
that the queries visitor can name those fields at the call that uses them.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from depmap.frameworks.django.classes import last_name
from depmap.frameworks.django.query_facts import Op
from depmap.model import READ, WRITE
from depmap.orm import symbols
from depmap.python.tree import dotted_name, string_list


def is_condition(node: ast.expr) -> bool:
    """`Q(a=1)`, `Q(a=1) | Q(b=2)`, `~Q(c=3)`, `q & Q(d=4)`: a filter condition built apart."""
    if isinstance(node, ast.UnaryOp):
        return is_condition(node.operand)
    if isinstance(node, ast.BinOp):
        return is_condition(node.left) or is_condition(node.right)
    return isinstance(node, ast.Call) and last_name(dotted_name(node.func) or "") == "Q"


class HeldNamesMixin:
    """For `GatherDjangoQueriesVisitor`: `names` and `expressions` frames, pushed and popped with its
    own frames (`_push_held`, `_pop_held`), filled by `_hold` at each binding."""

    names: list[dict[str, tuple[str, ...]]]
    expressions: list[dict[str, list[ast.expr]]]
    frames: list[dict[str, Any]]
    lists: list[dict[str, Any]]
    scopes: list[tuple[str, str]]
    iterated: set[int]
    callees: set[int]
    _lookup: Any
    _emit: Any
    _bind: Any
    _subject_of: Any

    def _push_held(self) -> None:
        self.names.append({})
        self.expressions.append({})

    def _pop_held(self) -> None:
        self.names.pop()
        self.expressions.pop()

    def _hold(self, name: str, value: ast.expr | None) -> None:
        """`name = value`: the literal names or the condition it now holds, or neither."""
        if value is not None and is_condition(value):
            self.expressions[-1][name] = [value]
        else:
            self.expressions[-1].pop(name, None)
        names = string_list(value) if value is not None else None
        if names is not None:
            self.names[-1][name] = names
        else:
            self.names[-1].pop(name, None)

    def _hold_loop(self, node: ast.For | ast.AsyncFor) -> None:
        """`for key in ("desc", "tags")`: the loop variable holds each of those names."""
        names = self._literal_names(node.iter)
        if names is not None and isinstance(node.target, ast.Name):
            self.names[-1][node.target.id] = names

    def _expressions_of(self, name: str) -> list[ast.expr]:
        return self.expressions[-1].get(name, [])

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """`order.total += x` rebinds the attribute; `conditions &= Q(status="open")` adds to what
        `filter(conditions)` will name."""
        if isinstance(node.target, ast.Attribute):
            self._bind(node.target, node.value, None)
        elif isinstance(node.target, ast.Name) and is_condition(node.value) and not (self.scopes and self.scopes[-1][0] == "class"):
            self.expressions[-1].setdefault(node.target.id, []).append(node.value)

    def _literal_names(self, node: ast.expr | None) -> tuple[str, ...] | None:
        """The field names an expression holds: a literal tuple or list of strings, a string, or a
        variable bound to one in this function (or the module)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return (node.value,)
        if isinstance(node, ast.Name):
            for frame in reversed(self.names):
                if node.id in frame:
                    return frame[node.id]
            return None
        return string_list(node)

    def _dynamic_attribute(self, call: ast.Call) -> bool:
        """`setattr(check, key, value)` / `getattr(check, key)` on a row, with `key` one of known
        literal names: a write / read of each of those attributes (the linker keeps fields only)."""
        if not isinstance(call.func, ast.Name) or call.func.id not in ("setattr", "getattr") or len(call.args) < 2:
            return False
        holder = call.args[0]
        subject = self._lookup(holder.id) if isinstance(holder, ast.Name) else None
        names = self._literal_names(call.args[1])
        if subject is None or subject.kind != "instance" or not subject.model or not names:
            return False
        access = WRITE if call.func.id == "setattr" else READ
        for name in names:
            self._emit(subject, Op(access, symbols.ORM_ATTRIBUTE, (name,)), call, call)
        return True

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """`task.state` on a name holding a row: an attribute read; `task.state = x` an attribute
        write, which a later save() stores (the linker keeps fields only)."""
        subject = self._lookup(node.value.id) if isinstance(node.value, ast.Name) and isinstance(node.ctx, (ast.Load, ast.Store)) else None
        if subject is not None and subject.kind == "instance" and subject.model and id(node) not in self.callees:
            access = WRITE if isinstance(node.ctx, ast.Store) else READ
            self._emit(subject, Op(access, symbols.ORM_ATTRIBUTE, (node.attr,)), node, node)

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        """`[b.url for b in Bookmark.objects.filter(...)]`, `next(b for b in bookmarks if b.url == x)`:
        the comprehension's own frame binds its targets before its element is visited."""
        self.frames.append({})
        self.lists.append({})
        self._push_held()
        for generator in node.generators:
            self.iterated.add(id(generator.iter))
            subject = self._subject_of(generator.iter)
            if subject is not None and subject.kind == "queryset":
                subject = replace(subject, kind="instance", model_name=dotted_name(generator.target) or subject.model_name)
            else:
                subject = None
            self._bind(generator.target, None, subject)

    def leave_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        self.frames.pop()
        self.lists.pop()
        self._pop_held()

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp
    leave_SetComp = leave_GeneratorExp = leave_DictComp = leave_ListComp
