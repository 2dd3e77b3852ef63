"""A serializer, form or admin exposes every field of the model, so the new column appears too.

*Why is this bad?* A DRF `ModelSerializer` or Django `ModelForm` with `fields = "__all__"` or an
`exclude` list, an admin class without `fields`, or an auto-generated schema picks up every field
the model declares, including one added tomorrow. The column then shows up in API responses,
accepts writes from clients (mass assignment) and appears in admin forms without anyone
reviewing it. For a secret (`api_token`, `password_hash`) that is a data leak.

*Example*:
    class OrderSerializer(serializers.ModelSerializer):
        class Meta:
            model = Order
            fields = "__all__"

*Use instead*: list the fields explicitly, `fields = ["id", "number", "status", ...]`, and add
the new one only where it should be shown.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterator

from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.rule import Rule
from depmap.model import EXPOSURE, READ

_WHAT = {
    "serializer": ("serializer", "appears in API responses and is accepted in request data"),
    "form": ("form", "appears in the form and is accepted from whoever submits it"),
    "admin": ("admin", "appears in the admin change form"),
    "schema": ("schema", "appears in the serialized output"),
}


def sensitive(ctx: ImpactContext) -> bool:
    name = ctx.spec.column.lower()
    return any(fnmatchcase(name, pattern.lower()) for pattern in ctx.config.sensitive_columns)


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    secret = sensitive(ctx)
    # The exposures as they will be deployed (changed files included): a class the change makes
    # explicit is fine, one it adds with "__all__" is not.
    for fact in (f for f in ctx.facts if f.kind == EXPOSURE and f.table == spec.table and f.access == READ):
        if not fact.extra.get("automatic"):
            continue  # an explicit field list: the new column stays out
        model = ctx.registry.resolve(fact.extra.get("model")).model
        field = spec.column
        if model is not None:
            field = next((f.name for f in model.fields.values() if f.column == spec.column), spec.column)
            editable_only = fact.detail in ("form", "admin")  # a primary key in a form's `fields` is an error
            names = [f.name for c in fact.columns for f in model.fields.values()
                     if f.column == c and not (editable_only and f.spec.get("primary_key"))]
        else:
            names = list(fact.columns)
        if field in (fact.extra.get("exclude") or ()):
            continue  # already excluded by name
        kind, shows = _WHAT.get(fact.detail or "", ("class", "appears in its output"))
        model_name = model.class_name if model is not None else spec.table
        owner = (fact.location.symbol or "").rsplit(".", 1)[-1]
        if not owner[:1].isupper():  # `admin.site.register(Order)` at module level
            owner = f"The {kind} registration of {model_name}"
        how = " except those in its exclude list" if fact.extra.get("exclude") else ""
        message = (f"{owner} at {fact.location.path}:{fact.location.line} exposes every field of {model_name}{how}, so "
                   f"{spec.column} {shows} as soon as the model declares it")
        message += ("; the name looks sensitive (it matches sensitive_columns), so this leaks the value to everyone "
                    "who can see it." if secret else ".")
        listed = "fields = [" + ", ".join(f'"{n}"' for n in names) + "]"
        if owner.startswith("The "):
            how_to = (f"Register {model_name} with a ModelAdmin that lists its fields, so new columns are opt-in: "
                      f"`@admin.register({model_name}) class {model_name}Admin(admin.ModelAdmin): {listed}`")
        else:
            how_to = f"List the fields explicitly so new columns are opt-in: `{listed}`"
        if fact.detail in ("form", "admin"):
            how_to += " (leave out fields Django cannot edit, such as auto_now timestamps)"
        yield Finding(
            rule=RULE.id,
            severity=BREAKING if secret else WARNING,
            location=fact.location,
            message=message,
            fix=how_to + (f"; keep {spec.column} out of it." if secret
                          else f', then add "{field}" only where it should be shown.'),
            snippet=fact.snippet,
            confidence=fact.confidence,
        )


RULE = Rule("exposes-all-fields", WARNING, check, __doc__)
