"""Counts and verdicts judge production code; test-code findings are listed as "(+N in tests)".

A NOT NULL column breaks a fixture's INSERT as surely as a view's, but only the test suite fails.
The verdict, the counts, `--fail-on` and the check summary follow the production sites alone.
"""

from __future__ import annotations

from pathlib import Path

from tests.impact.helpers import write_files

PROJECT = {
    "pyproject.toml": "[tool.depmap]\ndialect = \"postgres\"\nserver_version = \"16\"\n",
    "migrations/0001_initial.sql": "CREATE TABLE invoices (id bigserial PRIMARY KEY, number text NOT NULL, total numeric);\n",
    "billing/store.py": '''
        def save(cur, number, total):
            cur.execute("INSERT INTO invoices (number, total) VALUES (%s, %s)", (number, total))
    ''',
    "tests/test_store.py": '''
        def test_totals(cur):
            cur.execute("INSERT INTO invoices (number, total) VALUES ('A-1', 10)")
            cur.execute("INSERT INTO invoices (number, total) VALUES ('A-2', 20)")
            cur.execute("SELECT * FROM invoices")
            assert cur.fetchall()
    ''',
}


def test_a_proposal_counts_production_sites_and_folds_test_sites(depmap, tmp_path: Path) -> None:
    root = write_files(tmp_path, PROJECT)
    run = depmap("impact", "invoices.currency", "--type", "text", "--not-null", "--no-cache", cwd=root)
    assert run.code == 0, run.err
    assert "Verdict: breaking (2 breaking; +3 in tests)" in run.out.splitlines()
    document = depmap("impact", "invoices.currency", "--type", "text", "--not-null", "--no-cache", "--format", "json", cwd=root).json()
    assert document["counts"] == {"error": 0, "breaking": 2, "warning": 0, "info": 0}
    assert document["findings_in_tests"] == 3
    assert sorted((f["path"], f["line"], f["rule"], f["severity"]) for f in document["findings"] if f["path"]) == [
        ("billing/store.py", 2, "not-null-without-default", "breaking"),
        ("tests/test_store.py", 2, "not-null-without-default", "warning"),
        ("tests/test_store.py", 3, "not-null-without-default", "warning"),
        ("tests/test_store.py", 4, "select-star", "warning"),
    ]


def test_a_column_only_tests_notice_is_safe_and_passes_the_gate(depmap, tmp_path: Path) -> None:
    root = write_files(tmp_path, {**PROJECT, "billing/store.py": "def save(cur):\n    cur.execute(\"SELECT number FROM invoices\")\n"})
    run = depmap("impact", "invoices.currency", "--type", "text", "--no-cache", "--fail-on", "warning", cwd=root)
    assert run.code == 0, run.out
    assert "Verdict: safe (no findings; +1 in tests)" in run.out.splitlines()


def test_a_project_may_judge_its_test_code_too(depmap, tmp_path: Path) -> None:
    files = {**PROJECT, "pyproject.toml": PROJECT["pyproject.toml"] + "judge-test-code = true\n",
             "billing/store.py": "def save(cur):\n    cur.execute(\"SELECT number FROM invoices\")\n"}
    root = write_files(tmp_path, files)
    run = depmap("impact", "invoices.currency", "--type", "text", "--no-cache", "--fail-on", "warning", cwd=root)
    assert run.code == 1
    assert "Verdict: needs care (1 warning)" in run.out.splitlines()
