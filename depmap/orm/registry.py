"""Every model of the project, with its table, its columns and its relations, across files.

Built from the MODEL, APP_CONFIG and TABLE_BINDING facts of all files. Answers what the linker
needs: which model does a name refer to (exactly, through a re-export, or by class name as a
labelled guess), which table it maps to (the framework's naming rules, app labels, proxies,
single-table and multi-table inheritance), and which column a field is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from depmap.model import HIGH, LOW, MEDIUM, Fact
from depmap.orm.naming import app_module_of, default_app_label, django_table, qualify_table, snake_case
from depmap.orm.symbols import APP_CONFIG, MODEL, PY_CLASS, TABLE_BINDING

RELATIONS = frozenset({"foreign_key", "one_to_one", "many_to_many", "relationship"})
FRAMEWORK_ROOTS = frozenset(
    {
        "django.db.models.Model",
        "django.db.models.base.Model",
        "sqlalchemy.orm.DeclarativeBase",
        "sqlmodel.SQLModel",
    }
)
# Models that ship with Django and are used by almost every project without being defined in it.
BUILTIN_DJANGO_TABLES = {
    "django.contrib.auth.models.User": "auth_user",
    "django.contrib.auth.models.Group": "auth_group",
    "django.contrib.auth.models.Permission": "auth_permission",
    "django.contrib.contenttypes.models.ContentType": "django_content_type",
    "django.contrib.sessions.models.Session": "django_session",
    "django.contrib.sites.models.Site": "django_site",
}


@dataclass
class Field:
    name: str
    kind: str
    column: str | None
    spec: dict[str, Any]
    path: str
    line: int
    owner: str  # qualified name of the class that declares it

    @property
    def is_relation(self) -> bool:
        return self.kind in RELATIONS


@dataclass
class Model:
    fact: Fact
    qualname: str
    framework: str
    bases: list[str]
    abstract: bool
    proxy: bool
    explicit_table: str | None
    schema: str | None
    app_label: str | None
    own_fields: list[dict[str, Any]]
    attributes: list[str]
    table: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    parent: Model | None = None  # concrete parent (multi-table or single-table inheritance)

    @property
    def class_name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def module(self) -> str:
        return self.qualname.rsplit(".", 1)[0]

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields.values() if f.column]

    @property
    def primary_key(self) -> str | None:
        return next((f.column for f in self.fields.values() if f.spec.get("primary_key") and f.column), None)

    @property
    def stored(self) -> Model:
        """The model whose table and fields hold this one's rows: a proxy's parent, else itself."""
        return self.parent if self.proxy and self.parent is not None else self


@dataclass(frozen=True)
class Resolution:
    model: Model | None
    confidence: str = HIGH
    reason: str | None = None
    candidates: tuple[str, ...] = ()


class Registry:
    def __init__(self) -> None:
        self.models: dict[str, Model] = {}
        self.by_class: dict[str, list[Model]] = {}
        self.app_labels: dict[str, str] = {}  # AppConfig.name -> label
        self.bindings: dict[str, str] = {}  # qualified variable -> table (SQLAlchemy Core)
        self.queryset_owners: dict[str, list[Model]] = {}  # custom QuerySet/Manager class -> models
        self._completed: set[str] = set()
        self._packages: set[str] | None = None
        self._packages_of = 0
        self._pointing_at: dict[int, list[tuple[Model, Field]]] | None = None
        self._accessors: dict[str, list[Model]] | None = None
        self._reverse: dict[tuple[int, str], tuple[Model, Field] | None] = {}  # `reverse_relation`'s answers
        self.classes: set[str] = set()  # every class of the project with bases (PY_CLASS), models or not

    @classmethod
    def build(cls, facts: Iterable[Fact]) -> Registry:
        registry = cls()
        for fact in facts:
            if fact.kind == MODEL:
                registry._add_model(fact)
            elif fact.kind == APP_CONFIG and fact.extra.get("name"):
                name = fact.extra["name"]
                registry.app_labels[name] = fact.extra.get("label") or default_app_label(name)
            elif fact.kind == TABLE_BINDING and fact.extra.get("binding"):
                registry.bindings[fact.extra["binding"]] = fact.table
            elif fact.kind == PY_CLASS:
                registry.classes.add(fact.extra["class"])
        for model in sorted(registry.models.values(), key=lambda m: m.qualname):
            registry._complete(model, ())
        return registry

    def _add_model(self, fact: Fact) -> None:
        extra = fact.extra
        model = Model(
            fact=fact,
            qualname=extra["model"],
            framework=extra.get("framework", "django"),
            bases=list(extra.get("bases") or []),
            abstract=bool(extra.get("abstract")),
            proxy=bool(extra.get("proxy")),
            explicit_table=extra.get("table"),
            schema=extra.get("schema"),
            app_label=extra.get("app_label"),
            own_fields=list(extra.get("fields") or []),
            attributes=list(extra.get("attributes") or []),
        )
        self.models[model.qualname] = model
        self.by_class.setdefault(model.class_name, []).append(model)
        for manager in (extra.get("managers") or {}).values():
            if manager:
                self.queryset_owners.setdefault(manager, []).append(model)

    # -- which model is it? ------------------------------------------------------------------------

    def resolve(self, name: str | None, near: str | None = None) -> Resolution:
        """A model from a qualified name, a re-exported name, or (as a guess) its class name."""
        if not name:
            return Resolution(None, LOW, "no model name")
        if name in self.models:
            return Resolution(self.models[name])
        class_name = name.rsplit(".", 1)[-1]
        if name in self.classes:  # `whitebox.schemas.model.Model`, a pydantic class: no guess by its name
            return Resolution(None, LOW, f"{name} is a class of the project, not a model")
        candidates = self.by_class.get(class_name, [])
        if "." in name:  # imported from the app's root, scanned from above it: `core.models.X` is
            below = [m for m in candidates if m.qualname.endswith("." + name)]  # `shop.core.models.X`
            if len(below) == 1:
                return Resolution(below[0])
        if "." in name:  # re-exported: `billing.models.Account` for `billing.models.account.Account`
            package = name.rsplit(".", 1)[0] + "."
            inside = [m for m in candidates if m.qualname.startswith(package)]
            if len(inside) == 1:
                return Resolution(inside[0])
        if near is not None and len(candidates) > 1:  # "Customer" in a relation: same app first
            same_app = [m for m in candidates if app_module_of(m.module) == app_module_of(near)]
            if len(same_app) == 1:
                return Resolution(same_app[0])
        return _only_one(
            candidates,
            MEDIUM,
            f"resolved by class name '{class_name}'",
            f"several models are named '{class_name}'",
            f"no model named '{class_name}' in the project",
        )

    def resolve_queryset(self, queryset: str | None) -> Resolution:
        """`self.filter()` inside `OrderQuerySet`: the model(s) whose manager is built from it."""
        owners = self.queryset_owners.get(queryset or "", [])
        name = (queryset or "").rsplit(".", 1)[-1]
        owner = owners[0].class_name if owners else ""
        return _only_one(
            owners,
            HIGH,
            f"a method of {name}, the manager of {owner}",
            f"{queryset} is the manager of several models",
            f"no model uses {queryset} as its manager",
        )

    def resolve_relation(self, target: str | None, owner: Model) -> Model | None:
        """The model a relation points at: "self", "app_label.Model", a qualified or bare name."""
        if not target:
            return None
        if target == "self":
            return owner
        if target.count(".") == 1 and target.split(".")[0] not in self._top_packages():
            label, class_name = target.split(".")
            for model in self.by_class.get(class_name, []):
                if self.app_label(model) == label:
                    return model
        return self.resolve(target, near=owner.module).model

    def _top_packages(self) -> set[str]:
        if self._packages is None or len(self.models) != self._packages_of:
            self._packages = {qualname.split(".", 1)[0] for qualname in self.models}
            self._packages_of = len(self.models)
        return self._packages

    def app_label(self, model: Model) -> str:
        if model.app_label:
            return model.app_label
        return self.label_of_app(app_module_of(model.module))

    def label_of_app(self, app_module: str) -> str:
        """AppConfig.label for the app whose name is (a dotted suffix of) this module."""
        for name, label in self.app_labels.items():
            if app_module == name or app_module.endswith("." + name):
                return label
        return default_app_label(app_module)

    # -- tables and fields -------------------------------------------------------------------------

    def _base_models(self, model: Model) -> list[Model]:
        found = []
        for base in model.bases:
            if base in FRAMEWORK_ROOTS:
                continue
            resolution = self.resolve(base, near=model.module)
            if resolution.model is not None and resolution.model is not model:
                found.append(resolution.model)
        return found

    def _complete(self, model: Model, seen: tuple[str, ...]) -> None:
        """Fields (inherited from abstract bases and mixins first), concrete parent, table."""
        if model.qualname in self._completed or model.qualname in seen:
            return
        seen = (*seen, model.qualname)
        for base in self._base_models(model):
            self._complete(base, seen)
            if base.abstract:
                for name, inherited in base.fields.items():
                    model.fields.setdefault(name, inherited)
            elif model.parent is None:
                model.parent = base
        if model.parent is not None and model.framework == "django" and not model.proxy:
            ptr = f"{model.parent.class_name.lower()}_ptr"
            spec = {"kind": "one_to_one", "primary_key": True, "nullable": False, "type": "OneToOneField", "implicit": True}
            model.fields[ptr] = Field(ptr, "one_to_one", f"{ptr}_id", spec, model.fact.location.path, model.fact.location.line, model.qualname)
        for spec in model.own_fields:
            model.fields[spec["name"]] = self._field(model, spec)
        self._implicit_primary_key(model)
        model.table = self._table(model)
        self._completed.add(model.qualname)

    def _field(self, model: Model, spec: dict[str, Any]) -> Field:
        kind = spec.get("kind") or "column"
        column: str | None = spec.get("db_column")
        if column is None and kind not in ("many_to_many", "relationship"):
            column = spec["name"] + ("_id" if model.framework == "django" and kind in ("foreign_key", "one_to_one") else "")
        return Field(spec["name"], kind, column, spec, model.fact.location.path, int(spec.get("line") or model.fact.location.line), model.qualname)

    def _implicit_primary_key(self, model: Model) -> None:
        """Django adds `id` when no field is the primary key (and no parent link is)."""
        if model.framework != "django" or model.abstract or model.proxy:
            return
        if any(f.spec.get("primary_key") for f in model.fields.values()):
            return
        spec = {"kind": "column", "type": "AutoField", "primary_key": True, "nullable": False, "implicit": True}
        location = model.fact.location
        model.fields = {"id": Field("id", "column", "id", spec, location.path, location.line, model.qualname), **model.fields}

    def _table(self, model: Model) -> str | None:
        if model.abstract:
            return None
        if model.proxy and model.parent is not None:
            return model.parent.table
        table = model.explicit_table
        if table is None and model.fact.extra.get("table_binding"):  # `__table__ = orders_table`
            return self.bindings.get(model.fact.extra["table_binding"])
        if table is None and model.parent is not None and model.framework != "django":
            return model.parent.table  # single-table inheritance
        if table is None:
            if model.framework == "django":
                table = django_table(self.app_label(model), model.class_name)
            elif model.framework == "flask_sqlalchemy":
                table = snake_case(model.class_name)
            elif model.framework == "sqlmodel":
                table = model.class_name.lower()
            else:
                return None  # declarative without __tablename__ and no mapped parent: not mapped
        return qualify_table(table, model.schema)

    def concrete_models(self) -> list[Model]:
        return [m for m in sorted(self.models.values(), key=lambda m: m.qualname) if m.table and not m.proxy]

    def reverse_relation(self, model: Model, name: str) -> tuple[Model, Field] | None:
        """`customer.orders` / `customer.order_set` / lookups `order__status`: the model whose
        relation field points at `model` under that name, and the field. Asked for every step of
        every lookup (tens of thousands of times), each answer is found once."""
        key = (id(model), name)
        if key not in self._reverse:
            self._reverse[key] = self._reverse_relation(model, name)
        return self._reverse[key]

    def _reverse_relation(self, model: Model, name: str) -> tuple[Model, Field] | None:
        for other, candidate in self._relations_pointing_at().get(id(model), ()):
            related_name = candidate.spec.get("related_name")
            default_names = {other.class_name.lower(), f"{other.class_name.lower()}_set"}
            if name == related_name or (related_name is None and name in default_names):
                return other, candidate
            if name == candidate.spec.get("related_query_name"):  # `filter(task__state=...)` by its lookup name
                return other, candidate
        return None

    def _relations_pointing_at(self) -> dict[int, list[tuple[Model, Field]]]:
        """Target model -> the relation fields of concrete models that point at it, in model order;
        read once (asked for every related-manager step, it was a scan of every field each time)."""
        if self._pointing_at is None:
            pointing: dict[int, list[tuple[Model, Field]]] = {}
            for other in self.models.values():
                if other.abstract:
                    continue
                for candidate in other.fields.values():
                    if candidate.is_relation:
                        target = self.resolve_relation(candidate.spec.get("related_model"), other)
                        if target is not None:
                            pointing.setdefault(id(target), []).append((other, candidate))
            self._pointing_at = pointing
        return self._pointing_at

    def accessor_owners(self, name: str) -> list[Model]:
        """The concrete models with a to-many accessor called `name`: a many-to-many field of their
        own, or the reverse side of another model's relation (`related_name`, else `<model>_set`;
        a many-to-many's default reverse name too). For a receiver whose class is unknown."""
        if self._accessors is None:
            accessors: dict[str, list[Model]] = {}
            for model in self.concrete_models():
                for own in model.fields.values():
                    if own.kind == "many_to_many":
                        accessors.setdefault(own.name, []).append(model)
                for other, candidate in self._relations_pointing_at().get(id(model), ()):
                    if candidate.kind == "one_to_one" or model.framework != "django":
                        continue
                    reverse = candidate.spec.get("related_name") or f"{other.class_name.lower()}_set"
                    if not reverse.endswith("+"):
                        accessors.setdefault(reverse, []).append(model)
            self._accessors = {key: list({id(m): m for m in found}.values()) for key, found in accessors.items()}
        return self._accessors.get(name, [])

    def builtin_table(self, qualname: str | None) -> str | None:
        return BUILTIN_DJANGO_TABLES.get(qualname or "")


def auto_through(owner: Model, field: Field, target: Model) -> tuple[str, str, str]:
    """The table Django creates for a ManyToManyField without `through`, and its two keys:
    `<table>_<field>` with `<owner>_id` and `<target>_id` (`from_`/`to_` when both are one model)."""
    source, other = f"{owner.class_name.lower()}_id", f"{target.class_name.lower()}_id"
    if target is owner:
        source, other = f"from_{source}", f"to_{other}"
    return f"{owner.table}_{field.name}", source, other


def _only_one(models: list[Model], confidence: str, found: str, several: str, none: str) -> Resolution:
    """One candidate is the answer (as sure as `confidence`); several are listed, unsure; none says why."""
    if len(models) == 1:
        return Resolution(models[0], confidence, found)
    if models:
        return Resolution(None, LOW, several, tuple(sorted(m.qualname for m in models)))
    return Resolution(None, LOW, none)
