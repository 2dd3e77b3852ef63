"""A Django app: models (5-15, foreign keys, Meta.db_table), migrations (CreateModel, then
AddField for the columns added later), views with querysets, DRF serializers (some
`fields = "__all__"`), admin, forms, services, tasks, reports and tests; and the Django project
around the apps."""

from __future__ import annotations

from synth.django_models import field_name, migration_add, migration_initial, models_py
from synth.django_modules import admin_py, forms_py, reports_py, serializers_py, services_py, tasks_py, tests_py
from synth.django_views import urls_py, views_py
from synth.names import camel
from synth.repo import Repo, render
from synth.schema import Column, Table, new_table, pick_tables

ROOT = "web"


def unit(repo: Repo) -> None:
    """One Django app: usually one with 5-15 models of its own; once there are models to use,
    sometimes a feature app (an API, a dashboard) that only queries other apps' models."""
    existing = repo.tables_of("django")
    if len(existing) >= 10 and repo.rng.random() < 0.4:
        _feature_app(repo, existing)
    else:
        _model_app(repo)


def _feature_app(repo: Repo, existing: list[Table]) -> None:
    rng = repo.rng
    app = repo.namer.domain()
    repo.django_apps.append(app)
    tables = pick_tables(rng, existing, rng.randint(3, 8))
    _app_files(repo, app, tables)
    _code_files(repo, app, tables, {t.name: t for t in repo.tables})


def _app_files(repo: Repo, app: str, tables: list[Table]) -> None:
    base = f"{ROOT}/{app}"
    repo.add(f"{base}/__init__.py", "django", "")
    repo.add(f"{base}/apps.py", "django", render([
        "from django.apps import AppConfig", "", "", f"class {camel(app)}Config(AppConfig):",
        '    default_auto_field = "django.db.models.BigAutoField"', f'    name = "{app}"',
        f'    verbose_name = "{app.replace("_", " ").title()}"',
    ]))


def _code_files(repo: Repo, app: str, tables: list[Table], by_name: dict[str, Table]) -> None:
    """The modules that use models: views, serializers, services, jobs, reports and tests."""
    base = f"{ROOT}/{app}"
    views_text, views = views_py(repo, app, tables)
    repo.add(f"{base}/views.py", "django", views_text)
    repo.add(f"{base}/urls.py", "django", urls_py(app, views))
    repo.add(f"{base}/serializers.py", "django", serializers_py(repo, app, tables))
    repo.add(f"{base}/services.py", "django", services_py(repo, app, tables))
    repo.add(f"{base}/tasks.py", "django", tasks_py(repo, app, tables))
    repo.add(f"{base}/reports.py", "django", reports_py(repo, app, tables))
    repo.add(f"{base}/tests.py", "django", tests_py(repo, app, tables, by_name, views))


def _model_app(repo: Repo) -> None:
    rng = repo.rng
    app = repo.namer.domain()
    repo.django_apps.append(app)
    other_django = repo.tables_of("django")
    tables: list[Table] = []
    for _ in range(rng.randint(5, 15)):
        local = tables[-3:] + rng.sample(other_django, min(2, len(other_django)))
        entity = repo.namer.entity()
        default_name = f"{app}_{camel(entity).lower()}"
        name = repo.namer.table([default_name]) if rng.random() < 0.3 else None
        table = new_table(rng, repo.namer, "django", app, local, table_name=name, entity=entity)
        tables.append(table)
    by_name = {t.name: t for t in repo.tables + tables}
    stamped = {t.name: rng.random() < 0.6 for t in tables}
    late: list[tuple[Table, Column]] = []
    for table in rng.sample(tables, rng.randint(1, 3)):
        candidates = [c for c in table.data_columns() if c.kind not in ("fk", "status") and (c.nullable or c.kind in ("int", "money", "bool", "json"))]
        if candidates:
            column = rng.choice(candidates)
            table.late.append(column.name)
            late.append((table, column))
    repo.tables += tables
    base = f"{ROOT}/{app}"
    deps = sorted({by_name[c.target].owner for t in tables for c in t.columns if c.target and by_name[c.target].owner != app})
    _app_files(repo, app, tables)
    repo.add(f"{base}/models.py", "django", models_py(repo, app, tables, by_name, stamped))
    repo.add(f"{base}/migrations/__init__.py", "django", "")
    repo.add(f"{base}/migrations/0001_initial.py", "django", migration_initial(app, tables, by_name, deps))
    previous = "0001_initial"
    for number, (table, column) in enumerate(late, start=2):
        name = f"{number:04d}_{table.model.lower()}_{field_name(column)}"
        repo.add(f"{base}/migrations/{name}.py", "django", migration_add(app, previous, table, column, by_name))
        previous = name
    repo.add(f"{base}/admin.py", "django", admin_py(repo, app, tables))
    repo.add(f"{base}/forms.py", "django", forms_py(repo, app, tables))
    _code_files(repo, app, tables, by_name)


def finish(repo: Repo) -> None:
    """The Django project around the apps: manage.py, settings, the abstract base model."""
    if not repo.django_apps:
        return
    repo.add(f"{ROOT}/manage.py", "config", render([
        "#!/usr/bin/env python", '"""Django\'s command-line utility for administrative tasks."""', "import os", "import sys", "", "",
        "def main() -> None:", '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")',
        "    from django.core.management import execute_from_command_line", "", "    execute_from_command_line(sys.argv)", "", "",
        'if __name__ == "__main__":', "    main()",
    ]))
    repo.add(f"{ROOT}/config/__init__.py", "config", "")
    apps = "".join(f'    "{a}",\n' for a in ["common", *repo.django_apps])
    repo.add(f"{ROOT}/config/settings.py", "config", render([
        '"""Settings of the web application; secrets come from the environment."""', "", "import os", "from pathlib import Path", "",
        "BASE_DIR = Path(__file__).resolve().parent.parent",
        'SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only")', 'DEBUG = os.environ.get("DJANGO_DEBUG") == "1"', "",
        "INSTALLED_APPS = [", '    "django.contrib.admin",', '    "django.contrib.auth",', '    "django.contrib.contenttypes",',
        '    "rest_framework",', apps.rstrip("\n"), "]", "",
        "DATABASES = {", '    "default": {', '        "ENGINE": "django.db.backends.postgresql",',
        f'        "NAME": os.environ.get("DB_NAME", "{repo.company}"),', '        "HOST": os.environ.get("DB_HOST", "localhost"),',
        "    }", "}", "", 'ROOT_URLCONF = "config.urls"', 'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"',
    ]))
    includes = "".join(f'    path("{a}/", include("{a}.urls")),\n' for a in repo.django_apps)
    repo.add(f"{ROOT}/config/urls.py", "config", render([
        "from django.contrib import admin", "from django.urls import include, path", "", "urlpatterns = [",
        '    path("admin/", admin.site.urls),', includes.rstrip("\n"), "]",
    ]))
    repo.add(f"{ROOT}/common/__init__.py", "django", "")
    repo.add(f"{ROOT}/common/models.py", "django", render([
        '"""Abstract bases shared by every app\'s models."""', "", "from django.db import models", "", "",
        "class TimeStampedModel(models.Model):", "    created_at = models.DateTimeField(auto_now_add=True)",
        "    updated_at = models.DateTimeField(auto_now=True)", "", "    class Meta:", "        abstract = True",
    ]))
