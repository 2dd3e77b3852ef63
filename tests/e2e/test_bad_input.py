"""Bad input never stops a scan: each bad file or statement is reported with a reason, exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

GOOD_REPO = '''\
from db import connection


def open_orders(customer_id):
    with connection() as cur:
        cur.execute("SELECT id, status FROM orders WHERE customer_id = %s", (customer_id,))
        return cur.fetchall()


def broken(cur):
    cur.execute("SELECT id FROM orders WHERE (")
'''

SYNTAX_ERROR = "def f(:\n    cur.execute('SELECT id FROM orders')\n"
PYTHON_2 = "import db\n\nprint 'exporting'\ndb.execute('SELECT id FROM orders')\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.depmap]\ndialect = "postgres"\nmax-file-bytes = 4000\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "repo.py").write_text(GOOD_REPO)
    (tmp_path / "app" / "syntax.py").write_text(SYNTAX_ERROR)
    (tmp_path / "app" / "legacy.py").write_text(PYTHON_2)
    (tmp_path / "app" / "blob.py").write_bytes(b"\x00\x01\x02binary\x00data")
    (tmp_path / "app" / "latin.sql").write_bytes("SELECT 'caf\xe9' FROM orders;\n".encode("latin-1"))
    (tmp_path / "app" / "huge.sql").write_text("SELECT id FROM orders;\n" * 400)
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.sql").write_text(
        "CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text);\n"
        "SELEC nonsense FROM orders;\n"
    )
    return tmp_path


def test_scan_completes_and_lists_every_bad_file(depmap, project):
    run = depmap("scan", str(project), "--format", "json")
    assert run.code == 0, run.err
    summary = run.json()
    assert summary["files_scanned"] == 6  # huge.sql is skipped before scanning
    assert summary["unparsed_statements"] == 2
    reasons = {s["path"]: s["reason"] for s in summary["skipped"]}
    assert sorted(reasons) == ["app/blob.py", "app/huge.sql", "app/latin.sql", "app/legacy.py", "app/syntax.py"]
    assert reasons["app/blob.py"] == "binary file"
    assert reasons["app/huge.sql"].startswith("larger than 4000 bytes (max_file_bytes)")
    assert reasons["app/latin.sql"].startswith("not valid UTF-8 at byte 11")
    assert reasons["app/legacy.py"].startswith("Python syntax error at line 3")
    assert "Python 2 syntax?" in reasons["app/legacy.py"]
    assert reasons["app/syntax.py"].startswith("Python syntax error at line 1")


def test_queries_still_answer_and_report_unparsed_sql(depmap, project):
    run = depmap("who-reads", "orders", "--path", str(project), "--format", "json")
    assert run.code == 0, run.err
    document = run.json()
    assert [(u["path"], u["line"], u["detail"], u["confidence"]) for u in document["usages"]] == [
        ("app/repo.py", 6, "select", "high"),
        ("app/repo.py", 11, "unparsed", "low"),
        ("db/schema.sql", 2, "unparsed", "low"),
    ]
    unparsed = [s for s in document["skipped"] if "SQL not parsed" in s["reason"]]
    assert [(s["path"], s["reason"].split(":")[0]) for s in unparsed] == [("app/repo.py", "line 11"), ("db/schema.sql", "line 2")]


def test_text_output_shows_what_was_not_analysed(depmap, project):
    run = depmap("who-reads", "orders.status", "--path", str(project))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "Code that reads orders.status: 1 usage in 1 file"
    start = lines.index("Not analysed (7):")
    assert [line.split(":")[0].strip() for line in lines[start + 1 : start + 8]] == [
        "app/blob.py",
        "app/huge.sql",
        "app/latin.sql",
        "app/legacy.py",
        "app/repo.py",
        "app/syntax.py",
        "db/schema.sql",
    ]
    # The output ends with the lines that name the table and that no usage explains.
    assert lines[start + 8 :] == [
        "",
        "3 more lines mention orders without a classified usage (3 not-analysed); --mentions lists them",
    ]


def test_invalid_config_is_a_warning_not_a_failure(depmap, project):
    (project / "pyproject.toml").write_text("[tool.depmap\ndialect = ")
    run = depmap("scan", str(project), "--format", "json")
    assert run.code == 0
    assert run.err.startswith("depmap: warning: ")
    assert "pyproject.toml" in run.err


# -- one small input once ended the whole run (exit 3); each now costs its own file ----------------

DBT_MODEL = "select id, email from {{ source('shop', 'customers') }}\n"
ALIAS_BOMB = "name: bomb\nversion: '1'\nvars:\n" + "".join(
    f"  v{n}: &v{n} [{', '.join([f'*v{n - 1}'] * 9) if n else ', '.join(['lol'] * 9)}]\n" for n in range(8)
)


@pytest.mark.parametrize(
    ("project_file", "reason"),
    [
        ("name: shop\nversion: '1'\nvars:\n  start: 2024-13-01\n", None),
        ("name: shop\nversion: '1'\nvars:\n  big: " + "9" * 5000 + "\n", None),
        ("name: shop\nversion: '1'\nvars:\n  deep: " + "[" * 500 + "]" * 500 + "\n",
         "YAML not analysed: nested more than 200 levels deep (line 4)"),
        ("name: shop\nversion: '1'\nvars:\n  r: &r [*r]\n", "YAML not analysed: an alias refers to a value that contains it (line 4)"),
        (ALIAS_BOMB, "YAML not analysed: expands to more than 200,000 values through its aliases (line 9)"),
    ],
    ids=["invalid-date", "huge-integer", "nested-500", "recursive-alias", "alias-bomb"],
)
def test_a_hostile_dbt_project_file_costs_that_file(depmap, tmp_path, project_file, reason):
    (tmp_path / "dbt_project.yml").write_text(project_file)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "emails.sql").write_text(DBT_MODEL)
    run = depmap("who-reads", "customers", "--path", str(tmp_path), "--format", "json")
    assert run.code == 0, run.err
    document = run.json()
    assert [(u["path"], u["line"]) for u in document["usages"]] == [("models/emails.sql", 1)]
    assert [s["reason"] for s in document["skipped"]] == ([reason] if reason else [])


def test_a_callable_in_a_dbt_config_is_not_kept(depmap, tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nversion: '1'\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "emails.sql").write_text("{{ config(materialized=ref, tags=['pii']) }}\n" + DBT_MODEL)
    for _ in range(2):  # cold, then from the cache
        run = depmap("who-reads", "customers.email", "--path", str(tmp_path), "--format", "json")
        assert run.code == 0, run.err
        assert [(u["path"], u["line"], u["columns"]) for u in run.json()["usages"]] == [("models/emails.sql", 2, ["id", "email"])]


def test_an_unknown_codec_and_a_lone_surrogate_cost_nothing_else(depmap, tmp_path):
    (tmp_path / "rot.py").write_text("# coding: rot13\nvzcbeg qo\n")
    (tmp_path / "repo.py").write_text('def named(cur):\n    cur.execute("SELECT id FROM orders WHERE name = \'\\ud800\'")\n')
    for command in (("who-reads", "orders", "--path"), ("graph", "--path")):
        run = depmap(*command, str(tmp_path))
        assert run.code == 0, run.err
    run = depmap("who-reads", "orders", "--path", str(tmp_path), "--format", "json")
    document = run.json()
    assert [u["snippet"] for u in document["usages"]] == ["SELECT id FROM orders WHERE name = '\ufffd'"]
    assert [s["reason"] for s in document["skipped"]] == [
        "its encoding declaration names 'rot13', which is not a text encoding: not read"
    ]


def test_yaml_errors_are_not_called_sql(depmap, tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nversion: '1'\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "schema.yml").write_text("models:\n  - name: emails\n    columns: [a, b\n")
    (tmp_path / "models" / "emails.sql").write_text(DBT_MODEL)
    run = depmap("who-reads", "customers", "--path", str(tmp_path), "--format", "json")
    assert run.code == 0, run.err
    (reason,) = [s["reason"] for s in run.json()["skipped"]]
    assert reason.startswith("line 4: YAML not parsed: while parsing a flow sequence")


def test_jinja_errors_are_not_called_sql(depmap, tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nversion: '1'\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "emails.sql").write_text("{% if %}\n" + DBT_MODEL)
    (tmp_path / "models" / "names.sql").write_text(DBT_MODEL.replace("email", "name"))
    run = depmap("who-reads", "customers", "--path", str(tmp_path), "--format", "json")
    assert run.code == 0, run.err
    (reason,) = [s["reason"] for s in run.json()["skipped"]]
    assert reason.startswith("line 1: dbt Jinja not rendered: ")
