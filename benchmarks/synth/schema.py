"""The shared schema: tables, their columns, and how each column type is spelled in every layer.

A table is defined by exactly one layer (a Django model, a SQLAlchemy model or a SQL migration)
and then read and written by the others under the same name, so the dependency graph of the
generated repository is connected the way a real application's is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from synth.names import STATUS_SETS, Namer, camel, plural


@dataclass(frozen=True)
class ColumnType:
    """One column type as each layer writes it, and a Python value of it for generated code."""

    django: tuple[str, tuple[str, ...]]  # field class and its usual arguments
    sqlalchemy: str
    sql: str
    hint: str
    sample: str  # a literal, or "now"/"today" for the layer's own clock call


TYPES: dict[str, ColumnType] = {
    "code": ColumnType(("models.CharField", ("max_length=64",)), "String(64)", "varchar(64)", "str", '"{noun}-0001"'),
    "text": ColumnType(("models.TextField", ("blank=True",)), "Text", "text", "str", '""'),
    "email": ColumnType(("models.EmailField", ()), "String(254)", "varchar(254)", "str", '"ops@example.com"'),
    "status": ColumnType(("models.CharField", ("max_length=16",)), "String(16)", "varchar(16)", "str", '"{status}"'),
    "int": ColumnType(("models.IntegerField", ("default=0",)), "Integer", "integer", "int", "1"),
    "money": ColumnType(("models.BigIntegerField", ("default=0",)), "BigInteger", "bigint", "int", "2500"),
    "decimal": ColumnType(
        ("models.DecimalField", ("max_digits=12", "decimal_places=2")), "Numeric(12, 2)", "numeric(12, 2)", "Decimal", 'Decimal("9.50")'
    ),
    "bool": ColumnType(("models.BooleanField", ("default=False",)), "Boolean", "boolean", "bool", "False"),
    "ts": ColumnType(("models.DateTimeField", ()), "DateTime(timezone=True)", "timestamptz", "datetime", "now"),
    "date": ColumnType(("models.DateField", ()), "Date", "date", "date", "today"),
    "json": ColumnType(("models.JSONField", ("default=dict",)), "JSON", "jsonb", "dict[str, Any]", "{}"),
    "fk": ColumnType(("models.ForeignKey", ()), "BigInteger", "bigint", "int", "1"),
}

# (column name, type) pairs a table draws its attributes from.
ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("reference", "code"), ("name", "code"), ("title", "code"), ("label", "code"), ("external_id", "code"),
    ("currency", "code"), ("country_code", "code"), ("channel", "code"), ("source", "code"), ("region", "code"),
    ("kind", "code"), ("slug", "code"), ("notes", "text"), ("description", "text"), ("summary", "text"),
    ("email", "email"), ("contact_email", "email"), ("quantity", "int"), ("priority", "int"),
    ("position", "int"), ("attempts", "int"), ("seats", "int"), ("duration_minutes", "int"),
    ("amount_cents", "money"), ("total_cents", "money"), ("fee_cents", "money"), ("balance_cents", "money"),
    ("price_cents", "money"), ("rate", "decimal"), ("weight_kg", "decimal"), ("discount_pct", "decimal"),
    ("is_active", "bool"), ("is_archived", "bool"), ("approved", "bool"), ("verified", "bool"),
    ("starts_at", "ts"), ("ends_at", "ts"), ("due_at", "ts"), ("closed_at", "ts"), ("processed_at", "ts"),
    ("valid_from", "date"), ("valid_until", "date"), ("period_start", "date"), ("period_end", "date"),
    ("metadata", "json"), ("attributes", "json"), ("settings", "json"),
)


@dataclass
class Column:
    name: str
    kind: str
    nullable: bool = False
    target: str | None = None  # the referenced table, for foreign keys

    @property
    def type(self) -> ColumnType:
        return TYPES[self.kind]


@dataclass
class Table:
    """One table of the application and where it is defined."""

    name: str
    entity: str  # singular snake_case noun: `draft_invoice`
    layer: str  # "django", "sqlalchemy" or "sql"
    owner: str  # the app, service or migration folder that defines it
    columns: list[Column]
    statuses: tuple[str, ...] = ()
    late: list[str] = field(default_factory=list)  # columns added by a later migration

    @property
    def model(self) -> str:
        return camel(self.entity)

    @property
    def collection(self) -> str:
        return plural(self.entity)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def data_columns(self) -> list[Column]:
        """Columns other than the key and the bookkeeping timestamps."""
        return [c for c in self.columns if c.name not in ("id", "created_at", "updated_at")]

    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def sample(self, column: Column) -> str:
        """A Python literal for the column, for generated calls that write it."""
        text = column.type.sample
        return text.replace("{noun}", self.entity[:3].upper()).replace("{status}", self.statuses[0] if self.statuses else "new")


def new_table(
    rng: random.Random,
    namer: Namer,
    layer: str,
    owner: str,
    targets: list[Table],
    *,
    table_name: str | None = None,
    entity: str | None = None,
) -> Table:
    """A table with a key, a few foreign keys to `targets`, a status and 4-10 attributes."""
    entity = entity or namer.entity()
    columns = [Column("id", "int")]
    for target in rng.sample(targets, min(len(targets), rng.choice((0, 1, 1, 2, 2, 3)))):
        columns.append(Column(f"{target.entity}_id", "fk", nullable=rng.random() < 0.25, target=target.name))
    statuses: tuple[str, ...] = ()
    if rng.random() < 0.7:
        statuses = rng.choice(STATUS_SETS)
        columns.append(Column("status", "status"))
    for name, kind in rng.sample(ATTRIBUTES, rng.randint(4, 10)):
        if any(c.name in (name, f"{name}_id") for c in columns):
            continue
        columns.append(Column(name, kind, nullable=kind in ("ts", "date") or rng.random() < 0.3))
    columns += [Column("created_at", "ts"), Column("updated_at", "ts", nullable=True)]
    name = table_name or namer.table([plural(entity), f"{owner}_{plural(entity)}"])
    return Table(name=name, entity=entity, layer=layer, owner=owner, columns=columns, statuses=statuses)


def pick_tables(rng: random.Random, tables: list[Table], count: int) -> list[Table]:
    """A few tables, favouring the early ("core") ones the way real code favours a hot few."""
    count = min(count, len(tables))
    core = tables[: max(3, len(tables) // 10)]
    chosen: list[Table] = []
    while len(chosen) < count:
        pool = core if rng.random() < 0.5 else tables
        table = rng.choice(pool)
        if table not in chosen:
            chosen.append(table)
    return chosen
