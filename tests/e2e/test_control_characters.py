"""File names holding control characters: escaped on the terminal, exact in JSON.

A newline would fake an output line and ESC (or its C1 form, U+009B) starts a terminal escape
sequence; a bidi override reorders what is shown. Text output shows each as `\\n`, `\\x1b`, `\\u202e`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

READER = "app/evil\n\x1b[31mred.py"
WRITER = "app/c1\x9b2J\u202etxt.py"
PYTHON_2 = "app/old\x07.py"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.sql").write_text("CREATE TABLE orders (id int PRIMARY KEY, status text);\n")
    (tmp_path / READER).write_text('def load(cur):\n    cur.execute("SELECT id, status FROM orders")\n')
    (tmp_path / WRITER).write_text('def save(cur):\n    cur.execute("INSERT INTO orders (id, status) VALUES (1, %s)", ("x",))\n')
    (tmp_path / PYTHON_2).write_text('import db\n\nprint "x"\ndb.execute("SELECT id FROM orders")\n')
    return tmp_path


def test_usages_and_skipped_files_print_escaped(depmap, project):
    run = depmap("who-reads", "orders", "--path", str(project))
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines() == [
        "Code that reads orders: 1 usage in 1 file",
        "",
        "app/evil\\n\\x1b[31mred.py",
        "2  read select  load  orders(id, status)  SELECT id, status FROM orders",
        "",
        "Not analysed (1):",
        "  app/old\\x07.py: Python syntax error at line 3, column 1: Missing parentheses in call to 'print'. "
        "Did you mean print(...)? (Python 2 syntax? depmap reads Python 3 only)",
        "",
        "1 more line mentions orders without a classified usage (1 not-analysed); --mentions lists them",
    ]


def test_mentions_print_escaped(depmap, project):
    run = depmap("who-reads", "orders", "--path", str(project), "--mentions")
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    start = lines.index("Lines that mention orders without a classified usage: 1 (searched for orders)")
    assert [line.rstrip() for line in lines[start + 1 :]] == [
        "",
        "app/old\\x07.py  (not analysed: Python syntax error at line 3, column 1: Missing parentheses in call to 'print'. "
        "Did you mean print(...)? (Python 2 syntax? depmap reads Python 3 only))",
        '4  not-analysed  db.execute("SELECT id FROM orders")',
        "",
        "not-analysed: file or statement not analysed",
    ]
    assert not any(char in run.out for char in "\x1b\x9b\x07\u202e")


def test_json_keeps_the_exact_names(depmap, project):
    document = depmap("who-writes", "orders", "--path", str(project), "--format", "json").json()
    assert [(u["path"], u["symbol"]) for u in document["usages"]] == [(WRITER, "app.c1\x9b2J\u202etxt.save")]
    assert [s["path"] for s in document["skipped"]] == [PYTHON_2]


def test_impact_text_escapes_sites_messages_and_plan(depmap, project):
    run = depmap("impact", "orders.note", "--type", "text", "--not-null", "--path", str(project))
    assert run.code == 0
    lines = run.out.splitlines()
    at = lines.index("  app/c1\\x9b2J\\u202etxt.py:2  [not-null-without-default]")
    assert lines[at:at + 2] == [
        "  app/c1\\x9b2J\\u202etxt.py:2  [not-null-without-default]",
        "    INSERT into orders at app/c1\\x9b2J\\u202etxt.py:2 lists no note; once the column is NOT NULL without a default it "
        'fails with: null value in column "note" of relation "orders" violates not-null constraint.',
    ]
    assert "   - app/c1\\x9b2J\\u202etxt.py:2  app.c1\\x9b2J\\u202etxt.save" in lines
    assert not any(char in run.out for char in "\x1b\x9b\x07\u202e")


def test_a_control_character_in_an_argument_is_escaped_in_the_error(depmap, tmp_path):
    run = depmap("who-reads", "orders", "--path", str(tmp_path / "no\x1b]0;owned\x07"))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"depmap: path '{tmp_path}/no\\x1b]0;owned\\x07' does not exist; pass the folder of the project to scan\n"
