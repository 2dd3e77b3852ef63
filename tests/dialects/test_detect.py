"""Dialect and server version read from what a project's code says, and how build_index uses them."""

from __future__ import annotations

from pathlib import Path

from depmap.config import Config
from depmap.dialects.detect import detect, detect_dialect, detect_server_version
from depmap.discover import discover
from depmap.index.build import build_index
from tests.impact.helpers import write_files


def found(root: Path):
    return discover(root, Config())


def test_django_engine_in_settings(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "mysite/settings/base.py": """
            DATABASES = {
                "default": {
                    "ENGINE": "django.contrib.gis.db.backends.postgis",
                    "NAME": env("DB_NAME", default="shop"),
                }
            }
        """,
        "docker-compose.yml": """
            services:
              db:
                image: postgis/postgis:15-3.4
              cache:
                image: redis:7
        """,
    })
    assert detect_dialect(tmp_path, found(tmp_path)) == ("postgres", "mysite/settings/base.py:3")
    assert detect_server_version(tmp_path, found(tmp_path), "postgres") == ("15", "docker-compose.yml:3")


def test_sqlalchemy_urls_in_alembic_ini_and_config(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "alembic.ini": "[alembic]\nscript_location = migrations\nsqlalchemy.url = mysql+pymysql://app:app@localhost/app\n",
        "app/config.py": """
            import os


            class Config:
                SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "mysql+pymysql://app@localhost/app")
        """,
        "compose.yaml": "services:\n  db:\n    image: mysql:8.0.35\n",
        "requirements.txt": "flask==3.0.0\nPyMySQL==1.1.0\n",
    })
    detection = detect(tmp_path, found(tmp_path))
    assert (detection.dialect, detection.source, detection.version, detection.version_source) == (
        "mysql", "alembic.ini:3", "8.0.35", "compose.yaml:3")
    assert detection.notes == []


def test_a_url_prefix_being_rewritten_is_not_a_url(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "config.py": """
            import os
            basedir = os.path.abspath(os.path.dirname(__file__))


            class Config:
                SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL', '').replace(
                    'postgres://', 'postgresql://') or \\
                    'sqlite:///' + os.path.join(basedir, 'app.db')
        """,
        "requirements.txt": "psycopg2-binary==2.9.9\n",
    })
    detection = detect(tmp_path, found(tmp_path))
    assert (detection.dialect, detection.source) == ("sqlite", "config.py:8")
    assert detection.notes == []  # a driver package alone is not a disagreement worth reporting


def test_dbt_profile_and_sqlfluff(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "warehouse/dbt_project.yml": "name: acme\nprofile: acme\n",
        "warehouse/profiles.yml": """
            acme:
              target: dev
              outputs:
                dev:
                  type: snowflake
                  account: xy12345
        """,
        ".sqlfluff": "[sqlfluff]\ntemplater = dbt\ndialect = snowflake\n",
    })
    assert detect_dialect(tmp_path, found(tmp_path)) == ("snowflake", ".sqlfluff:3")


def test_dbt_adapter_package(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "analytics"
            dependencies = [
              "dbt-duckdb>=1.8",
            ]

            [tool.depmap]
            dialect = "postgres"
        """,
    })
    assert detect_dialect(tmp_path, found(tmp_path)) == ("duckdb", "pyproject.toml:4")


def test_disagreement_prefers_the_majority_and_says_so(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "hc/settings.py": """
            DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "hc.sqlite"}}

            if os.getenv("DB") == "postgres":
                DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "hc"}}
        """,
        "docker/docker-compose.yml": "services:\n  db:\n    image: postgres:16-alpine\n",
        "deploy/compose.staging.yml": "services:\n  postgres:\n    image: bitnami/postgresql:13.14.0\n",
        "hc/tests/settings_test.py": '"ENGINE": "django.db.backends.mysql"\n',
    })
    detection = detect(tmp_path, found(tmp_path))
    assert (detection.dialect, detection.source) == ("postgres", "hc/settings.py:4")
    assert (detection.version, detection.version_source) == ("13.14.0", "deploy/compose.staging.yml:3")
    assert detection.notes == [
        "dialect postgres detected from hc/settings.py:4; the code also mentions sqlite (hc/settings.py:1): "
        "set dialect in [tool.depmap] if postgres is not the production database",
        "server versions 13.14.0, 16 are named; assuming the oldest, 13.14.0 (deploy/compose.staging.yml:3)",
    ]


def test_development_settings_count_less(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "shop/settings/local.py": '"ENGINE": "django.db.backends.sqlite3",\n',
        "shop/settings/production.py": "DATABASES = {'default': dj_database_url.config(default='postgres://shop@db/shop')}\n",
    })
    assert detect_dialect(tmp_path, found(tmp_path)) == ("postgres", "shop/settings/production.py:1")


def test_nothing_said(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/views.py": "def index():\n    return 'postgres://nowhere/x'\n", "compose.yml": "services:\n  web:\n    image: nginx:1.25\n"})
    assert detect_dialect(tmp_path, found(tmp_path)) is None
    assert detect_server_version(tmp_path, found(tmp_path), "postgres") is None


def test_mariadb_image_names_no_mysql_version(tmp_path: Path) -> None:
    write_files(tmp_path, {"docker-compose.yml": "services:\n  db:\n    image: mariadb:10.11\n"})
    assert detect(tmp_path, found(tmp_path)).dialect == "mysql"
    assert detect_server_version(tmp_path, found(tmp_path), "mysql") is None


# -- build_index ---------------------------------------------------------------------------------------

SETTINGS = {
    "shop/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "shop"}}\n',
    "docker-compose.yml": "services:\n  db:\n    image: mysql:8.0.28\n",
}


def test_build_index_uses_the_detected_dialect_and_version(tmp_path: Path) -> None:
    write_files(tmp_path, SETTINGS)
    index = build_index(tmp_path)
    assert (index.dialect, index.dialect_source, index.server_version, index.server_version_source) == (
        "mysql", "shop/settings.py:1", "8.0.28", "docker-compose.yml:3")


def test_build_index_option_and_config_win(tmp_path: Path) -> None:
    write_files(tmp_path, {**SETTINGS, "pyproject.toml": '[tool.depmap]\ndialect = "postgres"\nserver_version = "16"\n'})
    index = build_index(tmp_path)
    assert (index.dialect, index.dialect_source, index.server_version, index.server_version_source) == ("postgres", "config", "16", "config")
    index = build_index(tmp_path, dialect="sqlite")
    assert (index.dialect, index.dialect_source) == ("sqlite", "option")


def test_build_index_option_keeps_the_detected_version_of_that_database(tmp_path: Path) -> None:
    write_files(tmp_path, SETTINGS)
    index = build_index(tmp_path, dialect="mysql")
    assert (index.dialect_source, index.server_version) == ("option", "8.0.28")
    index = build_index(tmp_path, dialect="postgres")
    assert (index.dialect_source, index.server_version) == ("option", None)


def test_build_index_default(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/queries.sql": "SELECT 1;\n"})
    index = build_index(tmp_path)
    assert (index.dialect, index.dialect_source, index.server_version) == ("postgres", "default", None)
