"""The ORM model mapped to the table does not declare the new column.

*Why is this bad?* Django and SQLAlchemy list a model's fields explicitly in every `SELECT` and
`INSERT` they generate, so a column the model does not declare is invisible to all ORM code:
it is never loaded, serializers and forms never see it, and every ORM create leaves it to the
database default (or fails, when it is NOT NULL without one). Django's `makemigrations` will also
try to drop or re-add it later when the migration and the model disagree.

*Example*: `ALTER TABLE orders ADD COLUMN discount_code text;` while `class Order(models.Model)`
has no `discount_code` field.

For a proposed column (`depmap impact`) nothing is missing yet: the plan's readers step says which
model gets which field. The rule judges migrations (`depmap check`) that add a column without it.

*Use instead*: declare the field in the same change, with the column's type and nullability:
`discount_code = models.TextField(null=True, blank=True)` /
`discount_code: Mapped[str | None] = mapped_column(Text)`.
"""

from __future__ import annotations

import json
import re
from typing import Iterator

from depmap.impact.context import ImpactContext
from depmap.impact.finding import WARNING, Finding
from depmap.impact.rule import Rule
from depmap.impact.spec import ColumnSpec
from depmap.orm.registry import Model

# SQL type word -> (Django field, SQLAlchemy type, Python type)
_TYPES: dict[str, tuple[str, str, str]] = {
    "text": ("TextField", "Text", "str"),
    "varchar": ("CharField", "String", "str"),
    "char": ("CharField", "String", "str"),
    "string": ("CharField", "String", "str"),
    "int": ("IntegerField", "Integer", "int"),
    "integer": ("IntegerField", "Integer", "int"),
    "smallint": ("SmallIntegerField", "SmallInteger", "int"),
    "bigint": ("BigIntegerField", "BigInteger", "int"),
    "boolean": ("BooleanField", "Boolean", "bool"),
    "bool": ("BooleanField", "Boolean", "bool"),
    "decimal": ("DecimalField", "Numeric", "Decimal"),
    "numeric": ("DecimalField", "Numeric", "Decimal"),
    "float": ("FloatField", "Float", "float"),
    "double": ("FloatField", "Float", "float"),
    "real": ("FloatField", "Float", "float"),
    "date": ("DateField", "Date", "date"),
    "time": ("TimeField", "Time", "time"),
    "timestamp": ("DateTimeField", "DateTime", "datetime"),
    "timestamptz": ("DateTimeField", "DateTime(timezone=True)", "datetime"),
    "datetime": ("DateTimeField", "DateTime", "datetime"),
    "uuid": ("UUIDField", "Uuid", "uuid.UUID"),
    "json": ("JSONField", "JSON", "dict"),
    "jsonb": ("JSONField", "JSONB", "dict"),
    "bytea": ("BinaryField", "LargeBinary", "bytes"),
    "blob": ("BinaryField", "LargeBinary", "bytes"),
}


def _parse(spec_type: str | None) -> tuple[str, list[str]]:
    """`VARCHAR(32)` -> ("varchar", ["32"]); `sa.String(16)` -> ("string", ["16"])."""
    text = (spec_type or "text").strip()
    match = re.match(r"(?:\w+\.)*([A-Za-z_ ]+?)\s*(?:\(([^)]*)\))?$", text)
    if match is None:
        return text.lower(), []
    word = match.group(1).strip().lower().replace(" ", "_")
    aliases = {"double_precision": "double", "character_varying": "varchar", "timestamp_with_time_zone": "timestamptz"}
    word = aliases.get(word, word)
    args = [a.strip() for a in (match.group(2) or "").split(",") if a.strip()]
    return word, args


def _python_default(sql: str | None) -> str | None:
    """A SQL literal as Python source, or None when it is an expression."""
    if sql is None:
        return None
    if re.fullmatch(r"'(?:[^']|'')*'", sql):
        return json.dumps(sql[1:-1].replace("''", "'"))
    if re.fullmatch(r"-?\d+(\.\d+)?", sql):
        return sql
    return {"true": "True", "false": "False"}.get(sql.lower())


def django_field(spec: ColumnSpec) -> str:
    word, args = _parse(spec.type)
    written = (spec.type or "").split("(")[0].rsplit(".", 1)[-1]
    if written.endswith("Field"):  # already a Django field class (a spec read from a Django migration)
        return f"{spec.column} = models.{written}(...)"
    kind = _TYPES.get(word, ("TextField", "", ""))[0]
    options: list[str] = []
    if kind == "CharField":
        options.append(f"max_length={args[0] if args else 255}")
    if kind == "DecimalField":
        options += [f"max_digits={args[0] if args else 12}", f"decimal_places={args[1] if len(args) > 1 else 2}"]
    if spec.nullable:
        options += ["null=True", "blank=True"]
    value = _python_default(spec.default)
    if spec.default is not None:
        options.append(f"db_default={value}" if value else "db_default=...  # " + spec.default)
    note = "" if word in _TYPES else f"  # {spec.type}: pick the matching field class"
    return f"{spec.column} = models.{kind}({', '.join(options)}){note}"


def sqlalchemy_field(spec: ColumnSpec, framework: str) -> str:
    word, args = _parse(spec.type)
    _, sa_type, py_type = _TYPES.get(word, ("", "Text", "str"))
    if sa_type in ("String", "Numeric") and args:
        sa_type = f"{sa_type}({', '.join(args)})"
    options = [sa_type]
    if spec.default is not None:
        options.append(f"server_default=text({spec.default!r})")
    if framework == "flask_sqlalchemy":
        nullable = "" if spec.nullable else ", nullable=False"
        return f"{spec.column} = db.Column(db.{', '.join(options)}{nullable})"
    annotation = f"{py_type} | None" if spec.nullable else py_type
    if framework == "sqlmodel":
        return f"{spec.column}: {annotation}{' = None' if spec.nullable else ''}"
    return f"{spec.column}: Mapped[{annotation}] = mapped_column({', '.join(options)})"


def field_line(model: Model, spec: ColumnSpec) -> str:
    return django_field(spec) if model.framework == "django" else sqlalchemy_field(spec, model.framework)


def _declares(model: Model | None, column: str, table: str | None) -> bool:
    """The model, or a parent mapped to the same table (single-table inheritance), declares it."""
    while model is not None and model.table == table:
        if any(f.column == column for f in model.fields.values()):
            return True
        model = model.parent
    return False


def models_to_update(ctx: ImpactContext) -> list[Model]:
    """The models mapped to the table that do not declare the column (the parent only, under
    single-table inheritance): what the change must add the field to."""
    models = ctx.models()
    return [
        model for model in models
        if not (model.parent is not None and model.parent in models) and not _declares(model, ctx.spec.column, model.table)
    ]


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    if ctx.added_at is None:  # a proposal: declaring the field is a step of its plan, not a finding
        return
    for model in models_to_update(ctx):
        line = field_line(model, spec)
        orm = "Django" if model.framework == "django" else "SQLAlchemy"
        yield Finding(
            rule=RULE.id,
            severity=WARNING,
            location=model.fact.location,
            message=f"Model {model.class_name} ({model.fact.location.path}:{model.fact.location.line}) maps {spec.table} "
            f"but declares no {spec.column} field: {orm} lists the model's fields in every query, so ORM code will "
            f"neither read nor write the new column.",
            fix=f"Declare the field on {model.class_name} in the same change: `{line}`.",
            snippet=model.fact.snippet,
        )


RULE = Rule("orm-model-missing-field", WARNING, check, __doc__)
