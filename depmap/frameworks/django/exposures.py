"""Which model fields a module shows to the outside: serializers, forms and admin classes.

A new or renamed column reaches users through these classes without a query being written: a DRF
`ModelSerializer` or a `ModelForm` with `fields = "__all__"` or an `exclude` list, an admin without
`fields`, a bare `admin.site.register(Order)`. `exposure_facts(reader)` emits EXPOSURE facts
(`depmap.orm.symbols`; `access="read"`, `detail` "serializer" | "form" | "admin") for
`models`' analysis, which also emits the MODEL facts of the same file. They are kept apart
because the two questions share only the reading of classes (`django_classes`): what makes a
class a model (bases, fields, `Meta` options) is another body of knowledge than what binds a
serializer, form or admin to one.

- DRF `ModelSerializer`s and Django `ModelForm`s, by their `Meta` — a `Meta` inherited from a class
  of this file included, `class Meta(Base.Meta)` extending it. A base defined elsewhere and named
  like one (`…Serializer`, `…Form`, `…Admin`) with a `Meta.model` is a guess: confidence medium.
- `ModelAdmin`/inline classes bound to a model by `@admin.register(...)`, `<site>.register(Model,
  Admin)` or `model = X`. An admin lists `fields` (or the names inside `fieldsets`), else
  `"__all__"`; `list_display` is kept beside. `admin.site.register(Model)` alone exposes every
  field from the call's line; with an admin class of another module, fields are unknown. An admin
  also writes what it shows (its add, change and delete views): each admin exposure comes as a
  read and a write, at the registration (the decorator or the `register` call) when there is one.
  Its changelist's `list_filter`, `search_fields`, `ordering`, `date_hierarchy` and
  `list_select_related` are reads (ORM_ACCESS) of the fields they name, across relations.

Classes and calls are read from the file's `ast` tree (`depmap.python.tree`), as `models` reads it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Any

from depmap.model import HIGH, MEDIUM, READ, WRITE, Fact, Location
from depmap.orm import symbols
from depmap.frameworks.django.classes import ClassInfo, ClassReader, assigned, last_name
from depmap.python.tree import argument, children, dotted_name, literal_string, positional_args, string_list

_ADMIN_NAMES = ("ModelAdmin", "TabularInline", "StackedInline", "InlineModelAdmin")


def _exposure_kind(base: str) -> str | None:
    name = last_name(base)
    if name.endswith("ModelSerializer"):
        return "serializer"
    if name.endswith("ModelForm"):
        return "form"
    if name.endswith(_ADMIN_NAMES) or name in ("GISModelAdmin", "OSMGeoAdmin"):
        return "admin"
    return None


def _guessed_kind(base: str) -> str | None:
    """A base defined elsewhere, named like what it probably is."""
    name = last_name(base)
    for suffix, kind in (("Serializer", "serializer"), ("Form", "form"), ("Admin", "admin"), ("Inline", "admin")):
        if name.endswith(suffix):
            return kind
    return None


@dataclass
class _Exposure:
    kind: str
    confident: bool
    meta: dict[str, ast.expr]


Registered = list[tuple[ast.expr, ast.Call]]  # (the model, the registration that names it)


def _admin_registrations(reader: ClassReader) -> tuple[dict[str, Registered], list[ast.Call]]:
    """Models registered per admin class name, each with its registration (a decorator or a
    `<site>.register(M, Admin)` call), and the `<site>.register(M)` calls that name no admin class
    of this file."""
    by_admin: dict[str, Registered] = {}
    bare: list[ast.Call] = []
    for info in reader.classes:
        for call in info.node.decorator_list:
            if isinstance(call, ast.Call) and _is_register(reader, call.func, decorator=True):
                by_admin.setdefault(info.name, []).extend((model, call) for model in positional_args(call))
    defined = {info.name for info in reader.classes}
    for statement in reader.parsed.tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not isinstance(call, ast.Call) or not _is_register(reader, call.func, decorator=False):
            continue
        admin = argument(call, 1, "admin_class")
        if isinstance(admin, ast.Name) and admin.id in defined:
            by_admin.setdefault(admin.id, []).extend((model, call) for model in _registered_models(call))
        else:
            bare.append(call)
    return by_admin, bare


def _is_register(reader: ClassReader, func: ast.expr, *, decorator: bool) -> bool:
    written = dotted_name(func)
    if written is None or last_name(written) != "register":
        return False
    if decorator:
        qualified = reader.imports.qualify_text(written) or written
        return qualified.startswith("django.contrib.admin") or written.endswith(("admin.register", "site.register"))
    return written.endswith("site.register")


def _registered_models(call: ast.Call) -> list[ast.expr]:
    first = argument(call, 0, "model_or_iterable")
    if isinstance(first, (ast.List, ast.Tuple)):
        return [element.value if isinstance(element, ast.Starred) else element for element in first.elts]
    return [first] if first is not None else []


def _field_names(node: ast.expr | None) -> list[str] | str | None:
    """"__all__", a literal list of names, or None (absent or not literal)."""
    if node is None:
        return None
    if literal_string(node) == "__all__":
        return "__all__"
    names = string_list(node)
    return list(names) if names is not None else None


def _fieldset_names(node: ast.expr) -> list[str] | None:
    """The names inside an admin's `fieldsets` literal (`"fields": ("a", ("b", "c"))`)."""
    names: list[str] = []

    def strings(value: ast.expr) -> None:
        text = literal_string(value)
        if text is not None:
            names.append(text)
        elif isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                strings(element.value if isinstance(element, ast.Starred) else element)

    def visit(value: ast.AST) -> None:
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values):
                if literal_string(key) == "fields":  # key None: `**other`
                    strings(item)
        for child in children(value):
            visit(child)

    visit(node)
    return names or None


def exposure_facts(reader: ClassReader) -> list[Fact]:
    """EXPOSURE facts of the classes and `<site>.register(...)` calls of one module (unsorted)."""
    facts: list[Fact] = []
    known: dict[str, _Exposure] = {}
    registered, bare = _admin_registrations(reader)
    for info in reader.classes:
        exposure = _exposure_of(info, known)
        if exposure is None:
            continue
        known[info.name] = exposure
        location = reader.location(info.node, info.qualname)
        pairs = [pair for pair in map(assigned, info.node.body) if pair is not None]
        attributes = {name: value for name, value in pairs if value is not None}
        if exposure.kind == "admin":
            targets = registered.get(info.name) or ([(attributes["model"], info.node)] if "model" in attributes else [])
            for target, site in targets:
                where = location if site is info.node else reader.location(site, location.symbol)
                said = f"class {info.name}" if site is info.node else _one_line(reader, site)
                found = _admin_facts(reader, where, target, attributes, exposure.confident)
                facts.extend(replace(f, snippet=said) if f.kind == symbols.EXPOSURE else f for f in found)
        elif "model" in exposure.meta:
            meta = exposure.meta
            fields = _field_names(meta.get("fields"))
            exclude = _field_names(meta.get("exclude"))
            extra = {
                "fields": fields,
                "exclude": exclude if isinstance(exclude, list) else [],
                "automatic": fields == "__all__" or "exclude" in meta,
            }
            facts.append(_fact(reader, location, exposure.kind, meta["model"], extra, exposure.confident))
    for call in bare:
        location = reader.location(call, reader.parsed.module_name)
        admin = argument(call, 1, "admin_class")
        for target in _registered_models(call):
            if admin is None:
                extra: dict[str, Any] = {"fields": "__all__", "exclude": [], "automatic": True}
            else:
                reason = "admin class defined in another module"
                extra = {"fields": None, "exclude": [], "automatic": False, "reason": reason}
            found = _with_write(_fact(reader, location, "admin", target, extra, admin is None))
            facts.extend(replace(f, snippet=_one_line(reader, call)) for f in found)
    return [fact for fact in facts if fact.extra["model_name"]]


def _exposure_of(info: ClassInfo, known: dict[str, _Exposure]) -> _Exposure | None:
    for written, base in zip(info.written_bases, info.bases):
        inherited = known.get(written)
        kind = inherited.kind if inherited else _exposure_kind(base)
        if kind is None:
            continue
        return _Exposure(kind, inherited.confident if inherited else True, _merged_meta(info, inherited, known))
    if "model" in info.meta:
        for base in info.bases:
            kind = _guessed_kind(base)
            if kind is not None:
                return _Exposure(kind, False, info.meta)
    return None


def _merged_meta(info: ClassInfo, inherited: _Exposure | None, known: dict[str, _Exposure]) -> dict[str, ast.expr]:
    """A class without Meta uses its base's; `class Meta(Base.Meta)` extends it."""
    if not info.meta and not info.meta_bases:
        return dict(inherited.meta) if inherited else {}
    merged: dict[str, ast.expr] = {}
    for meta_base in info.meta_bases:
        owner = meta_base.rsplit(".", 1)[0]
        if meta_base.endswith(".Meta") and owner in known:
            merged.update(known[owner].meta)
    merged.update(info.meta)
    return merged


def _one_line(reader: ClassReader, node: ast.AST) -> str:
    return " ".join((reader.parsed.source.segment(node) or "").split())[:160]


def _with_write(read: Fact) -> list[Fact]:
    """An admin's changelist and change form read the fields it shows; its add, change and delete
    views write them (and delete rows): the same fact as a write, at the same registration."""
    return [read, replace(read, access=WRITE)]


def _admin_facts(
    reader: ClassReader,
    location: Location,
    target: ast.expr,
    attributes: dict[str, ast.expr],
    confident: bool,
) -> list[Fact]:
    fields = _field_names(attributes.get("fields"))
    if fields is None and "fieldsets" in attributes:
        fields = _fieldset_names(attributes["fieldsets"])
    exclude = _field_names(attributes.get("exclude"))
    listed = "fields" in attributes or "fieldsets" in attributes
    extra: dict[str, Any] = {
        "fields": fields if listed else "__all__",
        "exclude": exclude if isinstance(exclude, list) else [],
        "automatic": not listed or "exclude" in attributes,
    }
    display = _field_names(attributes.get("list_display"))
    if isinstance(display, list):
        extra["list_display"] = display
    exposure = _fact(reader, location, "admin", target, extra, confident)
    return _with_write(exposure) + _changelist_reads(reader, exposure, attributes)


# The changelist's query: what it filters, searches and orders by, and the rows it joins in.
_CHANGELIST_LOOKUPS = ("list_filter", "search_fields", "ordering", "date_hierarchy", "list_select_related")


def _changelist_reads(reader: ClassReader, exposure: Fact, attributes: dict[str, ast.expr]) -> list[Fact]:
    """`search_fields = ["^name", "owner__email"]`, `list_filter = ["status", ("queue", Filter)]`,
    `ordering = ["-created"]`, `date_hierarchy`, `list_select_related = ["owner"]`: each is a read
    of the fields (across relations) the admin's changelist query uses, at the attribute's line."""
    facts = []
    for name in _CHANGELIST_LOOKUPS:
        value = attributes.get(name)
        if value is None:
            continue
        items = [value] if literal_string(value) is not None else list(getattr(value, "elts", []))
        names = [literal_string(item.elts[0] if isinstance(item, ast.Tuple) and item.elts else item) for item in items]
        refs = [n.lstrip("^=@-") for n in names if n]
        if not refs:
            continue
        extra = {"model": exposure.extra["model"], "model_name": exposure.extra["model_name"], "relation": [], "all_fields": False,
                 "aliases": [], "fields": [] if name == "list_select_related" else refs}  # fmt: skip
        if name == "list_select_related":
            extra["related"] = refs
        location = Location(exposure.location.path, value.lineno, value.end_lineno, symbol=exposure.location.symbol)  # type: ignore[attr-defined]
        snippet = _one_line(reader, value)
        facts.append(Fact(symbols.ORM_ACCESS, "", location, access=READ, detail=symbols.ORM_QUERY, via="orm", confidence=exposure.confidence, snippet=f"{name} = {snippet}", extra=extra))
    return facts


def _fact(
    reader: ClassReader, location: Location, detail: str, target: ast.expr, extra: dict[str, Any], confident: bool
) -> Fact:
    written = dotted_name(target)
    resolved = reader.imports.qualify(target)
    if written is not None and resolved is None and not written[:1].isupper():
        written = None  # a loop variable or a call: not a model name
    data = {"model": resolved, "model_name": written, **extra}
    if not confident and "reason" not in data:
        data["reason"] = "base class defined in another module: assumed to be a model " + detail
    confidence = HIGH if confident else MEDIUM
    return Fact(symbols.EXPOSURE, "", location, access=READ, detail=detail, via="orm", confidence=confidence, extra=data)


__all__ = ["exposure_facts"]
