"""`depmap verify --drop | --rename | --set-type` and a migration's MODIFY on MariaDB: the change as
written (algorithm, rebuild, lock queue), the code's statements after it, the plan, and the column
put back exactly as it was between the runs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from depmap.impact.spec import DROP, RENAME, SET_TYPE, ColumnSpec
from depmap.verify.mysql_column_change import SAVED, prepare
from depmap.verify.mysql_measure import measure_mysql
from tests.schemas.validation import problems
from tests.verify.test_mysql_cli import FIXTURE, run

VIEW = "CREATE VIEW order_statuses AS SELECT id, status FROM orders;\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(FIXTURE, tmp_path / "mysql_shop"))
    (root / "migrations" / "0002_order_statuses.sql").write_text(VIEW, encoding="utf-8")
    return root


def verify(root: Path, *args: str) -> dict:
    done = run(*args, "--rows", "2000", "--format", "json", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    assert problems("verify", document) == []
    return document


def verdicts(document: dict) -> list[tuple]:
    return [(v["rule"], v["path"], v["line"], v["status"], v["observed"]) for v in document["verdicts"]]


def proposal(document: dict) -> tuple:
    p = document["proposal"]
    return p["statement"], p["error"], p.get("algorithm"), p["rewrote"]


def plan(document: dict) -> list[tuple]:
    return [(step["step"], m["statement"], m["error"], m.get("algorithm")) for step in document["plan"] for m in step["statements"]]


def _ms(text: str) -> str:
    return re.sub(r"[\d.,]+ ms", "N ms", text)


def test_a_drop_is_instant_its_view_fails_and_the_codes_statements_fail_at_their_lines(mariadb, project) -> None:
    document = verify(project, "orders.status", "--drop")
    assert proposal(document) == ("ALTER TABLE orders DROP COLUMN status", None, "INSTANT", False)
    assert [(rule, path, line, status, _ms(observed)) for rule, path, line, status, observed in verdicts(document)] == [
        ("column-has-dependents", "migrations/0002_order_statuses.sql", 1, "confirmed",
         "the DROP COLUMN succeeded (changed the catalog only in N ms) and the view order_statuses then failed: View "
         "'depmap.order_statuses' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack "
         "rights to use them"),
        ("dropped-column-in-use", "shop/orders.py", 7, "confirmed",
         "after the change: Column count doesn't match value count at row 1"),
        ("dropped-column-in-use", "shop/orders.py", 15, "confirmed", "after the change: Unknown column 'status' in 'INSERT INTO'"),
        ("dropped-column-in-use", "shop/orders.py", 22, "confirmed",
         "after the change it runs, but returns the columns (id, customer_id, total_cents, note, is_gift, placed_at) instead "
         "of (id, customer_id, status, total_cents, note, is_gift, placed_at)"),
    ]
    plain, bounded = document["lock_queue"]  # even an INSTANT drop waits for the table's metadata lock
    assert plain["alter_error"] is None and plain["select_waited_ms"] >= 0.8 * plain["held_ms"]
    assert (bounded["lock_timeout_ms"], bounded["alter_error"]) == (1000, "Lock wait timeout exceeded; try restarting transaction")
    # the column was back for the plan, whose DROP VIEW comes first
    assert plan(document) == [(3, "SET SESSION lock_wait_timeout = 5", None, None), (3, "DROP VIEW order_statuses", None, None),
                              (3, "ALTER TABLE orders DROP COLUMN status", None, "INSTANT")]


def test_a_rename_is_instant_and_breaks_the_insert_naming_the_old_column(mariadb, project) -> None:
    document = verify(project, "orders.status", "--rename", "state")
    assert proposal(document) == ("ALTER TABLE orders RENAME COLUMN status TO state", None, "INSTANT", False)
    found = {(rule, line): (status, observed) for rule, path, line, status, observed in verdicts(document)}
    assert found[("renamed-column-in-use", 15)] == ("confirmed", "after the change: Unknown column 'status' in 'INSERT INTO'")
    assert [(s["line"], s["status"]) for s in document["statements"]] == [
        (7, "unaffected"), (15, "fails after the change"), (22, "changes after the change")]


def test_int_to_smallint_copies_the_table_and_the_writers_overflow(mariadb, project) -> None:
    document = verify(project, "orders.total_cents", "--set-type", "smallint")
    # MODIFY restates the column: its NOT NULL and DEFAULT stay
    assert proposal(document) == ("ALTER TABLE orders MODIFY COLUMN total_cents SMALLINT NOT NULL DEFAULT 0", None, "COPY", True)
    assert [(rule, line, status, _ms(observed)) for rule, _, line, status, observed in verdicts(document)] == [
        ("column-type-rewrite", None, "confirmed", "rewrote the table in N ms"),
        ("type-change-breaks", None, "not reproduced", "every row fit the new type: the ALTER ran (rewrote the table in N ms)"),
        # a total that fits INT and not SMALLINT, as today's writers may send: strict mode refuses it
        ("type-change-breaks", 7, "confirmed", "after the change: Out of range value for column 'total_cents' at row 1"),
        ("type-change-breaks", 15, "confirmed", "after the change: Out of range value for column 'total_cents' at row 1"),
    ]
    assert plan(document)[-1] == (2, "ALTER TABLE orders MODIFY total_cents SMALLINT NOT NULL DEFAULT 0", None, "COPY")


def test_a_varchar_extended_within_its_prefix_is_instant_and_a_narrowing_fails_on_the_rows(mariadb, project) -> None:
    widened = verify(project, "customers.email", "--set-type", "varchar(255)")
    assert proposal(widened) == ("ALTER TABLE customers MODIFY COLUMN email VARCHAR(255) NOT NULL", None, "INSTANT", False)
    assert widened["verdicts"] == []  # the static model said no rewrite, so nothing to confirm
    narrowed = verify(project, "customers.full_name", "--set-type", "varchar(5)")
    assert proposal(narrowed) == ("ALTER TABLE customers MODIFY COLUMN full_name VARCHAR(5) NOT NULL",
                                  "Data too long for column 'full_name' at row 1", None, None)
    assert [(rule, status, observed) for rule, _, _, status, observed in verdicts(narrowed)] == [
        ("column-type-rewrite", "not testable here", "the ALTER failed: Data too long for column 'full_name' at row 1"),
        ("type-change-breaks", "confirmed", "the ALTER failed on the rows: Data too long for column 'full_name' at row 1"),
    ]


def test_a_migrations_modify_is_verified_as_a_type_change(mariadb, project) -> None:
    (project / "migrations" / "0003_bigger_totals.sql").write_text(
        "ALTER TABLE orders MODIFY COLUMN total_cents BIGINT NOT NULL DEFAULT 0;\n", encoding="utf-8")
    done = run("--migration", "migrations/0003_bigger_totals.sql", "--rows", "2000", "--format", "json", cwd=project)
    assert done.returncode in (0, 1), done.stderr
    [document] = json.loads(done.stdout)["columns"]
    assert document["target"] == "orders.total_cents"
    assert proposal(document) == ("ALTER TABLE orders MODIFY COLUMN total_cents BIGINT NOT NULL DEFAULT 0", None, "COPY", True)
    assert [(rule, path, line, status) for rule, path, line, status, _ in verdicts(document)] == [
        ("column-type-rewrite", "migrations/0003_bigger_totals.sql", 1, "confirmed"),
    ]


TABLE = """CREATE TABLE accounts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(120) NOT NULL,
  country CHAR(2) NOT NULL DEFAULT 'FR',
  plan VARCHAR(20) CHARACTER SET latin1 NOT NULL DEFAULT 'free',
  seats INT NOT NULL DEFAULT 1,
  KEY accounts_country_plan (country, plan),
  KEY accounts_plan (plan)
)"""


def _state(conn) -> tuple:
    ddl = conn.execute("SHOW CREATE TABLE accounts").fetchone()[1]
    rows = conn.execute("SELECT id, email, country, plan, seats FROM accounts ORDER BY id").fetchall()
    return ddl, rows


@pytest.mark.parametrize(("change", "column", "new_name", "new_type", "written"), [
    (DROP, "plan", None, None, "ALTER TABLE accounts DROP COLUMN plan"),
    (RENAME, "plan", "tier", None, "ALTER TABLE accounts RENAME COLUMN plan TO tier"),
    (SET_TYPE, "plan", None, "VARCHAR(40)", "ALTER TABLE accounts MODIFY COLUMN plan VARCHAR(40) NOT NULL DEFAULT 'free'"),
])
def test_each_change_is_put_back_exactly(mysql_database, change, column, new_name, new_type, written) -> None:
    with mysql_database.connect(autocommit=True) as conn:
        conn.execute(TABLE)
        conn.execute("INSERT INTO accounts (email, country, plan, seats) SELECT CONCAT('a', seq, '@example.com'), "
                     "IF(seq % 2, 'FR', 'DE'), IF(seq % 3, 'free', 'pro'), seq FROM seq_1_to_500")
        before = _state(conn)
    spec = ColumnSpec("accounts", column, new_type, True, change=change, new_name=new_name)
    prepared = prepare(mysql_database, spec, "id", new_type)
    assert prepared.written == written
    for _ in range(2):  # the change runs several times in a verify run: each is undone
        [measured] = measure_mysql(mysql_database, [prepared.written], "accounts")
        assert measured.error is None
        with mysql_database.connect(autocommit=True) as conn:
            for statement in prepared.restore:
                conn.execute(statement)
            assert _state(conn) == before  # the definition, its place, both indexes, every value
    prepared.clean_up(mysql_database)
    with mysql_database.connect(autocommit=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                            "AND table_name = %s", (SAVED,)).fetchone()[0] == 0
