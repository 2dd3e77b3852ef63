"""Dialect and server version read from what a project's code says, and how build_index uses them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from depmap.config import Config
from depmap.dialects.detect import detect, detect_dialect, detect_server_version
from depmap.discover import discover
from depmap.index.build import build_index
from depmap.model import Skipped
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


# -- links: nothing outside the root is read, and loops cost nothing -----------------------------------


def test_files_linked_from_outside_the_root_say_nothing(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "elsewhere"
    write_files(root, {
        "shop/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}\n',
        "deploy/alembic.ini": "[alembic]\nsqlalchemy.url = postgresql://shop@db/shop\n",
    })
    write_files(outside, {
        "alembic.ini": "[alembic]\nsqlalchemy.url = mysql://u@h/db\n",
        "requirements.txt": "mysqlclient==2.2\n",
        "sqlfluff": "[sqlfluff]\ndialect = mysql\n",
        "settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.mysql"}}\n',
        "compose.yml": "services:\n  db:\n    image: mysql:8.0\n",
    })
    (root / "alembic.ini").symlink_to(outside / "alembic.ini")
    (root / "requirements.txt").symlink_to(outside / "requirements.txt")
    (root / ".sqlfluff").symlink_to(outside / "sqlfluff")
    (root / "shop" / "db.py").symlink_to(outside / "settings.py")
    (root / "compose.yml").symlink_to(outside / "compose.yml")
    (root / "shop" / "alembic.ini").symlink_to("../deploy/alembic.ini")  # inside the root: read
    detection = detect(root, found(root))
    assert [(s.dialect, s.source) for s in detection.signals] == [
        ("postgres", "deploy/alembic.ini:2"), ("postgres", "shop/alembic.ini:2"), ("postgres", "shop/settings.py:1"),
    ]
    assert (detection.dialect, detection.source, detection.version, detection.notes) == ("postgres", "shop/settings.py:1", None, [])


def test_link_loops_and_pipes_cost_nothing(tmp_path: Path) -> None:
    write_files(tmp_path, SETTINGS)
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "self").symlink_to("self")
    (tmp_path / "p" / "up").symlink_to("..")
    (tmp_path / "alembic.ini").symlink_to("alembic.ini")
    (tmp_path / "shop" / "requirements.txt").symlink_to("../p/self")
    os.mkfifo(tmp_path / ".sqlfluff")  # opening it to read would wait for a writer forever
    index = build_index(tmp_path)
    assert (index.dialect, index.dialect_source, index.server_version) == ("mysql", "shop/settings.py:1", "8.0.28")
    assert index.skipped == [Skipped("p/up", "symlink loop: points to its own ancestor '.'; not followed")]


def test_a_link_loop_does_not_stop_a_command(tmp_path: Path) -> None:
    write_files(tmp_path, SETTINGS)
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "self").symlink_to("self")
    (tmp_path / "p" / "up").symlink_to("..")
    os.mkfifo(tmp_path / "alembic.ini")
    done = subprocess.run([sys.executable, "-m", "depmap", "--no-cache", "tables", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
