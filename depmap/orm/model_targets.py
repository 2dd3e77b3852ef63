"""A query target written as an ORM model: `Customer.email`, `customers.Customer.email` (Django app
label and class), `shop.customers.models.Customer.email` (the class's qualified name), and the
table and column it maps to.

Users think in models; the index answers in tables. The registry already knows each model's table
(app labels, `db_table`, `__tablename__`, inheritance) and each field's column (`db_column=`,
`Column("db_name", ...)`, `mapped_column("db_name")`, `<fk>_id`), so a target is resolved there,
never by scanning again. An attribute that is no field is kept as written: it may be a column the
user proposes to add, or a typo the caller reports with the table's columns.

>>> split_model_target(["customers", "Customer", "email"], {"Customer"})
(['customers'], 'Customer', 'email')
>>> split_model_target(["orders", "status"], {"Order"}) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from depmap.orm.registry import Model, Registry


class ModelTargetError(ValueError):
    """A target that names a model but cannot be resolved: ambiguous, abstract, not mapped, or a
    relation without a column. The message is one line that says what to write instead."""


@dataclass(frozen=True)
class ModelTarget:
    """What `Customer.phone` stands for: the model, the table, and the column (None for the table
    as a whole); `field` is the attribute as written, `column` the database column it maps to."""

    model: Model
    table: str
    field: str | None
    column: str | None

    def describe(self, written: str) -> str:
        """`Customer.phone → customers_customer.phone_number`: what the user wrote, what it means."""
        return f"{written} → {self.table}" + (f".{self.column}" if self.column else "")


def split_model_target(parts: list[str], class_names: set[str] | dict) -> tuple[list[str], str, str | None] | None:
    """(qualifier, class name, attribute) when a part of the target is a model's class name, spelled
    exactly (Python names are case-sensitive; SQL table names are not, so `orders` stays a table)."""
    for position, part in enumerate(parts):
        if part in class_names and len(parts) - position <= 2:
            rest = parts[position + 1 :]
            return parts[:position], part, rest[0] if rest else None
    return None


def resolve_model_target(registry: Registry, parts: list[str]) -> ModelTarget | None:
    """The model target `parts` (the target split at dots) names, or None when it names no model.
    Raises ModelTargetError when it names one that cannot be answered for."""
    split = split_model_target(parts, registry.by_class)
    if split is None:
        return None
    qualifier, class_name, attribute = split
    named = registry.by_class[class_name]
    candidates = [m for m in named if _qualified_by(registry, m, qualifier)] if qualifier else named
    written = ".".join([*qualifier, class_name])
    if not candidates:
        raise ModelTargetError(f"no model '{written}'; models named {class_name}: {_choices(registry, named)}")
    mapped = [m for m in candidates if m.table]
    if not mapped:
        raise ModelTargetError(_unmapped(registry, candidates[0]))
    if len(mapped) > 1:
        raise ModelTargetError(f"'{written}' names {len(mapped)} models: {_choices(registry, mapped)}; write one of them")
    model = mapped[0]
    if attribute is None:
        return ModelTarget(model, model.table, None, None)
    owner, column = _column_of(model, attribute)
    return ModelTarget(model, owner.table or model.table, attribute, column)


def _qualified_by(registry: Registry, model: Model, qualifier: list[str]) -> bool:
    """`customers` (a Django app label), `customers.models` or `shop.customers.models` (the module,
    whole or its tail), or the package that re-exports it (`billing.models` for
    `billing.models.account.Account`)."""
    prefix = ".".join(qualifier)
    if len(qualifier) == 1 and model.framework == "django" and registry.app_label(model) == prefix:
        return True
    module = model.module
    return module == prefix or module.endswith("." + prefix) or module.startswith(prefix + ".")


def _column_of(model: Model, attribute: str) -> tuple[Model, str]:
    """The table's model and the column of `attribute`: a field of the model (a proxy's are its
    parent's), of a concrete parent (multi-table inheritance keeps it in the parent's table), a
    column name written directly, or, for none of these, the attribute itself (a new column)."""
    chain: list[Model] = []
    current: Model | None = model
    while current is not None and current not in chain:
        chain.append(current)
        current = current.parent
    for owner in chain:
        field = owner.fields.get(attribute)
        if field is None:
            continue
        if field.column is None:
            raise ModelTargetError(
                f"{model.class_name}.{attribute} is a {field.kind.replace('_', '-')} relation with no column of its own; "
                f"ask about the table it reaches, or about {model.class_name} ({model.table})"
            )
        return owner, field.column
    for owner in chain:
        if attribute in owner.columns:
            return owner, attribute
    return model, attribute.lower()


def qualified_choice(registry: Registry, model: Model) -> str:
    """How to name one model among several: `app_label.Class` for Django, else the qualified name."""
    if model.framework == "django":
        label = f"{registry.app_label(model)}.{model.class_name}"
        same_label = [m for m in registry.by_class.get(model.class_name, []) if m.framework == "django" and registry.app_label(m) == registry.app_label(model)]
        if len(same_label) == 1:
            return label
    return model.qualname


def _choices(registry: Registry, models: list[Model]) -> str:
    described = [f"{qualified_choice(registry, m)} ({m.table})" if m.table else qualified_choice(registry, m) for m in models]
    return ", ".join(sorted(described))


def _unmapped(registry: Registry, model: Model) -> str:
    """Why an abstract base or an unmapped class has no table, and which models to ask about."""
    if model.abstract:
        heirs = sorted(
            m.class_name for m in registry.concrete_models() if m is not model and any(f.owner == model.qualname for f in m.fields.values())
        )
        hint = f"; ask about a model that inherits it: {', '.join(heirs)}" if heirs else ""
        return f"{model.class_name} is abstract: it has no table of its own{hint}"
    return f"{model.class_name} is not mapped to a table (no __tablename__ or __table__); name the table instead"
