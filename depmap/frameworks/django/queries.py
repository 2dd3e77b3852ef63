"""Django ORM operations in one file: querysets, instance saves and deletes, related managers.

`analyse_django_queries(parsed, ctx)` emits ORM_ACCESS facts (`depmap.orm.symbols`) at the line
where each chain starts (`Order.objects`, `qs`, `customer`; a new instance's INSERT at its
constructor), the enclosing function as symbol. One walk of the file's `ast` tree follows:

- manager chains, `Model.objects.<method>(...)...` (any attribute ending in `objects`, the managers
  this file's models declare, `Model.<attr>.<queryset method>`): one read per chain with every
  field reference as written (`status__in`, `-created_at`, `F("x")`), `annotate()` names in
  `aliases`; a terminal write (`create`, `get_or_create`, `bulk_create`, `update`, `bulk_update`,
  `delete`) adds its own fact. Custom queryset methods (`.paid()`) are reads without fields.
- querysets and instances held in names: from assignments, constructors, `get`/`first`/`create`,
  `get_object_or_404`, a `for` over a queryset, annotations (`Optional[Order]`, `QuerySet[Order]`),
  this file's functions and methods by their return annotations (tuples by position), `self` in
  this file's models, and `self.<attr>` set in any method of the class (`receivers`).
  `instance.save()` updates every field, or `update_fields` only, or inserts what a constructor
  and later `instance.x = ...` set when the instance is new.
- related managers: `customer.orders.filter(...)` is `relation=["orders"]` from `customer`'s model
  (of a name of unknown class: `by_accessor`, for the linker); `add`/`remove`/`clear`/`set` update.
- in a `QuerySet`/`Manager` subclass, `self.filter(...)`: `queryset` the class, model None.

A model name that does not resolve (`model.objects.filter()` on a parameter) is kept at low
confidence with the reason; a resolved class that is no model is dropped by the linker.
What Django's methods do is in `django_orm_vocabulary`, which arguments name fields in
`django_field_references`, what an annotation names in `django_type_hints`, the fact's shape in
`django_query_facts`.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from depmap.model import LOW, READ, WRITE, Fact
from depmap.orm import symbols
from depmap.scan_context import ScanContext
from depmap.frameworks.django.classes import last_name, module_classes
from depmap.frameworks.django.held_names import HeldNamesMixin
from depmap.frameworks.django.field_references import FieldReferenceFinder, Refs
from depmap.frameworks.django.models import ModelClass, model_classes
from depmap.frameworks.django.orm_vocabulary import (
    INSTANCE_METHODS, INSTANCE_OPS, MANAGER_NAMES, NOT_MODEL_PREFIXES, NOT_MODEL_SUFFIXES, QUERYSET_METHODS,
    RELATION_WRITES, ROW_METHODS, SHORTCUTS, VALUE_METHODS, WRITE_METHODS, Step, dict_like, keyword_names,
    queryset_classes, sync_method, unwind, wants_django_queries,
)  # fmt: skip
from depmap.frameworks.django.query_facts import Op, Subject, access_fact, query_op, write_op
from depmap.frameworks.django.bound_classes import bound_class
from depmap.frameworks.django.receivers import accessor_subject, held_by_self, queryset_parameter
from depmap.python.class_bindings import argument_positions
from depmap.frameworks.django.type_hints import hinted_classes, return_annotations, tuple_items
from depmap.python.analysis import PythonAnalysis
from depmap.python.imports import ImportTable
from depmap.python.tree import (
    ParsedTree, TreeVisitor, argument, call_args, dotted_name, elements, literal_bool, positional_args, string_list,
)  # fmt: skip

_UNRESOLVED = "model name not resolvable statically"


class GatherDjangoQueriesVisitor(HeldNamesMixin, TreeVisitor):
    """Fills in `facts`: the ORM_ACCESS facts of one module, in visit order (`walk(parsed.tree)`)."""

    def __init__(self, parsed: ParsedTree, models: dict[str, ModelClass], querysets: set[str]) -> None:
        super().__init__(parsed.module_name)
        self.parsed = parsed
        self.is_package = parsed.is_package
        self.imports = ImportTable.of(parsed.tree, parsed.module_name, self.is_package)
        self.field_refs = FieldReferenceFinder(self.imports, self._is_chain, self._expressions_of)
        self.models = models
        self.querysets = querysets
        self.manager_names = {name for model in models.values() for name in model.managers}
        self.returns = return_annotations(parsed.tree)
        self.class_nodes = {node.name: node for node in module_classes(parsed.tree)}  # the last of a name wins
        self.local_classes = set(self.class_nodes)
        self.frames: list[dict[str, Subject | None]] = [{}]
        self.names, self.expressions = [{}], [{}]  # see HeldNamesMixin
        self.held: dict[str, Subject] = {}  # `self.flip` -> what every method of the class sees in it
        self.arguments: list[dict[str, str]] = [{}]  # parameter -> its receiver name, "arg:<position>:<name>"
        self.lists: list[dict[str, tuple[list[str], bool]]] = [{}]  # names holding new instances
        self.consumed: set[ast.Call] = set()
        self.iterated: set[int] = set()  # chains a `for` walks: their rows are loaded whole
        self.callees: set[int] = set()  # `order.save` in `order.save()`: a method, not a field read
        self.facts: list[Fact] = []

    # -- scopes and bindings -----------------------------------------------------------------------

    def enter_class(self, node: ast.ClassDef) -> None:
        if not self.scopes:
            self.held = held_by_self(node, self._subject_of)
        super().enter_class(node)
        view = bound_class(node, self.class_nodes) if len(self.scopes) == 1 else None  # `class TicketList(ListView): model = Ticket`
        subject = self._class_subject(dotted_name(view.model) or "", "queryset") if view is not None else None
        for op in view.ops if view is not None and subject is not None else ():
            self._emit(subject, op, view.model, view.model)  # type: ignore[arg-type, union-attr]

    def _held(self, attribute: str) -> Subject | None:
        """`self.<attribute>` in this method: the class's binding, copied once per method (a save in one test is not in the next)."""
        key, subject = f"self.{attribute}", self.held.get(attribute) if self._owner() is not None else None
        if key not in self.frames[-1]:
            self.frames[-1][key] = replace(subject, constructed=list(subject.constructed)) if subject and subject.constructed is not None else subject
        return self.frames[-1][key]

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().enter_function(node)
        frame: dict[str, Subject | None] = {}
        decorators = {dotted_name(decorator) for decorator in node.decorator_list}
        owner = self._owner()
        params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        is_method = owner in self.models and len(self.scopes) == 2 and not decorators & {"staticmethod", "classmethod"}
        for position, param in enumerate(params):
            name = param.arg
            subject = self._annotated(param.annotation, name) if param.annotation is not None else None
            if subject is None and position == 0 and is_method:  # `self` in a model's method
                subject = Subject("instance", self.models[owner].qualname, name)
            frame[name] = subject
        self.frames.append(frame)
        self.lists.append({})
        self._push_held()
        self.arguments.append(argument_positions(node, in_class=len(self.scopes) > 1 and self.scopes[-2][0] == "class"))

    def leave_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.frames.pop()
        self.lists.pop()
        self._pop_held()
        self.arguments.pop()
        super().leave_function(node)

    def _owner(self) -> str | None:
        """The module-level class whose method (or nested function) the visit is in."""
        if len(self.scopes) >= 2 and self.scopes[0][0] == "class" and self.scopes[1][0] == "function":
            return self.scopes[0][1]
        return None

    def _lookup(self, name: str) -> Subject | None:
        for frame in reversed(self.frames):
            if name in frame:
                return frame[name]
        return None

    def _list(self, name: str) -> tuple[list[str], bool] | None:
        for frame in reversed(self.lists):
            if name in frame:
                return frame[name]
        return None

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.in_function:  # `from .models import Order` inside a function, against import cycles
            self.imports.add_import(node, self.is_package)

    visit_ImportFrom = visit_Import

    def visit_Assign(self, node: ast.Assign) -> None:
        subject = self._subject_of(node.value)
        for target in node.targets:
            self._bind(target, node.value, subject)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        subject = self._subject_of(node.value) if node.value is not None else None
        name = node.target.id if isinstance(node.target, ast.Name) else ""
        self._bind(node.target, node.value, subject or self._annotated(node.annotation, name))

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.iterated.add(id(node.iter))  # `for t in Task.objects.filter(...)` loads each row whole
        subject = self._subject_of(node.iter)
        if subject is not None and subject.kind == "queryset":
            subject = replace(subject, kind="instance", model_name=dotted_name(node.target) or subject.model_name)
        else:
            subject = None
        self._bind(node.target, None, subject)
        self._hold_loop(node)

    visit_AsyncFor = visit_For

    def _bind(self, target: ast.expr, value: ast.expr | None, subject: Subject | None) -> None:
        if self.scopes and self.scopes[-1][0] == "class":
            return  # a class attribute (`queryset = Order.objects.all()`) is no variable of a frame
        if isinstance(target, ast.Name):
            if subject is not None and subject.kind == "instance" and subject.model is None and (subject.receiver or "").startswith("arg:"):
                subject = None  # a row of a queryset a caller gives: `ticket.followup_set` is found by its relation's name
            if subject is not None and subject.model is not None and not isinstance(value, ast.Name):
                subject = replace(subject, model_name=target.id)  # the name written where it is used
            self.frames[-1][target.id] = subject
            self._hold(target.id, value)
            built = self._constructed_list(value) if value is not None else None
            if built is not None:
                self.lists[-1][target.id] = built
            else:
                self.lists[-1].pop(target.id, None)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self._returned_items(value)
            elements = target.elts
            for position, element in enumerate(elements):  # order, created = get_or_create(...)
                if items is not None:  # check, rw = load_check(...) with `-> tuple[Check, bool]`
                    starred = any(isinstance(e, ast.Starred) for e in elements[: position + 1])
                    item = None if starred or position >= len(items) else items[position]
                else:
                    item = subject if position == 0 else None
                self._bind(element.value if isinstance(element, ast.Starred) else element, None, item)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            bound = self._lookup(target.value.id)
            new = bound is not None and bound.constructed is not None and not bound.saved
            if new and bound.constructed is not None and target.attr not in bound.constructed:
                bound.constructed.append(target.attr)  # `order.note = "web"` before its first save()

    def _returned_items(self, value: ast.expr | None) -> list[Subject | None] | None:
        """What each element of a tuple that a function of this module returns holds, by position."""
        returned = self._returned(value)
        items = tuple_items(returned[1]) if returned is not None else None
        if returned is None or items is None:
            return None
        return [self._returned_subject(item, returned[0]) for item in items]

    def _constructed_list(self, value: ast.expr) -> tuple[list[str], bool] | None:
        """Fields set by the constructors in `[Order(a=1), ...]` / `[Order(a=x) for x in ...]`; `[]`
        starts a list that `.append(Order(...))` fills."""
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            items = elements(value)
        elif isinstance(value, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            items = [value.elt]
        else:
            return None
        return self._constructed(items)

    def _constructed(self, elements: list[ast.expr]) -> tuple[list[str], bool] | None:
        """The fields the constructors `elements` set, when every one of them is one."""
        refs, star = Refs(), False
        for element in elements:
            subject = self._subject_of(element)
            if subject is None or subject.constructed is None:
                return None
            refs.add(subject.constructed)
            star = star or subject.all_fields
        return refs.fields, star

    # -- what an expression holds ------------------------------------------------------------------

    def _class_subject(self, written: str, kind: str) -> Subject | None:
        """`Order` / `models.Order` / `cls` as a model, when the imports or this file name it."""
        if written in ("cls", "self.__class__", "type(self)"):
            owner = self._owner()
            return Subject(kind, f"{self.module_name}.{owner}", written) if owner else None
        qualified = self.imports.qualify_text(written)
        name = last_name(written)
        if qualified is None or not name[:1].isupper() or name.endswith(NOT_MODEL_SUFFIXES):
            return None
        if qualified.startswith(NOT_MODEL_PREFIXES):
            return None
        if qualified.startswith("django.") and ".models." not in qualified:
            return None
        return Subject(kind, qualified, written)

    def _annotated(self, annotation: ast.expr, name: str) -> Subject | None:
        for kind, written in hinted_classes(annotation):
            subject = self._class_subject(written, kind)
            if subject is not None:
                return replace(subject, model_name=name)
        return None

    def _returned(self, call: ast.expr | None) -> tuple[str, ast.expr] | None:
        """The function as written and its return annotation, when `call` calls a function of this
        module (`load(pk)`) or a method of the class the visit is in (`self.load(pk)`, `cls.load()`)."""
        if isinstance(call, ast.Await):
            call = call.value
        written = dotted_name(call.func) if isinstance(call, ast.Call) else None
        if written is None:
            return None
        head, _, method = written.partition(".")
        owner = self._owner()
        if not method and not any(head in frame for frame in self.frames[1:]):
            annotation = self.returns.get(head)
        elif head in ("self", "cls") and method and "." not in method and owner is not None:
            annotation = self.returns.get(f"{owner}.{method}")
        else:
            annotation = None
        return (written, annotation) if annotation is not None else None

    def _returned_subject(self, annotation: ast.expr, name: str) -> Subject | None:
        """What a return annotation names; a class of this file that is no model (`-> Report`) is nothing."""
        subject = self._annotated(annotation, name)
        if subject is None or subject.model is None:
            return subject
        local = subject.model.removeprefix(f"{self.module_name}.")
        return None if local in self.local_classes and local not in self.models else subject

    def _subject_of(self, node: ast.expr | None) -> Subject | None:
        if isinstance(node, ast.Await):
            node = node.value
        if node is None:
            return None
        base, steps = unwind(node)
        if not steps:
            if isinstance(base, ast.Name):
                return self._lookup(base.id)
            return self._call_subject(base) if isinstance(base, ast.Call) else None
        subject, start = self._origin(base, steps)
        if subject is None:
            return None
        return self._walk(subject, steps, start, base, emit=False)

    def _call_subject(self, call: ast.Call) -> Subject | None:
        """`Order(status="new")` (a new instance) or `get_object_or_404(Order, pk=pk)`."""
        written = dotted_name(call.func)
        if written is None:
            return None
        if last_name(written) in SHORTCUTS:
            target = self._shortcut_target(call)
            if target is not None and "list" not in written:
                return replace(target, kind="instance")
            return target
        returned = self._returned(call)
        loaded = self._returned_subject(returned[1], returned[0]) if returned is not None else None
        if loaded is not None:  # `load_order(pk)`: what its return annotation names
            return loaded
        subject = self._class_subject(written, "instance")
        if subject is None:
            return None
        fields, star = keyword_names(call)
        return replace(subject, constructed=fields, all_fields=star, built=call)

    def _shortcut_target(self, call: ast.Call) -> Subject | None:
        first = argument(call, 0, "klass")
        if first is None:
            return None
        written = dotted_name(first)
        if written is not None and self._lookup(written.split(".")[0]) is None:
            unresolved = Subject("queryset", None, written, confidence=LOW, reason=_UNRESOLVED)
            return self._class_subject(written, "queryset") or unresolved
        subject = self._subject_of(first)
        return subject if subject is not None and subject.kind == "queryset" else None

    def _origin(self, base: ast.expr, steps: list[Step]) -> tuple[Subject | None, int]:
        """What the chain starts from, and the index of its first step after that."""
        owner = self._owner()
        is_self = isinstance(base, ast.Name) and base.id == "self"
        is_super = isinstance(base, ast.Call) and dotted_name(base.func) == "super"
        first = steps[0].name or ""
        private = first.startswith("_") and first not in ("_chain", "_clone")  # `self._by_version_Q(v)`: a helper
        if owner in self.querysets and (is_self or is_super) and steps[0].call is not None and not private:
            reason = f"model set by the manager built from {owner}"
            qualname = f"{self.module_name}.{owner}"
            return Subject("queryset", None, "self", confidence=LOW, reason=reason, queryset=qualname), 0
        returned = self._returned(steps[0].node) if isinstance(base, ast.Name) else None
        loaded = self._returned_subject(returned[1], returned[0]) if returned is not None else None
        if loaded is not None:  # `self.load(pk).lines.all()`; `self.save()` (`-> None`) goes on below
            return loaded, 1
        head, offset = None, 0
        if isinstance(base, ast.Name):
            if steps[0].name == "__class__" and steps[0].call is None:
                head, offset = f"{base.id}.__class__", 1
            else:
                bound = self._lookup(base.id)
                if bound is not None:
                    return bound, 0
                if base.id == "self" and len(steps) > 1 and steps[0].call is None and steps[0].name:
                    held = self._held(steps[0].name)
                    if held is not None:  # `self.flip.save()`, `self.check.flip_set.get()`
                        return held, 1
                head = base.id
        elif isinstance(base, ast.Call):
            if dotted_name(base.func) == "type" and [dotted_name(a) for a in positional_args(base)] == ["self"]:
                head = "type(self)"
            else:
                return self._call_subject(base), 0
        if head is None:
            return None, 0
        if offset == 0 and isinstance(base, ast.Name) and (given := queryset_parameter(base.id, steps, self.arguments[-1])) is not None:
            return given, 0
        found = self._manager_origin(head, steps, offset)
        if found[0] is None and offset == 0 and isinstance(base, ast.Name):
            return accessor_subject(base.id, steps)
        return found

    def _manager_origin(self, head: str, steps: list[Step], offset: int) -> tuple[Subject | None, int]:
        """`Order.objects.<method>`, `models.Order.paid.<method>`: the model and its manager."""
        for position in range(offset, len(steps) - 1):
            step, following = steps[position], steps[position + 1]
            if step.call is not None or step.name is None:
                return None, 0
            if following.call is None:
                continue
            written = ".".join([head, *(s.name or "" for s in steps[offset:position])])
            method = sync_method(following.name)
            subject = self._class_subject(written, "queryset")
            managed = step.name in MANAGER_NAMES or step.name.endswith("objects") or step.name in self.manager_names
            if not managed and (subject is None or method not in QUERYSET_METHODS or dict_like(method, following.call)):
                return None, 0
            local = self.models.get(written)
            if not managed and local is not None and step.name in local.fields:  # `Order.status.count()`
                return None, 0
            if subject is None:
                if written == "self" or (not last_name(written)[:1].isupper() and method not in QUERYSET_METHODS):
                    return None, 0
                owner = self._owner()
                if written.count(".") == 1 and written.startswith("self.") and owner is not None and owner not in self.models:
                    return Subject("queryset", None, written, receiver=written), position + 1  # bound by the class
                if written in self.arguments[-1]:  # `model.objects.filter()` in a helper: the caller's model
                    return Subject("queryset", None, written, receiver=self.arguments[-1][written]), position + 1
                subject = Subject("queryset", None, written, confidence=LOW, reason=_UNRESOLVED)
            return subject, position + 1
        return None, 0

    # -- walking a chain ---------------------------------------------------------------------------

    def _walk(
        self, subject: Subject | None, steps: list[Step], index: int, anchor: ast.expr, emit: bool
    ) -> Subject | None:
        """Follow `steps` from `index`; emit the facts when `emit`; return what the expression holds."""
        while subject is not None and index < len(steps):
            if subject.kind == "instance":
                subject, index = self._instance_steps(subject, steps, index, anchor, emit)
            else:
                subject, index = self._queryset_steps(subject, steps, index, anchor, emit)
        return subject

    def _queryset_steps(
        self, subject: Subject, steps: list[Step], index: int, anchor: ast.expr, emit: bool
    ) -> tuple[Subject | None, int]:
        refs = Refs(aliases=list(subject.aliases))
        read = rows = partial = False
        end: ast.expr = anchor
        result: Subject | None = subject
        while index < len(steps):
            step = steps[index]
            if step.call is None:
                if step.name is None and not step.index:  # a slice is still a queryset
                    index += 1
                    continue
                if step.name is None and subject.kind == "queryset":
                    result, rows = replace(subject, kind="instance", constructed=None), True  # `qs[0]`
                else:
                    result = None
                index = index + 1 if step.name is None else len(steps)
                break
            method = sync_method(step.name)
            end = step.node
            if method in WRITE_METHODS or (method in RELATION_WRITES and subject.relation):
                write = self._write(method, step.call, refs)
                if emit:
                    if refs.fields or refs.aliases:  # `.all().delete()` reads nothing worth listing
                        self._emit(subject, query_op(refs), anchor, end)
                    self._emit(subject, write, anchor, end)
                created = method in ("create", "get_or_create", "update_or_create")
                return (replace(subject, kind="instance", saved=True) if created else None), index + 1
            self.field_refs.in_arguments(method, call_args(step.call), refs)
            read, partial = True, partial or method in ("only", "defer")
            index += 1
            if method in VALUE_METHODS:
                result = None
                break
            if method in ROW_METHODS:
                subject = result = replace(subject, kind="rows")
            elif method in INSTANCE_METHODS:
                rows = subject.kind == "queryset"  # `.get()`, `.first()`: one row, every column
                result = replace(subject, kind="instance", constructed=None) if rows else None
                break
        if emit and read:
            self._emit(subject, replace(query_op(refs), rows=rows and not partial), anchor, end)
        if result is not None and result.kind != "instance" and refs.aliases:  # `totals = qs.annotate(date=...)`
            result = replace(result, aliases=tuple(refs.aliases))
        return result, index

    def _instance_steps(
        self, subject: Subject, steps: list[Step], index: int, anchor: ast.expr, emit: bool
    ) -> tuple[Subject | None, int]:
        attributes: list[str] = []
        position = index
        while position < len(steps) and steps[position].call is None and steps[position].name is not None:
            attributes.append(steps[position].name or "")
            position += 1
        related = subject
        if attributes:  # `customer.orders` / `order.customer`: reached through a relation
            related = replace(subject, relation=subject.relation + tuple(attributes), constructed=None, saved=False)
        if position >= len(steps) or steps[position].call is None:
            return (related if position >= len(steps) else None), len(steps)
        step = steps[position]
        call = step.call
        assert call is not None
        method = sync_method(step.name)
        if method in INSTANCE_OPS and not (attributes and method == "refresh_from_db"):
            if emit and not positional_args(call):  # `wb.save("x.xlsx")`, `fieldfile.save(name, content)`: not a model
                self._instance_op(related, method, call, anchor, step.node)
            return None, len(steps)
        if attributes and (method in QUERYSET_METHODS or method in RELATION_WRITES) and not dict_like(method, call):
            return replace(related, kind="queryset"), position
        return None, len(steps)

    def _instance_op(self, subject: Subject, method: str, call: ast.Call, anchor: ast.expr, end: ast.expr) -> None:
        if method == "delete":
            self._emit(subject, Op(WRITE, symbols.ORM_DELETE), anchor, end)
            return
        if method == "refresh_from_db":
            names = string_list(argument(call, None, "fields"))  # none given: the whole row
            self._emit(subject, Op(READ, symbols.ORM_QUERY, names or (), rows=not names), anchor, end)
            return
        update_fields = argument(call, None, "update_fields")
        force_insert = literal_bool(argument(call, None, "force_insert")) is True
        if update_fields is not None:
            names = self._literal_names(update_fields) if not isinstance(update_fields, ast.Constant) else None
            self._emit(subject, Op(WRITE, symbols.ORM_UPDATE, names or (), names is None), anchor, end)
        elif subject.constructed is not None and (not subject.saved or force_insert):
            built = subject.built or anchor  # the INSERT names its model at the constructor
            self._emit(subject, Op(WRITE, symbols.ORM_CREATE, list(subject.constructed), subject.all_fields), built, end)
            if built.lineno != anchor.lineno:  # and runs at the save(): both lines are the site's
                self.facts[-1].extra["lines"] = [built.lineno, anchor.lineno]
        elif force_insert:
            self._emit(subject, Op(WRITE, symbols.ORM_CREATE, all_fields=True), anchor, end)
        else:
            self._emit(subject, Op(WRITE, symbols.ORM_UPDATE, all_fields=True), anchor, end)
        subject.saved = True

    # -- writes and subqueries ---------------------------------------------------------------------

    def _write(self, method: str, call: ast.Call, refs: Refs) -> Op:
        """The write a terminal method does; the fields it reads (lookups, F()) go to `refs`."""
        built = None
        if method == "bulk_create":
            objects = argument(call, 0, "objs")
            built = self._constructed_list(objects) if objects is not None else None
            if built is None and isinstance(objects, ast.Name):
                built = self._list(objects.id)
        return write_op(method, call, refs, self.field_refs, built)

    def _is_chain(self, call: ast.Call) -> bool:
        base, steps = unwind(call)
        return bool(steps) and self._origin(base, steps)[0] is not None

    # -- facts -------------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if node in self.consumed:
            return
        base, steps = unwind(node)
        self.consumed.update(step.call for step in steps if step.call is not None)
        if not steps:
            if not self._dynamic_attribute(node):
                self._shortcut(node)
            return
        self.callees.update(id(step.node.func) for step in steps if step.call is not None)
        subject, start = self._origin(base, steps)
        if subject is not None:
            emitted = len(self.facts)
            held = self._walk(subject, steps, start, base, emit=True)
            if id(node) in self.iterated and held is not None and held.kind == "queryset":
                for fact in self.facts[emitted:]:
                    if fact.access == READ:
                        fact.extra["rows"] = True
        elif isinstance(base, ast.Name) and len(steps) == 1 and steps[0].call is not None:
            self._grow_list(base.id, steps[0].name, steps[0].call)

    def _shortcut(self, call: ast.Call) -> None:
        """`get_object_or_404(Order, pk=pk)` reads like `Order.objects.get(pk=pk)`."""
        written = dotted_name(call.func)
        if written is None or last_name(written) not in SHORTCUTS:
            return
        target = self._shortcut_target(call)
        if target is None:
            return
        klass = argument(call, 0, "klass")
        refs = Refs()
        self.field_refs.in_arguments("filter", [arg for arg in call_args(call) if arg.value is not klass], refs)
        self._emit(target, replace(query_op(refs), rows=True), call, call)

    def _grow_list(self, name: str, method: str | None, call: ast.Call) -> None:
        """`batch.append(Order(a=1))` / `batch.extend(...)` on a list that bulk_create may get."""
        listed = self._list(name)
        if listed is None or method not in ("append", "extend"):
            return
        values = [arg.value for arg in call_args(call)]
        added = None
        if values:
            added = self._constructed(values) if method == "append" else self._constructed_list(values[0])
        fields, star = added or ([], True)
        self.lists[-1][name] = ([*listed[0], *(f for f in fields if f not in listed[0])], listed[1] or star)

    def _emit(self, subject: Subject, op: Op, anchor: ast.expr, end: ast.expr) -> None:
        self.facts.append(access_fact(self.parsed, self.symbol, subject, op, anchor, end))


def analyse_django_queries(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """ORM_ACCESS facts for one parsed file (unsorted)."""
    imports = ImportTable.of(parsed.tree, parsed.module_name, parsed.is_package)
    visitor = GatherDjangoQueriesVisitor(parsed, model_classes(parsed), queryset_classes(parsed, imports))
    visitor.walk(parsed.tree)
    visitor.field_refs = None  # type: ignore[assignment]  # it holds the visitor's bound methods: a cycle
    return visitor.facts


DJANGO_QUERIES = PythonAnalysis("django queries", wants_django_queries, analyse_django_queries)

__all__ = ["DJANGO_QUERIES", "GatherDjangoQueriesVisitor", "Subject", "analyse_django_queries", "unwind", "wants_django_queries"]
