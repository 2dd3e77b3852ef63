"""Django definitions in one file: models, app configs, serializers, forms and admin classes.

`analyse_django_models(parsed, positions, ctx)` emits the symbolic facts of `depmap.orm.symbols`
(MODEL, APP_CONFIG, EXPOSURE; `via="orm"`, `table=""`): what one file can say before the linker
has seen the project. It fills in

- MODEL for each module-level class that is a Django model. A class is one when a base resolves
  (through the imports) to `django.db.models.Model` or to an abstract model that ships outside the
  project (`AbstractUser`, …): `is_model_root` True; when a base is a model class of this same
  file; or, when its bases are defined elsewhere, when its body shows it: a field of Django's model
  namespace (`models.CharField`), a `Meta` option only models have (`abstract`, `db_table`,
  `proxy`, `ordering`…), or a field-like call (`MoneyField(...)`) under a base named `…Model` or
  imported from a `models` module. Those get `is_model_root` False and the linker follows the
  chain across files. A class without bases is never a model: Django ignores fields on plain mixins.
  Each field records the contract's keys; `type` is the field class as written without its module
  (`CharField`, `ArrayField`), `nullable` is False unless `null=` says otherwise (None when `null=`
  is not a literal), `default`/`db_default` are source text.
  Beyond the contract, `managers` maps manager attributes to the manager or queryset class that
  gives them their methods (`objects = OrderQuerySet.as_manager()` → `{"objects": "...OrderQuerySet"}`).
- APP_CONFIG for `AppConfig` subclasses (`name`, `label` when literal).
- EXPOSURE (`access="read"`) for DRF `ModelSerializer`s and Django `ModelForm`s (their `Meta`, a
  `Meta` inherited from a class of this file included), and for `ModelAdmin`/inline classes bound
  to a model by `@admin.register(...)`, `<site>.register(Model, Admin)` or `model = X`.
  `admin.site.register(Model)` alone exposes every field from the call's line. An admin lists
  `fields` (or the names inside `fieldsets`), else `"__all__"`; `list_display` is kept beside.

Nothing is imported or run: bases and field classes are resolved from the import statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from depmap.model import HIGH, MEDIUM, READ, Fact, Location
from depmap.orm import symbols
from depmap.scanners.context import ScanContext
from depmap.scanners.python import PythonAnalysis
from depmap.scanners.python_imports import ImportTable, dotted_name
from depmap.scanners.python_source import ParsedModule, Positions, argument, string_list

_HINT = re.compile(r"Model|AppConfig|Field\(|ForeignKey|register\(|Inline\b|class Meta\b|Admin\b")


def wants_django_models(text: str) -> bool:
    """Could this file define a model, an app config or an exposure? (Weak on purpose: cheap.)"""
    return _HINT.search(text) is not None


MODEL_ROOTS = frozenset({"django.db.models.Model", "django.db.models.base.Model", "django.contrib.gis.db.models.Model"})
# Abstract models that ship outside the project: a chain that reaches one ends there.
SHIPPED_ABSTRACT_MODELS = frozenset(
    {
        "django.contrib.auth.models.AbstractUser",
        "django.contrib.auth.models.AbstractBaseUser",
        "django.contrib.auth.base_user.AbstractBaseUser",
        "django.contrib.auth.models.PermissionsMixin",
        "mptt.models.MPTTModel",
        "polymorphic.models.PolymorphicModel",
        "model_utils.models.TimeStampedModel",
        "django_extensions.db.models.TimeStampedModel",
    }
)
# Bases from these namespaces make a class something else than a model (forms, serializers, …).
_NOT_MODEL_BASES = (
    "django.", "rest_framework.", "pydantic.", "marshmallow.", "sqlalchemy.", "sqlmodel.", "ninja.",
    "graphene", "strawberry.", "django_filters.", "factory.", "enum.", "typing.", "abc.", "unittest.",
)  # fmt: skip
_NOT_MODEL_SUFFIXES = (
    "Manager", "QuerySet", "Choices", "Field", "Enum", "Serializer", "Form", "Admin", "Error", "Exception",
)  # fmt: skip
# Field classes from these module names are form, serializer or filter fields, not columns.
_NON_MODEL_FIELD_MODULES = frozenset({"forms", "serializers", "filters", "fields_serializers", "django_filters", "wtforms"})
RELATION_KINDS = {
    "ForeignKey": "foreign_key",
    "OneToOneField": "one_to_one",
    "ManyToManyField": "many_to_many",
    "ParentalKey": "foreign_key",
    "ParentalManyToManyField": "many_to_many",
    "TreeForeignKey": "foreign_key",
    "TreeOneToOneField": "one_to_one",
    "TreeManyToManyField": "many_to_many",
}
# Meta options that only a model's Meta has (a form's or serializer's Meta names a `model`).
_MODEL_META_OPTIONS = frozenset(
    """abstract proxy db_table app_label managed ordering unique_together index_together indexes
    constraints get_latest_by default_related_name verbose_name_plural db_table_comment
    base_manager_name default_manager_name order_with_respect_to permissions default_permissions
    select_on_save required_db_features required_db_vendor""".split()
)
APP_CONFIGS = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})
_ADMIN_NAMES = ("ModelAdmin", "TabularInline", "StackedInline", "InlineModelAdmin")


@dataclass
class ModelClass:
    """What the query analysis needs to know about a model class of this file."""

    name: str
    qualname: str
    is_root: bool
    managers: dict[str, str] = field(default_factory=dict)
    fields: frozenset[str] = frozenset()


@dataclass
class _Class:
    node: cst.ClassDef
    name: str
    qualname: str
    bases: list[str]  # qualified, or as written
    written_bases: list[str]
    meta: dict[str, cst.BaseExpression]
    meta_bases: list[str]


def module_classes(module: cst.Module) -> list[cst.ClassDef]:
    """Classes defined at module level (also under `if`/`try`), in source order."""
    found: list[cst.ClassDef] = []

    def walk(statements: Any) -> None:
        for statement in statements:
            if isinstance(statement, cst.ClassDef):
                found.append(statement)
            elif isinstance(statement, cst.If):
                walk(statement.body.body)
                if isinstance(statement.orelse, cst.Else):
                    walk(statement.orelse.body.body)
            elif isinstance(statement, cst.Try):
                walk(statement.body.body)

    walk(module.body)
    return found


def class_body(node: cst.ClassDef) -> list[cst.BaseStatement | cst.BaseSmallStatement]:
    """The statements of a class body, simple statements unpacked (`a = 1; b = 2` gives two)."""
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    statements: list[Any] = []
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            statements.extend(statement.body)
        else:
            statements.append(statement)
    return statements


def assigned(statement: Any) -> tuple[str, cst.BaseExpression | None] | None:
    """`name = value` / `name: T = value` / `name: T` in a class body."""
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target = statement.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, statement.value
    if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
        return statement.target.value, statement.value
    return None


def literal_string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_bool(node: cst.BaseExpression | None) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


_SQLALCHEMY_CLASS_ATTRIBUTES = frozenset({"__tablename__", "__table__", "__table_args__", "__mapper_args__"})
_SQLALCHEMY_CALLS = frozenset({"mapped_column", "Column", "relationship", "column_property", "synonym"})


def _declares_sqlalchemy_mapping(node: cst.ClassDef) -> bool:
    """A SQLAlchemy/SQLModel class: `__tablename__`, `Mapped[...]` annotations, `mapped_column()`."""
    for statement in class_body(node):
        if isinstance(statement, cst.AnnAssign):
            annotation = statement.annotation.annotation
            head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
            if isinstance(head, (cst.Name, cst.Attribute)) and (dotted_name(head) or "").rsplit(".", 1)[-1] == "Mapped":
                return True
        pair = assigned(statement)
        if pair is None:
            continue
        name, value = pair
        if name in _SQLALCHEMY_CLASS_ATTRIBUTES:
            return True
        if isinstance(value, cst.Call) and (dotted_name(value.func) or "").rsplit(".", 1)[-1] in _SQLALCHEMY_CALLS:
            return True
    return False


def last_name(written: str) -> str:
    return written.rsplit(".", 1)[-1]


def _from_models_module(base: str) -> bool:
    name = last_name(base)
    return "models" in base.split(".")[:-1] and name[:1].isupper() and not name.endswith(_NOT_MODEL_SUFFIXES)


class _Reader:
    """Reads one module's classes against its import table."""

    def __init__(self, parsed: ParsedModule, positions: Positions | None = None) -> None:
        self.parsed = parsed
        self.positions = positions
        self.imports = ImportTable.of(parsed.module, parsed.module_name, parsed.path.endswith("__init__.py"))
        self.classes = [self._class(node) for node in module_classes(parsed.module)]
        self.models: dict[str, ModelClass] = {}
        for info in self.classes:
            model = self._model_class(info)
            if model is not None:
                self.models[info.name] = model

    # -- classes -----------------------------------------------------------------------------------

    def _class(self, node: cst.ClassDef) -> _Class:
        written = [self.written(arg.value) for arg in node.bases if arg.keyword is None and not arg.star]
        meta: dict[str, cst.BaseExpression] = {}
        meta_bases: list[str] = []
        for statement in class_body(node):
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Meta":
                meta_bases = [self.written(arg.value) for arg in statement.bases if arg.keyword is None]
                for inner in class_body(statement):
                    pair = assigned(inner)
                    if pair is not None and pair[1] is not None:
                        meta[pair[0]] = pair[1]
        bases = [self.imports.qualify_text(name) or name for name in written]
        qualname = f"{self.parsed.module_name}.{node.name.value}"
        return _Class(node, node.name.value, qualname, bases, written, meta, meta_bases)

    def written(self, node: cst.BaseExpression) -> str:
        return dotted_name(node) or self.parsed.module.code_for_node(node)

    def field_call(self, value: cst.BaseExpression | None) -> tuple[str, str, bool] | None:
        """(kind, type as written, from Django's model namespace?) when `value` builds a field."""
        if not isinstance(value, cst.Call):
            return None
        written = dotted_name(value.func)
        if written is None:
            return None
        name = last_name(written)
        kind = RELATION_KINDS.get(name) or ("column" if name.endswith("Field") else None)
        if kind is None:
            return None
        resolved = self.imports.qualify_text(written)
        qualified = resolved or written
        if _NON_MODEL_FIELD_MODULES & set(qualified.split(".")[:-1]):
            return None
        certain = qualified.startswith(("django.db.models.", "django.contrib.")) or (
            resolved is None and written.startswith("models.")
        )
        return kind, name, certain

    def _model_class(self, info: _Class) -> ModelClass | None:
        is_root = any(base in MODEL_ROOTS or base in SHIPPED_ABSTRACT_MODELS for base in info.bases)
        if not is_root and not self._derives_from_model(info):
            return None
        pairs = [pair for pair in map(assigned, class_body(info.node)) if pair is not None]
        fields = frozenset(name for name, value in pairs if self.field_call(value))
        return ModelClass(info.name, info.qualname, is_root, self._managers(info.node), fields)

    def _derives_from_model(self, info: _Class) -> bool:
        if any(written in self.models for written in info.written_bases):
            return True
        if _declares_sqlalchemy_mapping(info.node):  # `from billing.models.mixins import ...` is no Django hint
            return False
        if not info.bases or any(base.startswith(_NOT_MODEL_BASES) or base == "object" for base in info.bases):
            return False
        if "model" in info.meta:  # a form's, serializer's or filter's Meta
            return False
        if _MODEL_META_OPTIONS & info.meta.keys():
            return True
        calls = [self.field_call(pair[1]) for pair in map(assigned, class_body(info.node)) if pair is not None]
        if any(call is not None and call[2] for call in calls):
            return True
        if any(_from_models_module(base) for base in info.bases):  # `from shop.orders.models import Order`
            return True
        return any(calls) and any(last_name(base).endswith("Model") for base in info.bases)

    def _managers(self, node: cst.ClassDef) -> dict[str, str]:
        managers: dict[str, str] = {}
        for statement in class_body(node):
            pair = assigned(statement)
            if pair is None or not isinstance(pair[1], cst.Call):
                continue
            source = self.manager_source(pair[1])
            if source is not None:
                managers[pair[0]] = source
        return managers

    def manager_source(self, call: cst.Call) -> str | None:
        """The class that gives a manager its methods: `X.as_manager()` and
        `M.from_queryset(X)()` name X, `OrderManager()` names OrderManager."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "as_manager":
            return self.imports.qualify_or_written(func.value)
        if isinstance(func, cst.Call) and isinstance(func.func, cst.Attribute) and func.func.attr.value == "from_queryset":
            queryset = argument(func, 0, "queryset_class")
            return self.imports.qualify_or_written(queryset) if queryset is not None else None
        written = dotted_name(func)
        if written is not None and last_name(written).endswith("Manager"):
            return self.imports.qualify_or_written(func)
        return None

    # -- facts -------------------------------------------------------------------------------------

    def location(self, node: cst.CSTNode, symbol: str) -> Location:
        assert self.positions is not None
        where = self.positions[node]
        return Location(self.parsed.path, where.start.line, where.end.line, symbol=symbol)

    def model_fact(self, info: _Class, model: ModelClass) -> Fact:
        fields: list[dict[str, Any]] = []
        attributes: list[str] = []
        for statement in class_body(info.node):
            if isinstance(statement, cst.FunctionDef):
                attributes.append(statement.name.value)
            elif isinstance(statement, cst.ClassDef):
                if statement.name.value != "Meta":
                    attributes.append(statement.name.value)
            else:
                pair = assigned(statement)
                if pair is None:
                    continue
                name, value = pair
                call = self.field_call(value)
                if call is not None and isinstance(value, cst.Call):
                    fields.append(self._field(name, statement, value, call[0], call[1]))
                else:
                    attributes.append(name)
        meta = info.meta
        extra = {
            "framework": "django",
            "model": info.qualname,
            "bases": info.bases,
            "abstract": literal_bool(meta.get("abstract")) is True,
            "proxy": literal_bool(meta.get("proxy")) is True,
            "table": literal_string(meta.get("db_table")),
            "schema": None,
            "app_label": literal_string(meta.get("app_label")),
            "is_model_root": model.is_root,
            "fields": fields,
            "attributes": attributes,
            "managers": model.managers,
        }
        return Fact(symbols.MODEL, "", self.location(info.node, info.qualname), via="orm", extra=extra)

    def _field(self, name: str, statement: cst.CSTNode, call: cst.Call, kind: str, type_name: str) -> dict[str, Any]:
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        related = through = None
        if kind != "column":
            related = self.model_reference(argument(call, 0, "to"))
            through = self.model_reference(keywords.get("through"))
        null = keywords.get("null")
        assert self.positions is not None
        return {
            "name": name,
            "line": self.positions[statement].start.line,
            "kind": kind,
            "db_column": literal_string(keywords.get("db_column")),
            "type": type_name,
            "nullable": False if null is None else literal_bool(null),
            "default": self.source(keywords.get("default")),
            "db_default": self.source(keywords.get("db_default")),
            "primary_key": literal_bool(keywords.get("primary_key")) is True,
            "unique": literal_bool(keywords.get("unique")) is True,
            "related_model": related,
            "related_name": literal_string(keywords.get("related_name")),
            "through": through,
        }

    def source(self, node: cst.BaseExpression | None) -> str | None:
        return None if node is None else self.parsed.module.code_for_node(node)

    def model_reference(self, node: cst.BaseExpression | None) -> str | None:
        """A relation's target: qualified through the imports; strings ("self", "app.Model") as written."""
        if node is None:
            return None
        text = literal_string(node)
        if text is not None:
            return text
        return self.imports.qualify_or_written(node) or self.source(node)

    def app_config_fact(self, info: _Class) -> Fact | None:
        if not any(base in APP_CONFIGS or last_name(base) == "AppConfig" for base in info.bases):
            return None
        values = {pair[0]: pair[1] for pair in map(assigned, class_body(info.node)) if pair is not None}
        extra = {"name": literal_string(values.get("name")), "label": literal_string(values.get("label"))}
        return Fact(symbols.APP_CONFIG, "", self.location(info.node, info.qualname), via="orm", extra=extra)


# -- exposures ---------------------------------------------------------------------------------------


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
    meta: dict[str, cst.BaseExpression]


def _admin_registrations(reader: _Reader) -> tuple[dict[str, list[cst.BaseExpression]], list[cst.Call]]:
    """Models registered per admin class name (decorators and `<site>.register(M, Admin)` calls),
    and the `<site>.register(M)` calls that name no admin class of this file."""
    by_admin: dict[str, list[cst.BaseExpression]] = {}
    bare: list[cst.Call] = []
    for info in reader.classes:
        for decorator in info.node.decorators:
            call = decorator.decorator
            if isinstance(call, cst.Call) and _is_register(reader, call.func, decorator=True):
                by_admin.setdefault(info.name, []).extend(a.value for a in call.args if a.keyword is None and not a.star)
    defined = {info.name for info in reader.classes}
    for statement in reader.parsed.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            call = small.value if isinstance(small, cst.Expr) else None
            if not isinstance(call, cst.Call) or not _is_register(reader, call.func, decorator=False):
                continue
            admin = argument(call, 1, "admin_class")
            if isinstance(admin, cst.Name) and admin.value in defined:
                by_admin.setdefault(admin.value, []).extend(_registered_models(call))
            else:
                bare.append(call)
    return by_admin, bare


def _is_register(reader: _Reader, func: cst.BaseExpression, *, decorator: bool) -> bool:
    written = dotted_name(func)
    if written is None or last_name(written) != "register":
        return False
    if decorator:
        qualified = reader.imports.qualify_text(written) or written
        return qualified.startswith("django.contrib.admin") or written.endswith(("admin.register", "site.register"))
    return written.endswith("site.register")


def _registered_models(call: cst.Call) -> list[cst.BaseExpression]:
    first = argument(call, 0, "model_or_iterable")
    if isinstance(first, (cst.List, cst.Tuple)):
        return [element.value for element in first.elements]
    return [first] if first is not None else []


def _field_names(node: cst.BaseExpression | None) -> list[str] | str | None:
    """"__all__", a literal list of names, or None (absent or not literal)."""
    if node is None:
        return None
    if literal_string(node) == "__all__":
        return "__all__"
    names = string_list(node)
    return list(names) if names is not None else None


def _fieldset_names(node: cst.BaseExpression) -> list[str] | None:
    """The names inside an admin's `fieldsets` literal (`"fields": ("a", ("b", "c"))`)."""
    names: list[str] = []

    def strings(value: cst.BaseExpression) -> None:
        text = literal_string(value)
        if text is not None:
            names.append(text)
        elif isinstance(value, (cst.List, cst.Tuple)):
            for element in value.elements:
                strings(element.value)

    def visit(value: cst.CSTNode) -> None:
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and literal_string(element.key) == "fields":
                    strings(element.value)
        for child in value.children:
            visit(child)

    visit(node)
    return names or None


def _exposure_facts(reader: _Reader) -> list[Fact]:
    facts: list[Fact] = []
    known: dict[str, _Exposure] = {}
    registered, bare = _admin_registrations(reader)
    for info in reader.classes:
        exposure = _exposure_of(info, known)
        if exposure is None:
            continue
        known[info.name] = exposure
        location = reader.location(info.node, info.qualname)
        pairs = [pair for pair in map(assigned, class_body(info.node)) if pair is not None]
        attributes = {name: value for name, value in pairs if value is not None}
        if exposure.kind == "admin":
            targets = registered.get(info.name) or ([attributes["model"]] if "model" in attributes else [])
            for target in targets:
                facts.append(_admin_fact(reader, location, target, attributes, exposure.confident))
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
        assert reader.positions is not None
        where = reader.positions[call]
        location = Location(reader.parsed.path, where.start.line, where.end.line, symbol=reader.parsed.module_name)
        admin = argument(call, 1, "admin_class")
        for target in _registered_models(call):
            if admin is None:
                extra = {"fields": "__all__", "exclude": [], "automatic": True}
                facts.append(_fact(reader, location, "admin", target, extra, True))
            else:
                reason = "admin class defined in another module"
                extra = {"fields": None, "exclude": [], "automatic": False, "reason": reason}
                facts.append(_fact(reader, location, "admin", target, extra, False))
    return [fact for fact in facts if fact.extra["model_name"]]


def _exposure_of(info: _Class, known: dict[str, _Exposure]) -> _Exposure | None:
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


def _merged_meta(info: _Class, inherited: _Exposure | None, known: dict[str, _Exposure]) -> dict[str, cst.BaseExpression]:
    """A class without Meta uses its base's; `class Meta(Base.Meta)` extends it."""
    if not info.meta and not info.meta_bases:
        return dict(inherited.meta) if inherited else {}
    merged: dict[str, cst.BaseExpression] = {}
    for meta_base in info.meta_bases:
        owner = meta_base.rsplit(".", 1)[0]
        if meta_base.endswith(".Meta") and owner in known:
            merged.update(known[owner].meta)
    merged.update(info.meta)
    return merged


def _admin_fact(
    reader: _Reader,
    location: Location,
    target: cst.BaseExpression,
    attributes: dict[str, cst.BaseExpression],
    confident: bool,
) -> Fact:
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
    return _fact(reader, location, "admin", target, extra, confident)


def _fact(
    reader: _Reader, location: Location, detail: str, target: cst.BaseExpression, extra: dict[str, Any], confident: bool
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


# -- the analysis ------------------------------------------------------------------------------------


def model_classes(parsed: ParsedModule) -> dict[str, ModelClass]:
    """The model classes this module defines, by class name (no positions needed)."""
    return _Reader(parsed).models


def analyse_django_models(parsed: ParsedModule, positions: Positions, ctx: ScanContext) -> list[Fact]:
    """MODEL, APP_CONFIG and EXPOSURE facts for one parsed file (unsorted)."""
    reader = _Reader(parsed, positions)
    facts: list[Fact] = []
    for info in reader.classes:
        model = reader.models.get(info.name)
        if model is not None:
            facts.append(reader.model_fact(info, model))
            continue
        app_config = reader.app_config_fact(info)
        if app_config is not None:
            facts.append(app_config)
    facts.extend(_exposure_facts(reader))
    return facts


DJANGO_MODELS = PythonAnalysis("django models", wants_django_models, analyse_django_models)

__all__ = ["DJANGO_MODELS", "ModelClass", "analyse_django_models", "model_classes", "wants_django_models"]
