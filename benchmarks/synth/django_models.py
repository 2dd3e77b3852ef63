"""Django models and their migrations: fields (foreign keys, choices, Meta.db_table), querysets,
`0001_initial` with every CreateModel, and one AddField migration per column added later."""

from __future__ import annotations

from synth.repo import Repo, docstring, render
from synth.schema import Column, Table

def model_imports(tables: list[Table]) -> list[str]:
    """`from <app>.models import ...` lines for these models, one per owning app, sorted."""
    owners: dict[str, set[str]] = {}
    for table in tables:
        owners.setdefault(table.owner, set()).add(table.model)
    return [f"from {owner}.models import {', '.join(sorted(owners[owner]))}" for owner in sorted(owners)]


def field_name(column: Column) -> str:
    """The model attribute of a column: foreign keys drop their `_id`."""
    return column.name[:-3] if column.kind == "fk" else column.name


def value_expr(table: Table, column: Column) -> str:
    """A Python expression for the column in Django code."""
    sample = table.sample(column)
    return {"now": "timezone.now()", "today": "timezone.localdate()"}.get(sample, sample)


def field(table: Table, column: Column, by_name: dict[str, Table], *, migration: bool) -> str:
    """The field as models.py writes it, or as a migration does (`to="app.model"`, choices spelled out)."""
    if column.kind == "fk":
        target = by_name[column.target or ""]
        kwargs = [f"on_delete={'models.SET_NULL' if column.nullable else 'models.CASCADE'}"]
        if migration:
            kwargs[0] = kwargs[0].replace("models.", "django.db.models.deletion.")
        kwargs.append(f'related_name="{table.collection}"')
        if column.nullable:
            kwargs += ["null=True", "blank=True"]
        if migration:
            return f'models.ForeignKey({", ".join(kwargs)}, to="{target.owner}.{target.model.lower()}")'
        return f"models.ForeignKey({target.model}, {', '.join(kwargs)})"
    cls, defaults = column.type.django
    kwargs = list(defaults)
    if column.name == "created_at":
        kwargs = ["auto_now_add=True"]
    elif column.name == "updated_at":
        kwargs = ["auto_now=True"]
    elif column.kind == "status":
        choices = ", ".join(f'("{s}", "{s.replace("_", " ").capitalize()}")' for s in table.statuses)
        kwargs += [f"choices=[{choices}]" if migration else "choices=Status.choices"]
        kwargs += [f'default="{table.statuses[0]}"' if migration else f"default=Status.{table.statuses[0].upper()}"]
        kwargs.append("db_index=True")
    elif column.nullable and column.kind not in ("bool", "json"):
        kwargs += ["null=True", "blank=True"]
    if column.name in ("reference", "slug", "external_id") and not column.nullable:
        kwargs.append("unique=True")
    return f"{cls}({', '.join(kwargs)})"


def _model_lines(repo: Repo, table: Table, by_name: dict[str, Table], app: str, stamped: bool) -> list[str]:
    rng = repo.rng
    base = "TimeStampedModel" if stamped else "models.Model"
    out = [f"class {table.model}({base}):"]
    out += docstring(f"One {table.entity.replace('_', ' ')} of the {app} app; {rng.choice(_MODEL_NOTES)}", "    ")
    out.append("")
    if table.statuses:
        out.append("    class Status(models.TextChoices):")
        for status in table.statuses:
            out.append(f'        {status.upper()} = "{status}", "{status.replace("_", " ").capitalize()}"')
        out.append("")
    for column in table.columns:
        if column.name == "id" or (stamped and column.name in ("created_at", "updated_at")):
            continue
        out.append(f"    {field_name(column)} = {field(table, column, by_name, migration=False)}")
    if table.statuses:
        out += ["", f"    objects = {table.model}QuerySet.as_manager()"]
    out += ["", "    class Meta:"]
    if table.name != f"{app}_{table.model.lower()}":
        out.append(f'        db_table = "{table.name}"')
    out.append('        ordering = ["-created_at"]')
    if rng.random() < 0.4:
        indexed = [c.name for c in table.columns if c.kind in ("status", "ts", "code")][:2]
        if indexed:
            fields = ", ".join(f'"{n}"' for n in indexed)
            out.append(f'        indexes = [models.Index(fields=[{fields}], name="{table.entity[:12]}_{indexed[0][:12]}_idx")]')
    label = next((c for c in table.columns if c.kind == "code"), None)
    out += ["", "    def __str__(self) -> str:"]
    out.append(f'        return f"{table.model} {{self.{label.name if label else "pk"}}}"')
    if table.statuses:
        final = table.statuses[-1]
        out += ["", "    @property", f"    def is_{final}(self) -> bool:", f"        return self.status == self.Status.{final.upper()}"]
        target = table.statuses[1]
        out += [
            "",
            f"    def mark_{target}(self) -> None:",
            *docstring(f"Moves the {table.entity.replace('_', ' ')} to {target} and saves only what changed.", "        "),
            f"        self.status = self.Status.{target.upper()}",
            '        self.save(update_fields=["status", "updated_at"])',
        ]
    money = next((c for c in table.columns if c.kind == "money"), None)
    if money is not None:
        out += [
            "",
            "    @property",
            f"    def {money.name[:-6]}(self) -> Decimal:",
            f"        return Decimal(self.{money.name}) / 100",
        ]
    return out


_MODEL_NOTES = (
    "rows are never deleted, only archived.",
    "created by the public API and updated by the back office.",
    "kept in sync with the partner feed every night.",
    "amounts are stored in cents to avoid rounding drift.",
    "the status moves forward only; see the services module.",
    "read by the reporting jobs, so rename columns with care.",
)


def _queryset_lines(table: Table) -> list[str]:
    first, second = table.statuses[0], table.statuses[1]
    return [
        f"class {table.model}QuerySet(models.QuerySet):",
        f"    def {second}(self) -> {table.model}QuerySet:",
        f"        return self.filter(status=\"{second}\")",
        "",
        f"    def stale(self, days: int = 30) -> {table.model}QuerySet:",
        "        cutoff = timezone.now() - timedelta(days=days)",
        f"        return self.filter(status=\"{first}\", created_at__lt=cutoff)",
        "",
        "",
    ]


def models_py(repo: Repo, app: str, tables: list[Table], by_name: dict[str, Table], stamped: dict[str, bool]) -> str:
    """models.py: a QuerySet per model with a status, then the models, imports worked out last."""
    body: list[str] = []
    for table in tables:
        if table.statuses:
            body += _queryset_lines(table)
        body += _model_lines(repo, table, by_name, app, stamped[table.name])
        body += ["", ""]
    text = "\n".join(body)
    imports = ["from __future__ import annotations", ""]
    if "timedelta" in text:
        imports.append("from datetime import timedelta")
    if "Decimal" in text:
        imports.append("from decimal import Decimal")
    imports += ["", "from django.db import models"]
    if "timezone." in text:
        imports.append("from django.utils import timezone")
    imports.append("")
    if any(stamped.values()):
        imports.append("from common.models import TimeStampedModel")
    foreign = sorted({by_name[c.target].owner for t in tables for c in t.columns if c.target and by_name[c.target].owner != app})
    for other in foreign:
        names = sorted({by_name[c.target].model for t in tables for c in t.columns if c.target and by_name[c.target].owner == other})
        imports.append(f"from {other}.models import {', '.join(names)}")
    head = docstring(f"Models of the {app} app.") + [""]
    return render(head + imports + ["", ""] + body)


def migration_initial(app: str, tables: list[Table], by_name: dict[str, Table], deps: list[str]) -> str:
    """0001_initial: every model as makemigrations writes it, minus the columns added later."""
    out = ["# Generated by Django 5.0.6 on 2024-03-11 10:02", "", "import django.db.models.deletion"]
    out += ["from django.db import migrations, models", "", "", "class Migration(migrations.Migration):", "", "    initial = True", ""]
    if deps:
        out += ["    dependencies = [", *(f'        ("{d}", "0001_initial"),' for d in deps), "    ]"]
    else:
        out.append("    dependencies = []")
    out += ["", "    operations = ["]
    for table in tables:
        out += ["        migrations.CreateModel(", f'            name="{table.model}",', "            fields=["]
        out.append('                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),')
        for column in table.columns:
            if column.name == "id" or column.name in table.late:
                continue
            out.append(f'                ("{field_name(column)}", {field(table, column, by_name, migration=True)}),')
        out.append("            ],")
        out.append("            options={")
        if table.name != f"{app}_{table.model.lower()}":
            out.append(f'                "db_table": "{table.name}",')
        out += ['                "ordering": ["-created_at"],', "            },", "        ),"]
    out += ["    ]"]
    return render(out)


def migration_add(app: str, previous: str, table: Table, column: Column, by_name: dict[str, Table]) -> str:
    """One AddField migration, after `previous`."""
    out = ["# Generated by Django 5.0.6 on 2024-05-02 16:45", "", "from django.db import migrations, models", "", ""]
    out += ["class Migration(migrations.Migration):", "", "    dependencies = [", f'        ("{app}", "{previous}"),', "    ]", ""]
    out += ["    operations = [", "        migrations.AddField(", f'            model_name="{table.model.lower()}",']
    out += [f'            name="{field_name(column)}",', f"            field={field(table, column, by_name, migration=True)},"]
    out += ["        ),", "    ]"]
    return render(out)
