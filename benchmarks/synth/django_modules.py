"""The other modules of a Django app that use its models: DRF serializers (some
`fields = "__all__"`), admin, forms, services, Celery tasks, reports and tests."""

from __future__ import annotations

from synth.django_models import field_name, model_imports, value_expr
from synth.django_views import some
from synth.repo import Repo, docstring, render
from synth.schema import Column, Table


def serializers_py(repo: Repo, app: str, tables: list[Table]) -> str:
    """serializers.py: a ModelSerializer a model; a quarter expose `fields = "__all__"`."""
    rng = repo.rng
    out = ["from rest_framework import serializers", "", *model_imports(tables), "", ""]
    for table in tables:
        out += [f"class {table.model}Serializer(serializers.ModelSerializer):", "    class Meta:", f"        model = {table.model}"]
        roll = rng.random()
        if roll < 0.25:
            out.append('        fields = "__all__"')
        elif roll < 0.4:
            hidden = ", ".join(f'"{field_name(c)}"' for c in some(repo, table, 1, 2))
            out.append(f"        exclude = [{hidden}]")
        else:
            shown = ", ".join(f'"{field_name(c)}"' for c in some(repo, table, 2, 6))
            out.append(f'        fields = ["id", {shown}]')
        if rng.random() < 0.5:
            out.append('        read_only_fields = ["id", "created_at"]')
        out += ["", ""]
    return render(out)


def admin_py(repo: Repo, app: str, tables: list[Table]) -> str:
    """admin.py: a registered ModelAdmin a model."""
    out = ["from django.contrib import admin", "", *model_imports(tables), "", ""]
    for table in tables:
        shown = ", ".join(f'"{field_name(c)}"' for c in some(repo, table, 2, 4))
        out += [f"@admin.register({table.model})", f"class {table.model}Admin(admin.ModelAdmin):", f'    list_display = ("id", {shown})']
        if table.statuses:
            out.append('    list_filter = ("status",)')
        code = next((c for c in table.columns if c.kind in ("code", "email")), None)
        if code is not None:
            out.append(f'    search_fields = ("{code.name}",)')
        out += ['    readonly_fields = ("created_at",)', "", ""]
    return render(out)


def services_py(repo: Repo, app: str, tables: list[Table]) -> str:
    """services.py: bulk loads, get_or_create defaults and locked bulk updates."""
    rng = repo.rng
    constants: list[str] = []
    body: list[str] = []
    for table in rng.sample(tables, min(len(tables), rng.randint(2, 5))):
        cols = [c for c in some(repo, table, 2, 3) if c.kind != "fk"]
        fields = f"{table.entity.upper()}_FIELDS"
        constants.append(f"{fields} = frozenset({{{', '.join(repr(c.name) for c in cols)}}})")
        if table.statuses:
            body += [
                "@transaction.atomic",
                f"def expire_{table.collection}(cutoff_days: int = 90) -> int:",
                *docstring(f"Expires stale {table.collection.replace('_', ' ')}; returns how many changed.", "    "),
                f"    stale = {table.model}.objects.stale(days=cutoff_days).select_for_update()",
                '    ids = list(stale.values_list("id", flat=True))',
                f'    {table.model}.objects.filter(id__in=ids).update(status="{table.statuses[-1]}")',
                '    logger.info("expired %d rows", len(ids))',
                "    return len(ids)",
                "",
                "",
            ]
        rows = ", ".join(f"{c.name}={value_expr(table, c)}" for c in cols)
        body += [
            f"def import_{table.collection}(records: list[dict[str, Any]]) -> int:",
            *docstring(f"Bulk-loads {table.collection.replace('_', ' ')} from the partner feed, in batches of 500.", "    "),
            "    objects = [",
            f"        {table.model}(**{{k: v for k, v in record.items() if k in {fields}}})",
            "        for record in records",
            "    ]",
            f"    created = {table.model}.objects.bulk_create(objects, batch_size=500)",
            "    return len(created)",
            "",
            "",
            f"def ensure_default_{table.entity}() -> {table.model}:",
            f"    obj, _ = {table.model}.objects.get_or_create(id=1, defaults=dict({rows}))",
            "    return obj",
            "",
            "",
        ]
    text = "\n".join(body)
    head = docstring(f"Business operations of the {app} app that touch several rows at once.") + [""]
    imports = ["from __future__ import annotations", "", "import logging"]
    if "Decimal" in text:
        imports.append("from decimal import Decimal")
    imports += ["from typing import Any", "", "from django.db import transaction"]
    if "timezone." in text:
        imports.append("from django.utils import timezone")
    imports += ["", *model_imports(tables), "", "logger = logging.getLogger(__name__)", ""]
    return render(head + imports + constants + ["", ""] + body)


def _required(table: Table) -> list[Column]:
    return [c for c in table.data_columns() if c.kind not in ("fk", "json") and not c.nullable][:5]


def _create_args(table: Table, parents: dict[str, str]) -> str:
    args = [f"{c.name}={value_expr(table, c)}" for c in _required(table)]
    args += [f"{field_name(c)}={parents[c.target]}" for c in table.columns if c.kind == "fk" and not c.nullable and c.target in parents]
    return ", ".join(args)


def tests_py(repo: Repo, app: str, tables: list[Table], by_name: dict[str, Table], views: list[str]) -> str:
    """tests.py: a TestCase a model whose required parents can be created in setUpTestData."""
    body: list[str] = []
    used: set[str] = set()
    for table in tables:
        parents = [by_name[c.target] for c in table.columns if c.kind == "fk" and not c.nullable]
        if any(c.kind == "fk" and not c.nullable for p in parents for c in p.columns):
            continue  # two levels of required parents: covered by the integration suite
        used.update(t.model for t in [table, *parents])
        setup = ["    @classmethod", "    def setUpTestData(cls) -> None:"]
        names = {}
        for parent in parents:
            setup.append(f"        cls.{parent.entity} = {parent.model}.objects.create({_create_args(parent, {})})")
            names[parent.name] = f"cls.{parent.entity}"
        setup.append(f"        cls.{table.entity} = {table.model}.objects.create({_create_args(table, names)})")
        tests = [
            ["    def test_str_names_the_row(self) -> None:", f'        self.assertIn("{table.model}", str(self.{table.entity}))'],
            ["    def test_one_row(self) -> None:", f"        self.assertEqual({table.model}.objects.count(), 1)"],
        ]
        if table.statuses:
            first, last = table.statuses[0], table.statuses[-1]
            tests.append([
                "    def test_status_filter(self) -> None:",
                f'        {table.model}.objects.filter(pk=self.{table.entity}.pk).update(status="{last}")',
                f'        self.assertFalse({table.model}.objects.filter(status="{first}").exists())',
                f"        self.{table.entity}.refresh_from_db()",
                f'        self.assertEqual(self.{table.entity}.status, "{last}")',
            ])
        for view in views:
            if view in (f"{table.entity}_list", f"{table.entity}_stats", f"{table.entity}_per_day", f"export_{table.collection}"):
                tests.append([
                    f"    def test_{view}_answers(self) -> None:",
                    f'        response = self.client.get(reverse("{app}:{view}"))',
                    "        self.assertEqual(response.status_code, 200)",
                ])
            elif view == f"{table.entity}_detail":
                tests.append([
                    f"    def test_{view}_answers(self) -> None:",
                    f'        response = self.client.get(reverse("{app}:{view}", args=[self.{table.entity}.pk]))',
                    "        self.assertEqual(response.status_code, 200)",
                    f'        self.assertEqual(response.json()["id"], self.{table.entity}.pk)',
                ])
        body += [f"class {table.model}Tests(TestCase):", *setup]
        for test in tests:
            body += ["", *test]
        body += ["", ""]
    text = "\n".join(body)
    out = [*docstring(f"Tests of the {app} app against a real database (pytest-django creates it)."), "", "from __future__ import annotations", ""]
    if "Decimal(" in text:
        out.append("from decimal import Decimal")
    out += ["", "from django.test import TestCase", "from django.urls import reverse", "from django.utils import timezone", ""]
    out += model_imports([t for t in by_name.values() if t.model in used])
    return render(out + ["", ""] + body)


def reports_py(repo: Repo, app: str, tables: list[Table]) -> str:
    """reports.py: subqueries, Exists and conditional counts, for the staff dashboards."""
    rng = repo.rng
    out: list[str] = []
    used: list[str] = []
    for table in tables:
        children = [t for t in tables if any(c.target == table.name for c in t.columns)]
        if children and rng.random() < 0.7:
            child = children[0]
            fk = next(c for c in child.columns if c.target == table.name)
            used += [table.model, child.model]
            out += [
                f"def {table.collection}_with_latest_{child.entity}() -> list[dict[str, Any]]:",
                *docstring(f"Every {table.entity.replace('_', ' ')} with the time of its latest {child.entity.replace('_', ' ')}, if any.", "    "),
                f'    latest = {child.model}.objects.filter({field_name(fk)}=OuterRef("pk")).order_by("-created_at")',
                "    rows = (",
                f'        {table.model}.objects.annotate(latest_at=Subquery(latest.values("created_at")[:1]))',
                f'        .annotate(has_{child.collection}=Exists(latest))',
                f'        .values("id", "latest_at", "has_{child.collection}")',
                "    )",
                "    return list(rows)",
                "",
                "",
            ]
        if table.statuses:
            used.append(table.model)
            counts = "".join(f'        {s}=Count("id", filter=Q(status="{s}")),\n' for s in table.statuses[:3]).rstrip("\n").split("\n")
            out += [
                f"def {table.entity}_status_breakdown(since: date) -> dict[str, int]:",
                f"    return {table.model}.objects.filter(created_at__date__gte=since).aggregate(",
                *counts,
                "    )",
                "",
                "",
            ]
    if not out:
        table = tables[0]
        used.append(table.model)
        out += [
            f"def {table.collection}_created_since(since: date) -> int:",
            f"    return {table.model}.objects.filter(created_at__date__gte=since).count()",
        ]
    head = [*docstring(f"Read-only reporting queries of the {app} app, used by the staff dashboards."), "", "from __future__ import annotations", ""]
    head += ["from datetime import date", "from typing import Any", "", "from django.db.models import Count, Exists, OuterRef, Q, Subquery", ""]
    head += [*model_imports([t for t in tables if t.model in used]), "", ""]
    return render(head + out)


def forms_py(repo: Repo, app: str, tables: list[Table]) -> str:
    """forms.py: a ModelForm for half the models, with a clean_ method on a text field."""
    rng = repo.rng
    chosen = rng.sample(tables, max(1, len(tables) // 2))
    out = [*docstring(f"Forms of the {app} back office."), "", "from __future__ import annotations", "", "from django import forms", ""]
    out += [*model_imports(chosen), "", ""]
    for table in chosen:
        out += [f"class {table.model}Form(forms.ModelForm):", "    class Meta:", f"        model = {table.model}"]
        if rng.random() < 0.2:
            out.append('        fields = "__all__"')
        else:
            out.append(f"        fields = [{', '.join(repr(field_name(c)) for c in some(repo, table, 2, 5))}]")
        code = next((c for c in table.columns if c.kind == "code"), None)
        if code is not None:
            out += [
                "",
                f"    def clean_{code.name}(self) -> str:",
                f'        value = self.cleaned_data["{code.name}"].strip()',
                "        if not value:",
                f'            raise forms.ValidationError("{code.name.replace("_", " ").capitalize()} is required.")',
                "        return value",
            ]
        out += ["", ""]
    return render(out)


def tasks_py(repo: Repo, app: str, tables: list[Table]) -> str:
    """tasks.py: Celery jobs that iterate over querysets and save a few fields."""
    rng = repo.rng
    out = [*docstring(f"Background jobs of the {app} app, run by the Celery workers."), "", "from __future__ import annotations", ""]
    out += ["import logging", "from datetime import timedelta", "", "from celery import shared_task", "from django.utils import timezone", ""]
    chosen = rng.sample(tables, min(len(tables), rng.randint(2, 4)))
    out += [*model_imports(chosen), "", "logger = logging.getLogger(__name__)", "", ""]
    for table in chosen:
        fk = next((c for c in table.columns if c.kind == "fk"), None)
        related = f'.select_related("{field_name(fk)}")' if fk else ""
        touched = next((c for c in table.columns if c.kind == "ts" and c.name not in ("created_at", "updated_at")), None)
        out += [
            f"@shared_task(bind=True, max_retries={rng.randint(2, 5)}, acks_late=True)",
            f"def refresh_{table.collection}(self, ids: list[int]) -> int:",
            *docstring(f"Recomputes derived fields of the given {table.collection.replace('_', ' ')}; safe to run twice.", "    "),
            "    done = 0",
            f"    for obj in {table.model}.objects.filter(id__in=ids){related}.iterator(chunk_size=500):",
        ]
        if touched is not None:
            out += [f"        obj.{touched.name} = timezone.now()", f'        obj.save(update_fields=["{touched.name}", "updated_at"])']
        else:
            out.append('        obj.save(update_fields=["updated_at"])')
        out += ["        done += 1", '    logger.info("refreshed %d rows", done)', "    return done", "", ""]
        contact = next((c for c in table.columns if c.kind == "email"), None)
        if contact is not None:
            out += [
                "@shared_task",
                f"def remind_{table.collection}(days: int = {rng.choice((3, 7, 14))}) -> int:",
                "    cutoff = timezone.now() - timedelta(days=days)",
                f'    rows = {table.model}.objects.filter(created_at__lt=cutoff).values_list("id", "{contact.name}")',
                "    count = 0",
                "    for pk, address in rows:",
                '        logger.info("reminder for %s to %s", pk, address)',
                "        count += 1",
                "    return count",
                "",
                "",
            ]
    return render(out)
