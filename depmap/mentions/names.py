"""The words that name a table, as a grep user would type them, each with where it comes from.

A table is named by more than its own name: by the ORM model class mapped to it (`Post`), by the
accessors that reach its rows from another model (Django `related_name`, `related_query_name` and
the default `post_set`; SQLAlchemy relationship attributes and `back_populates`/`backref`
names), by Django's default table name when `db_table` overrides it, by its dbt names (the model
name, a source's table name, a seed) and by the views built directly over it. Every word comes
from the index: the model registry of `depmap.orm` over the MODEL facts, the table definitions,
and the graph's first downstream hop.

Each `NameForm` says how it is matched: SQL names case-insensitively, Python names exactly, and
Django lookups (`orders__status`, `customer__orders`) as segments of a `__` chain.

>>> [f.text for f in _plain_forms("sales.orders", "table")]
['sales.orders', 'orders']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from depmap.catalog import Catalog
from depmap.graph import DependencyGraph
from depmap.model import FLOW, TABLE_DEF, Fact
from depmap.orm.naming import django_table
from depmap.orm.registry import Model, Registry
from depmap.orm.symbols import APP_CONFIG, MODEL, TABLE_BINDING

# Kinds of names, and whether the word is an identifier of Python code (matched exactly).
TABLE, DEFAULT_TABLE, MODEL_CLASS, ACCESSOR, QUERY_NAME, DBT, VIEW = (
    "table", "default_table", "model", "accessor", "query_name", "dbt", "view",
)  # fmt: skip
_EXACT_KINDS = frozenset({MODEL_CLASS, ACCESSOR, QUERY_NAME})
_DBT_NAME_KEYS = {"dbt_model": "model", "dbt_source": "name", "dbt_seed": "seed"}
_SHORTEST = 2  # a one-letter name would match every line


@dataclass(frozen=True, order=True)
class NameForm:
    """One word to search for.

    `links` are the qualified models whose import makes an identifier of this word a reference to
    the table (an accessor lives on one model and returns another's rows: both link it).
    `lookup_only`: Django's default query name (`order` for `Order`) counts only inside a lookup
    (`order__status`), where it cannot be any other name."""

    text: str
    kind: str
    lookup_only: bool = False
    links: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.kind in _EXACT_KINDS


@dataclass(frozen=True)
class TableNames:
    """Every form that names `tables`; `claimants` are the tables whose facts explain a line that
    names them (the tables themselves and the views named here)."""

    tables: tuple[str, ...]
    forms: tuple[NameForm, ...]
    claimants: frozenset[str]

    def words(self) -> tuple[str, ...]:
        """The searched words, once each, for reports."""
        return tuple(sorted({f.text for f in self.forms}, key=lambda w: (w.lower(), w)))


def model_registry(facts: Iterable[Fact]) -> Registry:
    """Every model of the project, from the index's symbolic model facts (the linker's registry)."""
    return Registry.build(f for f in facts if f.kind in (MODEL, APP_CONFIG, TABLE_BINDING))


def table_names(
    tables: Sequence[str], facts: Iterable[Fact], catalog: Catalog, graph: DependencyGraph, registry: Registry | None = None,
    models: Iterable[NameForm] | None = None,
) -> TableNames:
    """The name forms of `tables` (one table, or the same name in several schemas). `models`: the
    forms the model registry gives them (`model_forms`), when already known (a warm query reads
    them stored); else they come from `registry`, or from one built of `facts`."""
    facts = list(facts)
    wanted = set(tables)
    forms: list[NameForm] = []
    for table in tables:
        forms.extend(_plain_forms(table, TABLE))
    if models is None:
        models = model_forms(registry or model_registry(facts), tables)
    forms.extend(models)
    views = _views_over(tables, catalog, graph)
    for fact in facts:
        if fact.kind == TABLE_DEF and (fact.table in wanted or fact.table in views):
            key = _DBT_NAME_KEYS.get(fact.detail or "")
            name = fact.extra.get(key) if key else None
            if isinstance(name, str):
                forms.append(NameForm(name, DBT if fact.table in wanted else VIEW))
    for view in sorted(views):
        forms.extend(_plain_forms(view, VIEW))
    return TableNames(tuple(tables), _distinct(forms), frozenset(wanted | views))


def model_forms(registry: Registry, tables: Sequence[str]) -> list[NameForm]:
    """The words the models mapped to `tables` give them: each model's class, Django's default
    table name, the accessors of its relations, and other models' relationships to it."""
    wanted = set(tables)
    models = [m for m in registry.models.values() if m.table in wanted]
    forms: list[NameForm] = []
    for model in sorted(models, key=lambda m: m.qualname):
        forms.extend(_own_forms(registry, model))
    forms.extend(form for form, target in _relationships(registry) if target.table in wanted)
    return forms


def model_forms_by_table(registry: Registry) -> dict[str, tuple[NameForm, ...]]:
    """`model_forms` of every table at once, in one pass over the registry: what the stored index
    keeps, so a warm query builds no registry."""
    found: dict[str, list[NameForm]] = {}
    for model in sorted(registry.models.values(), key=lambda m: m.qualname):
        if isinstance(model.table, str):
            found.setdefault(model.table, []).extend(_own_forms(registry, model))
    for form, target in _relationships(registry):
        if isinstance(target.table, str):
            found.setdefault(target.table, []).append(form)
    return {table: _distinct(forms) for table, forms in sorted(found.items())}


def _own_forms(registry: Registry, model: Model) -> list[NameForm]:
    """The words one model gives its table: its class, Django's default table name when
    `db_table` overrides it, the accessors of its own relation fields."""
    forms = [NameForm(model.class_name, MODEL_CLASS, links=(model.qualname,))]
    if model.framework == "django" and model.explicit_table:
        forms.append(NameForm(django_table(registry.app_label(model), model.class_name), DEFAULT_TABLE))
    if not model.proxy:
        forms.extend(_reverse_accessors(registry, model))
    return forms


def _plain_forms(name: str, kind: str) -> list[NameForm]:
    """A table or view name, and its last part when it is schema-qualified."""
    forms = [NameForm(name, kind)]
    if "." in name:
        forms.append(NameForm(name.rsplit(".", 1)[-1], kind))
    return forms


def _reverse_accessors(registry: Registry, model: Model) -> list[NameForm]:
    """Names other models use to reach `model`'s rows through its own relation fields: Django's
    reverse accessor and query name, SQLAlchemy's `back_populates`/`backref`."""
    forms: list[NameForm] = []
    lower = model.class_name.lower()
    default_related = model.fact.extra.get("default_related_name")
    for field in model.fields.values():
        if not field.is_relation:
            continue
        target = registry.resolve_relation(field.spec.get("related_model"), model)
        links = tuple(sorted({model.qualname} | ({target.qualname} if target else set())))
        related = field.spec.get("related_name") or (default_related if model.framework == "django" else None)
        if model.framework != "django":
            if related:
                forms.append(NameForm(related, ACCESSOR, links=links))
            continue
        if related and related.endswith("+"):
            continue  # no reverse relation at all
        if related:
            related = _substituted(related, model, registry)
            forms.append(NameForm(related, ACCESSOR, links=links))
        else:
            forms.append(NameForm(lower if field.kind == "one_to_one" else f"{lower}_set", ACCESSOR, links=links))
        query_name = field.spec.get("related_query_name")
        if query_name:
            forms.append(NameForm(_substituted(query_name, model, registry), QUERY_NAME, links=links))
        elif not related:
            forms.append(NameForm(lower, QUERY_NAME, lookup_only=True, links=links))
    return forms


def _substituted(name: str, model: Model, registry: Registry) -> str:
    """Django's `%(class)s` and `%(app_label)s` in a related name, for the model that has the field."""
    return name.replace("%(class)s", model.class_name.lower()).replace("%(app_label)s", registry.app_label(model).lower())


def _relationships(registry: Registry) -> Iterable[tuple[NameForm, Model]]:
    """Attributes of models that hold another model's rows, each with that model: SQLAlchemy
    relationships, Django many-to-many fields (a collection, as a relationship is; a Django
    foreign key's name is a single related object, most often the lower-cased class name, and is
    left out)."""
    for other in sorted(registry.models.values(), key=lambda m: m.qualname):
        for field in other.fields.values():
            if field.owner != other.qualname and not other.abstract:
                continue  # an inherited field: listed once, with the base that declares it
            if field.kind not in ("relationship", "many_to_many"):
                continue
            target = registry.resolve_relation(field.spec.get("related_model"), other)
            if target is not None:
                yield NameForm(field.name, ACCESSOR, links=tuple(sorted({other.qualname, target.qualname}))), target


def _views_over(tables: Sequence[str], catalog: Catalog, graph: DependencyGraph) -> set[str]:
    """Views (dbt models included) whose definition reads one of `tables` directly."""
    views: set[str] = set()
    for table in tables:
        for hop in graph.downstream(table):
            relation = catalog.get(hop.target)
            if hop.depth == 1 and hop.fact.kind == FLOW and relation is not None and relation.view and hop.target not in tables:
                views.add(hop.target)
    return views


def _distinct(forms: list[NameForm]) -> tuple[NameForm, ...]:
    """One form per (word, kind), links merged; too-short words dropped."""
    merged: dict[tuple[str, str, bool], set[str]] = {}
    for form in forms:
        if len(form.text) >= _SHORTEST:
            merged.setdefault((form.text, form.kind, form.lookup_only), set()).update(form.links)
    return tuple(sorted(NameForm(text, kind, lookup, tuple(sorted(links))) for (text, kind, lookup), links in merged.items()))
