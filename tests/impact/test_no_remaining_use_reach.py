"""`no-remaining-use` never claims "nothing uses it" past what depmap can see: the lines that name
the column without a usage depmap recognised (templates, names handed to getattr, lookups in a
`Q()` built apart), unparsed SQL on the table and `__all__` serializers are listed, and the
finding becomes a warning; with git, the last commit that touched a line naming the column."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from depmap.impact.last_mention import last_mention
from depmap.impact.rules import no_remaining_use
from tests.impact.helpers import change_context, write_files

SCHEMA = """
    CREATE TABLE customers (
        id         bigserial PRIMARY KEY,
        email      text NOT NULL UNIQUE,
        fax        text,
        created_at timestamptz NOT NULL DEFAULT now()
    );
"""

REPOSITORY = '''
    import psycopg

    EXPORTED = ("email", "fax")  # the CSV export's columns, read with getattr below


    def customer_emails(conn: psycopg.Connection) -> list[str]:
        return [row[0] for row in conn.execute("SELECT email FROM customers ORDER BY id")]


    def export_row(customer) -> list[str]:
        return [str(getattr(customer, name) or "") for name in EXPORTED]
'''

TEMPLATE = """
    <dl>
      <dt>Email</dt><dd>{{ customer.email }}</dd>
      {% if customer.fax %}<dt>Fax</dt><dd>{{ customer.fax }}</dd>{% endif %}
    </dl>
"""


def _finding(root: Path):
    (finding,) = no_remaining_use.check(change_context(root, "customers.fax", "drop"))
    return finding


def test_a_column_named_only_where_depmap_cannot_attribute_it_is_a_warning_listing_those_lines(tmp_path):
    root = write_files(tmp_path, {
        "migrations/0001_initial.sql": SCHEMA,
        "shop/customers.py": REPOSITORY,
        "shop/templates/customer.html": TEMPLATE,
        "shop/notify.py": "from shop.integrations import fax  # the gateway module: an import is not the column\n",
        "README.md": "The fax column is legacy.\n",  # a document: not a use
        "pyproject.toml": '[project]\nname = "shop"\ndescription = "fax"\n',  # packaging metadata
    })
    finding = _finding(root)
    assert finding.severity == "warning"
    assert finding.message == (
        "No usage depmap recognised names customers.fax, but 2 sites could still reach it (1 line of code without a "
        "recognised usage, 1 template line: shop/customers.py:3; shop/templates/customer.html:3): read them before "
        "dropping it. Evidence: no query, serializer or form names it in 3 scanned files; no ORM model maps it; no view, "
        "index or constraint depends on it; the column was created with its table at migrations/0001_initial.sql:1.")
    assert [(r.location.path, r.location.line, r.note) for r in finding.related] == [
        ("migrations/0001_initial.sql", 1, "the table is defined here"),
        ("shop/customers.py", 3, "names it, but depmap recognised no usage of the column there: "
                                 'EXPORTED = ("email", "fax")  # the CSV export\'s columns, read with getattr below'),
        ("shop/templates/customer.html", 3, "a template depmap does not read names it: "
                                            "{% if customer.fax %}<dt>Fax</dt><dd>{{ customer.fax }}</dd>{% endif %}"),
    ]


def test_sql_depmap_could_not_parse_on_the_table_keeps_the_statement_from_being_made(tmp_path):
    root = write_files(tmp_path, {
        "migrations/0001_initial.sql": SCHEMA,
        "shop/reports.py": '''
            def normalise(conn, customer_id):
                conn.execute("UPDATE customers SET email = lower(email WHERE id = %s", (customer_id,))
        ''',
    })
    finding = _finding(root)
    assert finding.severity == "warning"
    assert "(1 statement of unparsed SQL: shop/reports.py:2)" in finding.message
    assert [(r.location.path, r.note) for r in finding.related][1:] == [
        ("shop/reports.py", "SQL on customers that depmap could not parse")]


def test_a_column_no_line_names_is_stated_unused_with_every_piece_of_evidence(tmp_path):
    root = write_files(tmp_path, {"migrations/0001_initial.sql": SCHEMA, "shop/customers.py": REPOSITORY.replace('"fax"', '"created_at"')})
    finding = _finding(root)
    assert finding.severity == "info"
    assert finding.message == (
        "customers.fax has no remaining use: no query, serializer or form names it in 2 scanned files; no ORM model maps "
        "it; no view, index or constraint depends on it; the column was created with its table at "
        "migrations/0001_initial.sql:1; no other line of the project names it.")


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada",
           "GIT_COMMITTER_EMAIL": "ada@example.com", "GIT_AUTHOR_DATE": "2025-03-02T10:00:00Z",
           "GIT_COMMITTER_DATE": "2025-03-02T10:00:00Z", "GIT_CEILING_DIRECTORIES": str(root.parent)}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(subprocess.run(["which", "git"], capture_output=True).returncode != 0, reason="git is not installed")
def test_in_a_git_repository_the_evidence_names_the_last_commit_that_touched_a_line_naming_the_column(tmp_path, monkeypatch):
    monkeypatch.delenv("GIT_CEILING_DIRECTORIES", raising=False)
    root = write_files(tmp_path / "shop", {"migrations/0001_initial.sql": SCHEMA, "shop/customers.py": REPOSITORY})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Customers and their CSV export")
    (root / "shop/customers.py").write_text(REPOSITORY.replace('"email", "fax"', '"email",'), encoding="utf-8")
    _git(root, "commit", "-q", "-am", "Stop exporting the fax number")
    (root / "NOTES.md").write_text("fax is gone\n", encoding="utf-8")  # a document: not the last mention
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Notes")
    removed = _git(root, "log", "-1", "--skip=1", "--format=%h")
    finding = _finding(root)
    assert finding.severity == "info"
    assert finding.message.endswith(f"; last mentioned in {removed} 2025-03-02 Stop exporting the fax number; "
                                    "no other line of the project names it.")


def test_without_a_repository_or_without_git_there_is_no_commit_note(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    write_files(tmp_path / "shop", {"a.py": "fax = 1\n"})
    assert last_mention(tmp_path / "shop", "fax") is None  # not a repository
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert last_mention(tmp_path / "shop", "fax") is None  # no git on PATH
    assert last_mention(None, "fax") is None
    assert last_mention(tmp_path, "fax; rm -rf /") is None  # only a plain name is searched for


def test_a_column_of_the_join_table_of_a_many_to_many_field_is_used_without_being_named(tmp_path):
    root = write_files(tmp_path, {
        "library/__init__.py": "",
        "library/models.py": '''
            from django.db import models


            class Tag(models.Model):
                name = models.CharField(max_length=64, unique=True)


            class Book(models.Model):
                title = models.CharField(max_length=200)
                tags = models.ManyToManyField(Tag)
        ''',
        "library/views.py": '''
            from library.models import Book


            def titles(tag_name: str) -> list[str]:
                return list(Book.objects.filter(tags__name=tag_name).values_list("title", flat=True))
        ''',
    })
    (join_id,) = no_remaining_use.check(change_context(root, "library_book_tags.id", "drop"))
    assert join_id.severity == "warning"
    assert join_id.message == (
        "No usage depmap recognised names library_book_tags.id, but it is still used: library_book_tags is the join table "
        "Django creates for the many-to-many field Book.tags: Django reads and writes id through that field, whether or "
        "not code names it.")
