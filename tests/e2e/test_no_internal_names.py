"""No internal placeholder name reaches a user: the identifiers that stand in for SQL holes while
parsing (`__depmap_hole_N`), the parser's class names, the probe column of `baseline`, and the
path-less location of a migration not written yet are replaced in every message, in text,
Markdown and JSON, on the bundled samples and on SQL whose parse error quotes a placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from depmap.cli.main import cli
from tests.e2e.conftest import REPO

INTERNAL = re.compile(r"__depmap|depmap_hole|depmap_baseline_probe|<class '|sqlglot\.expressions|(?:^|[\s(\"'`]):0\b")
SAMPLES = REPO / "samples"

# sample -> (a table, a model or table to ask about, a migration to check)
CASES = {
    "shop_sql": ("orders", "orders.status", "migrations/0005_inventory_cleanup.sql"),
    "django_shop": ("sales_order", "Customer.email", "orders/migrations/0002_order_discount_code.py"),
    "sqlalchemy_service": ("accounts", "AccountNote.body", "migrations/versions/3f2c9a11d8e4_add_invoice_due_date.py"),
    "warehouse": ("customers", "customers.email", None),
}


def runs(root: Path, table: str, target: str, migration: str | None) -> list[list[str]]:
    path = ["--path", str(root), "-q"]
    found = []
    for output in ("text", "json"):
        found += [["who-reads", target, *path, "--format", output, "--mentions"], ["who-writes", table, *path, "--format", output]]
    for output in ("text", "markdown", "json"):
        found.append(["impact", f"{table}.loyalty_tier", "--type", "text", "--not-null", *path, "--format", output])
        if migration:
            found.append(["check", str(root / migration), *path, "--format", output, "--fail-on", "never"])
    return found


def leaks(args: list[str]) -> list[str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if INTERNAL.search(line)]


@pytest.mark.parametrize("sample", sorted(CASES))
def test_samples_print_no_internal_name(sample):
    root = SAMPLES / sample
    assert [(args[0], args[-1], line) for args in runs(root, *CASES[sample]) for line in leaks(args)] == []


SEARCH = '''"""Full-text search over the article archive."""


def search(cur, words):
    cur.execute(
        "SELECT id, title FROM articles WHERE MATCH (title, body) AGAINST (%s IN NATURAL LANGUAGE MODE)",
        (words,),
    )
    return cur.fetchall()


def latest(cur, section):
    cur.execute(f"SELECT id, title FROM articles WHERE section = {section} ORDER BY published_at DESC LIMT 10")
    return cur.fetchall()
'''


def test_a_parse_error_quotes_the_sql_as_written(tmp_path):
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "search.py").write_text(SEARCH, encoding="utf-8")
    (tmp_path / "schema.sql").write_text("CREATE TABLE articles (id serial PRIMARY KEY, title text, body text, "
                                         "section text, published_at timestamptz);\n", encoding="utf-8")
    for args in runs(tmp_path, "articles", "articles.title", None):
        assert leaks([*args, "--no-cache"]) == []
    shown = CliRunner().invoke(cli, ["who-reads", "articles", "--path", str(tmp_path), "-q"]).output
    assert "  archive/search.py: line 6: SQL not parsed: Required keyword: 'this' missing for MatchAgainst near '%s'" in shown.splitlines()
