"""Django definitions in one file: models, app configs, serializers, forms and admin classes.

`analyse_django_models(parsed, ctx)` emits the symbolic facts of `depmap.orm.symbols`
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
  A field's `db_index` is kept when written; the `Meta`'s `indexes` and `constraints` are the
  model's `schema_items` and its `unique_together`/`index_together` are kept as lists of field
  names (`schema_objects`), for the tables' indexes and constraints.
  Beyond the contract, `managers` maps manager attributes to the manager or queryset class that
  gives them their methods (`objects = OrderQuerySet.as_manager()` → `{"objects": "...OrderQuerySet"}`).
- APP_CONFIG for `AppConfig` subclasses (`name`, `label` when literal).
- EXPOSURE (`access="read"`) for DRF `ModelSerializer`s, Django `ModelForm`s and admin classes
  bound to a model: `django_exposures` reads those, from the same reading of the file's classes
  (`django_classes`), and this analysis emits its facts with the models'.

The file is read as an `ast` tree (`depmap.python.tree`): the weak prefilter lets most files of a Django
project through, and `ast` parses an order of magnitude faster than libcst, lines included.
Nothing is imported or run: bases and field classes are resolved from the import statements.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from depmap.model import Fact
from depmap.orm import symbols
from depmap.scan_context import ScanContext
from depmap.frameworks.django.classes import ClassInfo, ClassReader, assigned, last_name
from depmap.frameworks.django.exposures import exposure_facts
from depmap.frameworks.django.schema_objects import schema_objects, together
from depmap.python.analysis import PythonAnalysis
from depmap.python.tree import FUNCTION_NODES, ParsedTree, argument, dotted_name, literal_bool, literal_string

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


@dataclass
class ModelClass:
    """What the query analysis needs to know about a model class of this file."""

    name: str
    qualname: str
    is_root: bool
    managers: dict[str, str] = field(default_factory=dict)
    fields: frozenset[str] = frozenset()


_SQLALCHEMY_CLASS_ATTRIBUTES = frozenset({"__tablename__", "__table__", "__table_args__", "__mapper_args__"})
_SQLALCHEMY_CALLS = frozenset({"mapped_column", "Column", "relationship", "column_property", "synonym"})


def _declares_sqlalchemy_mapping(node: ast.ClassDef) -> bool:
    """A SQLAlchemy/SQLModel class: `__tablename__`, `Mapped[...]` annotations, `mapped_column()`."""
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign):
            annotation = statement.annotation
            head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
            if isinstance(head, (ast.Name, ast.Attribute)) and (dotted_name(head) or "").rsplit(".", 1)[-1] == "Mapped":
                return True
        pair = assigned(statement)
        if pair is None:
            continue
        name, value = pair
        if name in _SQLALCHEMY_CLASS_ATTRIBUTES:
            return True
        if isinstance(value, ast.Call) and (dotted_name(value.func) or "").rsplit(".", 1)[-1] in _SQLALCHEMY_CALLS:
            return True
    return False


def _from_models_module(base: str) -> bool:
    name = last_name(base)
    return "models" in base.split(".")[:-1] and name[:1].isupper() and not name.endswith(_NOT_MODEL_SUFFIXES)


class _Reader(ClassReader):
    """Reads one module's classes against its import table, and tells its models."""

    def __init__(self, parsed: ParsedTree) -> None:
        super().__init__(parsed)
        self.models: dict[str, ModelClass] = {}
        for info in self.classes:
            model = self._model_class(info)
            if model is not None:
                self.models[info.name] = model

    # -- classes -----------------------------------------------------------------------------------

    def field_call(self, value: ast.expr | None) -> tuple[str, str, bool] | None:
        """(kind, type as written, from Django's model namespace?) when `value` builds a field."""
        if not isinstance(value, ast.Call):
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

    def _model_class(self, info: ClassInfo) -> ModelClass | None:
        is_root = any(base in MODEL_ROOTS or base in SHIPPED_ABSTRACT_MODELS for base in info.bases)
        if not is_root and not self._derives_from_model(info):
            return None
        pairs = [pair for pair in map(assigned, info.node.body) if pair is not None]
        fields = frozenset(name for name, value in pairs if self.field_call(value))
        return ModelClass(info.name, info.qualname, is_root, self._managers(info.node), fields)

    def _imports_django(self) -> bool:
        return any(name == "django" or name.startswith("django.") for name in self.imports.names.values())

    def _derives_from_model(self, info: ClassInfo) -> bool:
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
        calls = [self.field_call(pair[1]) for pair in map(assigned, info.node.body) if pair is not None]
        if any(call is not None and call[2] for call in calls):
            return True
        # `from shop.orders.models import Order` hints at a model only in a file that uses Django:
        # Flask apps have `models` modules too (a flask-login user class is no model).
        if self._imports_django() and any(_from_models_module(base) for base in info.bases):
            return True
        return any(calls) and any(last_name(base).endswith("Model") for base in info.bases)

    def _managers(self, node: ast.ClassDef) -> dict[str, str]:
        managers: dict[str, str] = {}
        for statement in node.body:
            pair = assigned(statement)
            if pair is None or not isinstance(pair[1], ast.Call):
                continue
            source = self.manager_source(pair[1])
            if source is not None:
                managers[pair[0]] = source
        return managers

    def manager_source(self, call: ast.Call) -> str | None:
        """The class that gives a manager its methods: `X.as_manager()` and
        `M.from_queryset(X)()` name X, `OrderManager()` names OrderManager."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "as_manager":
            return self.imports.qualify_or_written(func.value)
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr == "from_queryset":
            queryset = argument(func, 0, "queryset_class")
            return self.imports.qualify_or_written(queryset) if queryset is not None else None
        written = dotted_name(func)
        if written is not None and last_name(written).endswith("Manager"):
            return self.imports.qualify_or_written(func)
        return None

    # -- facts -------------------------------------------------------------------------------------

    def model_fact(self, info: ClassInfo, model: ModelClass) -> Fact:
        fields: list[dict[str, Any]] = []
        attributes: list[str] = []
        lines: dict[str, int] = {}  # where each attribute is defined (a method's `def` line)
        for statement in info.node.body:
            if isinstance(statement, FUNCTION_NODES):  # `lineno` is the `def` line, after decorators
                attributes.append(statement.name)
                lines.setdefault(statement.name, statement.lineno)
            elif isinstance(statement, ast.ClassDef):
                if statement.name != "Meta":
                    attributes.append(statement.name)
                    lines.setdefault(statement.name, statement.lineno)
            else:
                pair = assigned(statement)
                if pair is None:
                    continue
                name, value = pair
                call = self.field_call(value)
                if call is not None and isinstance(value, ast.Call):
                    fields.append(self._field(name, statement, value, call[0], call[1]))
                else:
                    attributes.append(name)
                    lines.setdefault(name, statement.lineno)
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
            "attribute_lines": lines,
            "managers": model.managers,
        }
        default_related_name = literal_string(meta.get("default_related_name"))
        if default_related_name is not None:
            extra["default_related_name"] = default_related_name
        items = [*schema_objects(meta.get("indexes"), self.parsed.source), *schema_objects(meta.get("constraints"), self.parsed.source)]
        if items:
            extra["schema_items"] = items
        for option in ("unique_together", "index_together"):
            if (groups := together(meta.get(option))) is not None:
                extra[option] = groups
        return Fact(symbols.MODEL, "", self.location(info.node, info.qualname), via="orm", extra=extra)

    def _field(self, name: str, statement: ast.stmt, call: ast.Call, kind: str, type_name: str) -> dict[str, Any]:
        keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None}
        related = through = None
        if kind != "column":
            related = self.model_reference(argument(call, 0, "to"))
            through = self.model_reference(keywords.get("through"))
        null = keywords.get("null")
        found = {
            "name": name,
            "line": statement.lineno,
            "kind": kind,
            "db_column": literal_string(keywords.get("db_column")),
            "type": type_name,
            "nullable": (type_name == "NullBooleanField") if null is None else literal_bool(null),  # NULL-able by definition
            "default": self.source(keywords.get("default")),
            "db_default": self.source(keywords.get("db_default")),
            "primary_key": literal_bool(keywords.get("primary_key")) is True,
            "unique": literal_bool(keywords.get("unique")) is True,
            "related_model": related,
            "related_name": literal_string(keywords.get("related_name")),
            "through": through,
        }
        query_name = literal_string(keywords.get("related_query_name"))
        if query_name is not None:  # only when written: the default follows related_name
            found["related_query_name"] = query_name
        db_index = literal_bool(keywords.get("db_index"))
        if db_index is not None:
            found["db_index"] = db_index
        return found

    def model_reference(self, node: ast.expr | None) -> str | None:
        """A relation's target: qualified through the imports; strings ("self", "app.Model") as written."""
        if node is None:
            return None
        text = literal_string(node)
        if text is not None:
            return text
        return self.imports.qualify_or_written(node) or self.source(node)

    def app_config_fact(self, info: ClassInfo) -> Fact | None:
        if not any(base in APP_CONFIGS or last_name(base) == "AppConfig" for base in info.bases):
            return None
        values = {pair[0]: pair[1] for pair in map(assigned, info.node.body) if pair is not None}
        extra = {"name": literal_string(values.get("name")), "label": literal_string(values.get("label"))}
        return Fact(symbols.APP_CONFIG, "", self.location(info.node, info.qualname), via="orm", extra=extra)


# -- the analysis ------------------------------------------------------------------------------------


def model_classes(parsed: ParsedTree) -> dict[str, ModelClass]:
    """The model classes this module defines, by class name."""
    return _Reader(parsed).models


def analyse_django_models(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """MODEL, APP_CONFIG and EXPOSURE facts for one parsed file (unsorted)."""
    reader = _Reader(parsed)
    facts: list[Fact] = []
    for info in reader.classes:
        model = reader.models.get(info.name)
        if model is not None:
            facts.append(reader.model_fact(info, model))
            continue
        app_config = reader.app_config_fact(info)
        if app_config is not None:
            facts.append(app_config)
    facts.extend(exposure_facts(reader))
    return facts


DJANGO_MODELS = PythonAnalysis("django models", wants_django_models, analyse_django_models)

__all__ = ["DJANGO_MODELS", "ModelClass", "analyse_django_models", "model_classes", "wants_django_models"]
