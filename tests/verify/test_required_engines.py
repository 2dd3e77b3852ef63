"""A verify test without its engine skips locally and fails under DEPMAP_REQUIRE_ENGINES=1 (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
A_TEST = "tests/verify/test_engines.py::test_a_second_postgres_connection_sees_the_first_ones_table"
# pytest in a child process that cannot import psycopg, as without the `verify` extra
WITHOUT_DRIVER = "import sys, pytest; sys.modules['psycopg'] = None; sys.exit(pytest.main(sys.argv[1:]))"
MISSING = 'the PostgreSQL driver psycopg is not installed: pip install "depmap-sql[verify]"'


def run_without_driver(**env: str) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if name != "DEPMAP_REQUIRE_ENGINES"}
    return subprocess.run([sys.executable, "-c", WITHOUT_DRIVER, "-p", "no:cacheprovider", "-rs", A_TEST],
                          capture_output=True, text=True, cwd=REPO, env={**environment, **env}, timeout=120)


def test_without_the_engine_the_test_skips_with_the_reason():
    done = run_without_driver()
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert [line.split(": ", 1)[1] for line in lines if line.startswith("SKIPPED [1] tests/verify/")] == [MISSING]
    assert lines[-1].startswith("1 skipped in ")


def test_when_engines_are_required_the_test_fails_instead():
    done = run_without_driver(DEPMAP_REQUIRE_ENGINES="1")
    assert done.returncode == 1, done.stdout
    assert f"{MISSING} (DEPMAP_REQUIRE_ENGINES=1: verify tests may not skip)" in done.stdout.splitlines()
    assert done.stdout.splitlines()[-1].startswith("1 error in ")
