"""The ORM model already has an attribute, property, method or relation of the column's name.

*Why is this bad?* The model field for the new column needs that name too. In Django the field's
descriptor replaces a property or method of that name (inherited ones included), so every caller
of `order.total` or `order.cancel()` silently gets the column value instead; a clash with a
reverse relation (`customer.orders`) or a manager stops every `manage.py` command with a system
check error (fields.E302/E303). In SQLAlchemy only the later of the two definitions survives in
the class body, and `metadata`/`registry` are reserved by the declarative API.

*Example*: adding `orders.total` while `Order` has `@property def total(self)`.

*Use instead*: pick another column name (`total_amount`), or map the column to another attribute
(`total_amount = models.DecimalField(db_column="total")`,
`total_amount: Mapped[Decimal] = mapped_column("total", Numeric(12, 2))`).
"""

from __future__ import annotations

from typing import Iterator

from depmap.impact.context import ImpactContext
from depmap.impact.finding import WARNING, Finding
from depmap.impact.rule import Rule
from depmap.model import Location
from depmap.orm.registry import FRAMEWORK_ROOTS, Model, Registry

# Attributes every model class gets from the framework, and what a field of that name breaks.
_FRAMEWORK = {
    "django": {
        **{name: "a method of django.db.models.Model" for name in (
            "save", "delete", "clean", "clean_fields", "full_clean", "validate_unique", "validate_constraints",
            "refresh_from_db", "get_deferred_fields", "serializable_value", "check", "from_db", "save_base")},
        "pk": "Django's alias of the primary key (fields.E003: 'pk' is a reserved word)",
        "DoesNotExist": "the exception class Django adds to every model",
        "MultipleObjectsReturned": "the exception class Django adds to every model",
    },
    "sqlalchemy": {"metadata": "reserved by the declarative API", "registry": "reserved by the declarative API"},
    "flask_sqlalchemy": {"metadata": "reserved by the declarative API", "query": "Flask-SQLAlchemy's Model.query",
                         "query_class": "Flask-SQLAlchemy's query class"},
    "sqlmodel": {"metadata": "reserved by the declarative API"},
}


def _lineage(registry: Registry, model: Model) -> list[Model]:
    """The model and every base the registry knows (abstract bases, mixins, concrete parents)."""
    found: list[Model] = []
    queue = [model]
    while queue:
        current = queue.pop(0)
        if current in found:
            continue
        found.append(current)
        for base in current.bases:
            if base not in FRAMEWORK_ROOTS:
                resolved = registry.resolve(base, near=current.module).model
                if resolved is not None:
                    queue.append(resolved)
    return found


def _clashes(ctx: ImpactContext, model: Model) -> list[tuple[Location, str]]:
    """(where, what) for every existing use of the name on the model."""
    name, found = ctx.spec.column, []
    for owner in _lineage(ctx.registry, model):
        where = owner.fact.location
        if name in owner.attributes:
            line = (owner.fact.extra.get("attribute_lines") or {}).get(name, where.line)
            kind = "a method, property or attribute"
            if owner is not model:
                kind += f" inherited from {owner.class_name}"
            found.append((Location(where.path, line, line, symbol=owner.qualname), kind))
        field = owner.fields.get(name)
        if field is not None and field.owner == owner.qualname and field.column != name and not field.spec.get("implicit"):
            relation = "a relationship" if field.kind == "relationship" else "a many-to-many relation"
            what = f"the column {field.column}" if field.column else relation
            found.append((Location(field.path, field.line, field.line, symbol=owner.qualname),
                          f"the field {owner.class_name}.{name}, which maps {what}"))
    reverse = ctx.registry.reverse_relation(model, name) if not found else None
    if reverse is not None and (model.framework == "django" or reverse[1].spec.get("related_name") == name):
        other, relation = reverse
        found.append((Location(relation.path, relation.line, relation.line, symbol=other.qualname),
                      f"the reverse relation of {other.class_name}.{relation.name}"))
    framework = _FRAMEWORK.get(model.framework, {})
    if name in framework and (not found or framework[name].startswith("reserved")):
        where = model.fact.location
        return [(Location(where.path, where.line, where.line, symbol=model.qualname), framework[name])]
    return found


def _consequence(model: Model, what: str) -> str:
    if what.startswith("the reverse relation"):
        return "Django's system checks reject the clash (fields.E302/E303), so no manage.py command runs"
    if what.startswith("Django's alias"):
        return "Django's system checks reject the field, so no manage.py command runs"
    if what.startswith("reserved"):
        return "the declarative API raises an error when the class is defined, so the application does not start"
    if model.framework == "django" and not what.startswith("the field"):
        return "the field's descriptor replaces it on the class, so code that uses it silently gets the column instead"
    return "only one of the two definitions survives in the class body, so the other silently disappears"


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    for model in ctx.models():
        for location, what in _clashes(ctx, model):
            alias = f"{spec.column}_value"
            field = (f'{alias} = models.Field(db_column="{spec.column}")' if model.framework == "django"
                     else f'{alias}: Mapped[...] = mapped_column("{spec.column}", ...)')
            yield Finding(
                rule=RULE.id,
                severity=WARNING,
                location=location,
                message=f"{model.class_name}.{spec.column} is already {what} ({location.path}:{location.line}); a "
                f"field for the new column {spec.table}.{spec.column} needs the same name: "
                f"{_consequence(model, what)}.",
                fix=f"Pick another column name, or map the column to another attribute of {model.class_name}: "
                f"`{field}` (with the field class for its type).",
            )


RULE = Rule("name-shadows-attribute", WARNING, check, __doc__)
