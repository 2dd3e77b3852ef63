"""Assemble a whole repository: one unit of every layer first, then whichever layer is furthest
below its share of the line budget, until the budget is spent."""

from __future__ import annotations

from typing import Callable

from synth import airflow_dags, dbt_project, django_app, plain_code, raw_sql, sql_migrations, sqlalchemy_service
from synth.repo import Repo, render

# Share of all lines each layer aims for. Plain code is about half of a real application's files
# but a smaller share of its lines (its modules are shorter): about 30 %.
SHARES: dict[str, float] = {
    "plain": 0.30,
    "django": 0.32,
    "sqlalchemy": 0.13,
    "raw_sql": 0.10,
    "sql_migrations": 0.05,
    "dbt": 0.06,
    "airflow": 0.04,
}
UNITS: dict[str, Callable[[Repo], None]] = {
    "django": django_app.unit,
    "sqlalchemy": sqlalchemy_service.unit,
    "sql_migrations": sql_migrations.unit,
    "raw_sql": raw_sql.unit,
    "dbt": dbt_project.unit,
    "airflow": airflow_dags.unit,
    "plain": plain_code.unit,
}
SMALL_REMAINDER = 300  # below this many lines to go, only small plain modules are added


def build(lines: int, seed: int) -> Repo:
    """A repository of about `lines` lines (a little more: units are never cut short)."""
    repo = Repo.start(seed)
    for kind in UNITS:  # every layer at least once, table-defining layers first
        UNITS[kind](repo)
    while repo.total_lines < lines:
        before = repo.total_lines
        if lines - before < SMALL_REMAINDER:
            kind = "plain"
        else:
            kind = max(SHARES, key=lambda k: SHARES[k] * lines - repo.lines[k])
        UNITS[kind](repo)
        if repo.total_lines == before:
            plain_code.unit(repo)
    django_app.finish(repo)
    sql_migrations.finish(repo)
    _project_files(repo)
    return repo


def _project_files(repo: Repo) -> None:
    name = repo.company
    repo.add("README.md", "config", render([
        f"# {name}", "",
        f"The {name} platform: the Django web application (`web/`), SQLAlchemy services (`services/`),",
        f"shared code and batch jobs (`{name}/`), SQL migrations (`db/migrations/`), the dbt project",
        "(`analytics/`) and the Airflow DAGs (`dags/`).",
    ]))
    repo.add(".gitignore", "config", render(["__pycache__/", "*.pyc", ".venv/", ".depmap/", "analytics/target/", "analytics/dbt_packages/"]))
    repo.add("pyproject.toml", "config", render([
        "[project]", f'name = "{name}-platform"', 'version = "2024.6.0"', 'requires-python = ">=3.11"',
        "dependencies = [", '  "django>=5.0,<5.1",', '  "djangorestframework>=3.15",', '  "sqlalchemy>=2.0,<2.1",',
        '  "psycopg[binary]>=3.1",', "]", "", "[tool.pytest.ini_options]", 'testpaths = ["tests"]',
    ]))
