"""`depmap verify` end to end on a MySQL-dialect project: it starts its own MariaDB, builds the
schema from the catalog, loads rows, runs the proposal, the code's statements and the plan."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import depmap_command
from tests.schemas.validation import problems

FIXTURE = Path(__file__).parent / "fixtures" / "mysql_shop"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "mysql_shop"))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*depmap_command(), "verify", *args, "--no-cache", "-q"], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_a_new_column_on_the_mysql_project_is_verified_on_mariadb(mariadb, project) -> None:  # mariadb: skip or fail
    done = run("orders.gift_message", "--type", "text", "--rows", "2000", "--format", "json", cwd=project)
    assert done.returncode == 1, done.stderr  # the positional INSERT is breaking, and confirmed
    document = json.loads(done.stdout)
    assert problems("verify", document) == []  # the JSON contract (depmap/schemas/verify.schema.json)
    assert document["engine"] == mariadb.label()
    assert (document["rows"], document["schema"]["statements"], document["schema"]["rejected"]) == (
        {"customers": 200, "orders": 2000}, 3, [])
    proposal = document["proposal"]
    assert (proposal["statement"], proposal["error"], proposal["algorithm"], proposal["rewrote"], proposal["rows_read"]) == (
        "ALTER TABLE orders ADD COLUMN gift_message TEXT", None, "INSTANT", False, 0)
    assert [(v["rule"], v["path"], v["line"], v["status"], v["observed"]) for v in document["verdicts"]] == [
        ("positional-insert", "shop/orders.py", 7, "confirmed",
         "after the change: Column count doesn't match value count at row 1"),
        # MariaDB re-prepares the SELECT * silently: no error, but its result has one column more
        ("select-star", "shop/orders.py", 22, "confirmed", "after the change it runs, but returns 8 columns instead of 7 "
         "(adds gift_message at the end, so code that unpacks by position gets one value more)"),
    ]
    assert [(s["line"], s["status"]) for s in document["statements"]] == [
        (7, "fails after the change"), (15, "unaffected"), (22, "changes after the change")]
    plain, bounded = document["lock_queue"]
    assert plain["alter_error"] is None and plain["select_waited_ms"] >= 0.8 * plain["held_ms"]
    assert (bounded["lock_timeout_ms"], bounded["alter_error"]) == (1000, "Lock wait timeout exceeded; try restarting transaction")
    [expand] = document["plan"]
    assert [(s["statement"], s["error"], s.get("algorithm"), s["rewrote"]) for s in expand["statements"]] == [
        ("SET SESSION lock_wait_timeout = 5", None, None, None),
        ("ALTER TABLE orders ADD COLUMN gift_message TEXT", None, "INSTANT", False),
    ]


def test_a_uuid_default_copies_the_table_and_the_text_report_says_so(mariadb, project) -> None:
    done = run("orders.tracking_id", "--type", "char(36)", "--default", "(UUID())", "--rows", "2000", cwd=project)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Verify orders.tracking_id on {mariadb.label()} (a throwaway database)"
    assert lines[4:6] == ["The proposal as written (undone):", "  ALTER TABLE orders ADD COLUMN tracking_id CHAR(36) DEFAULT (UUID())"]
    assert ", ALGORITHM=COPY, rewrote the table" in lines[6]
    assert "  with lock_wait_timeout 1000 ms: the statement gave up, a plain SELECT waited" in "\n".join(lines)
    rewrite = next(line for line in lines if "[table-rewrite]" in line)
    assert rewrite.startswith("  confirmed          [table-rewrite] (the new migration): rewrote the table in ")


def test_a_mysql_dsn_with_tables_is_refused_in_one_line(mysql_database, project) -> None:
    with mysql_database.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)")
    done = run("orders.gift_message", "--type", "text", "--dsn", mysql_database.dsn, cwd=project)
    name = mysql_database.dsn.split("/")[3].split("?")[0]
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"depmap: database {name} on {mysql_database.dsn.split('unix_socket=')[1]} already has 1 table "
                           "(orders): verify creates and drops tables there, so give it an empty, disposable database, "
                           "or --i-own-this-database to use this one anyway\n")


def test_each_column_a_migration_adds_is_verified_on_a_fresh_schema(mariadb, project) -> None:
    (project / "migrations" / "0002_gifts.sql").write_text(
        "ALTER TABLE orders ADD COLUMN gift_message VARCHAR(200) NOT NULL;\n"
        "ALTER TABLE customers ADD COLUMN referral_code VARCHAR(20) UNIQUE;\n", encoding="utf-8")
    done = run("--migration", "migrations/0002_gifts.sql", "--rows", "3000", "--format", "json", cwd=project)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    measured = [(c["target"], c["rows"], c["proposal"]["algorithm"], c["proposal"]["rewrote"]) for c in document["columns"]]
    assert measured == [  # the second column's tables were built again, after the first's were dropped
        ("orders.gift_message", {"customers": 300, "orders": 3000}, "INSTANT", False),
        ("customers.referral_code", {"customers": 3000, "orders": 300}, "INPLACE", True),
    ]
    verdicts = [(v["rule"], v["line"], v["status"]) for c in document["columns"] for v in c["verdicts"]
                if v["path"] == "migrations/0002_gifts.sql" or v["rule"] == "not-null-without-default"]
    assert verdicts == [("not-null-without-default", 15, "confirmed"), ("lock-timeout", 1, "confirmed"),
                        ("table-rewrite", 2, "confirmed"), ("lock-timeout", 2, "confirmed")]
