"""`changed_migrations`: the migrations a branch adds or changes, read from a real git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from depmap.impact.git_changes import GitError, changed_migrations
from depmap.impact.migration_specs import specs_from_migrations
from depmap.index.build import build_index
from tests.impact.helpers import write_files

ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}

BASE = {
    "backend/shop/orders/models.py": """
        from django.db import models


        class Order(models.Model):
            reference = models.CharField(max_length=20)
    """,
    "backend/shop/orders/migrations/0001_initial.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            dependencies = []
            operations = [
                migrations.CreateModel(
                    name="Order",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("reference", models.CharField(max_length=20)),
                    ],
                ),
            ]
    """,
    "backend/shop/orders/views.py": """
        def index(request):
            return None
    """,
    "backend/db/migrations/0001_customers.sql": "CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL);\n",
    "README.md": "shop\n",
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env=ENV, check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    write_files(tmp_path, BASE)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def _branch_changes(repo: Path) -> None:
    """A committed SQL migration, an uncommitted Django one, a changed view, an untracked SQL file."""
    write_files(repo, {
        "backend/db/migrations/0002_customer_phone.sql": "ALTER TABLE customers ADD COLUMN phone text;\n",
        "backend/shop/orders/views.py": "def index(request):\n    return 1\n",
    })
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "phone")
    write_files(repo, {
        "backend/shop/orders/migrations/0002_order_note.py": """
            from django.db import migrations, models


            class Migration(migrations.Migration):
                dependencies = [("orders", "0001_initial")]
                operations = [
                    migrations.AddField(model_name="order", name="note", field=models.TextField(default="")),
                ]
        """,
        "backend/scripts/add_flag.sql": "-- run by hand\nALTER TABLE customers ADD COLUMN vip boolean;\n",
    })


def test_committed_uncommitted_and_untracked_migrations_relative_to_a_subfolder(repo: Path) -> None:
    _branch_changes(repo)
    git(repo, "add", "backend/shop/orders/migrations/0002_order_note.py")  # staged, not committed
    assert changed_migrations(repo / "backend", "main") == [
        "db/migrations/0002_customer_phone.sql",
        "scripts/add_flag.sql",
        "shop/orders/migrations/0002_order_note.py",
    ]


def test_paths_from_the_repository_top(repo: Path) -> None:
    _branch_changes(repo)
    assert changed_migrations(repo, "main") == [
        "backend/db/migrations/0002_customer_phone.sql",
        "backend/scripts/add_flag.sql",
        "backend/shop/orders/migrations/0002_order_note.py",
    ]


def test_commits_on_the_base_after_the_branch_point_do_not_count(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    write_files(repo, {"backend/db/migrations/0002_other.sql": "ALTER TABLE customers ADD COLUMN x int;\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "on main")
    git(repo, "checkout", "-q", "feature")
    assert changed_migrations(repo, "main") == []


def test_deleted_and_modified_files(repo: Path) -> None:
    (repo / "backend/db/migrations/0001_customers.sql").unlink()
    (repo / "backend/shop/orders/migrations/0001_initial.py").write_text(
        (repo / "backend/shop/orders/migrations/0001_initial.py").read_text() + "# squashed later\n"
    )
    assert changed_migrations(repo, "main") == ["backend/shop/orders/migrations/0001_initial.py"]


def test_the_changes_feed_specs_from_migrations(repo: Path) -> None:
    _branch_changes(repo)
    root = repo / "backend"
    paths = changed_migrations(root, "main")
    specs, problems = specs_from_migrations(build_index(root), paths)
    assert [(s.table, s.column, s.framework, s.origin.path) for s in specs] == [
        ("customers", "phone", "sql", "db/migrations/0002_customer_phone.sql"),
        ("customers", "vip", "sql", "scripts/add_flag.sql"),
        ("orders_order", "note", "django", "shop/orders/migrations/0002_order_note.py"),
    ]
    assert problems == []


def test_unknown_ref(repo: Path) -> None:
    with pytest.raises(GitError) as error:
        changed_migrations(repo, "origin/main")
    assert str(error.value) == "unknown ref 'origin/main'; fetch it first (git fetch origin main) or pass a ref that exists"


def test_unknown_local_ref(repo: Path) -> None:
    with pytest.raises(GitError) as error:
        changed_migrations(repo, "develop")
    assert str(error.value) == "unknown ref 'develop'; pass a branch, tag or commit that exists (git branch -a lists them)"


def test_not_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(GitError) as error:
        changed_migrations(folder, "main")
    assert str(error.value) == f"{folder.resolve()} is not inside a git repository; --diff needs one, or name the migrations to check"


def test_git_missing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))
    with pytest.raises(GitError) as error:
        changed_migrations(repo, "main")
    assert str(error.value) == "git is not installed or not on PATH; install git or name the migrations to check"


APPEND_ONLY = (
    "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n"
    "ALTER TABLE accounts ADD COLUMN name text;\n"
    "ALTER TABLE accounts ADD COLUMN created_at timestamptz;\n"
    "ALTER TABLE accounts\n"
    "    ADD COLUMN plan text;\n"
)


def _append_only_on_main(repo: Path) -> Path:
    """The append-only file, committed on main before the branch's own commits."""
    write_files(repo, {"backend/db/schema/migrations.sql": APPEND_ONLY})
    git(repo, "checkout", "-q", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "history")
    git(repo, "checkout", "-q", "feature")
    git(repo, "rebase", "-q", "main")
    return repo / "backend" / "db" / "schema" / "migrations.sql"


def test_an_append_only_migrations_file_judges_only_the_lines_the_branch_adds(repo: Path) -> None:
    """One `migrations.sql` that every change appends to: the branch's column, not the file's history."""
    from depmap.impact.git_changes import changed_lines

    path = _append_only_on_main(repo)
    path.write_text(APPEND_ONLY + "ALTER TABLE accounts ADD COLUMN referrer_id bigint;\n")
    git(repo, "commit", "-q", "-am", "referrer")
    path.write_text(path.read_text() + "\n-- not committed yet\nALTER TABLE accounts ADD COLUMN locale text NOT NULL;\n")
    root = repo / "backend"
    found = changed_migrations(root, "main")
    assert found == ["db/schema/migrations.sql"]
    lines = changed_lines(root, "main", found)
    assert lines == {"db/schema/migrations.sql": frozenset({6, 7, 8, 9})}
    specs, problems = specs_from_migrations(build_index(root), found, lines)
    assert [(s.table, s.column, s.not_null) for s in specs] == [("accounts", "referrer_id", False), ("accounts", "locale", True)]
    assert problems == []
    # named on the command line (no --diff), the whole file is judged
    whole, _ = specs_from_migrations(build_index(root), found)
    assert [s.column for s in whole] == ["name", "created_at", "plan", "referrer_id", "locale"]


def test_a_change_outside_any_added_column_says_so(repo: Path) -> None:
    from depmap.impact.git_changes import changed_lines

    path = _append_only_on_main(repo)
    path.write_text(APPEND_ONLY + "CREATE INDEX accounts_email ON accounts (email);\n")
    root = repo / "backend"
    found = changed_migrations(root, "main")
    specs, problems = specs_from_migrations(build_index(root), found, changed_lines(root, "main", found))
    assert (specs, problems) == ([], ["db/schema/migrations.sql: the lines this change adds to it add no column"])
