"""`depmap verify` end to end: the command starts its own engine, builds the schema from the
catalog, loads rows, runs the proposal, the code's statements and the plan, and says which static
findings the database confirmed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.conftest import SAMPLE, depmap_command
from tests.schemas.validation import problems
from tests.impact.helpers import write_files


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*depmap_command(), "verify", *args, "--no-cache", "-q"], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_the_shop_proposal_is_confirmed_on_postgres(postgres) -> None:  # postgres: skip or fail without an engine
    done = run("orders.discount_code", "--type", "text", "--not-null", "--rows", "20000", "--format", "json", cwd=SAMPLE)
    assert done.returncode == 1, done.stderr  # breaking findings, confirmed
    document = json.loads(done.stdout)
    assert problems("verify", document) == []  # the JSON contract (depmap/schemas/verify.schema.json)
    assert document["engine"].startswith("PostgreSQL ")
    assert document["rows"]["orders"] == 20000
    assert document["schema"]["rejected"] == []
    assert document["proposal"]["error"] == 'column "discount_code" of relation "orders" contains null values'
    assert [(v["rule"], v["path"], v["line"], v["status"]) for v in document["verdicts"]] == [
        ("not-null-without-default", None, None, "confirmed"),
        ("not-null-without-default", "shop/repositories/orders.py", 52, "confirmed"),
        ("select-star", "shop/repositories/orders.py", 81, "confirmed"),
        ("select-star", "shop/reports/sales.py", 98, "confirmed"),
        ("unparsed-sql", "shop/broken_sql.py", 12, "not testable here"),
        ("view-star-frozen", "migrations/0005_inventory_cleanup.sql", 8, "not testable here"),
    ]
    failing = {(s["path"], s["line"]): (s["status"], s["after"] or s["before"]) for s in document["statements"]
               if s["status"] != "unaffected"}
    assert failing[("shop/repositories/orders.py", 51)] == (
        "fails after the change", 'null value in column "discount_code" of relation "orders" violates not-null constraint')
    assert failing[("shop/repositories/orders.py", 81)] == ("fails after the change", "cached plan must not change result type")
    assert failing[("shop/reports/sales.py", 98)] == ("fails after the change", "cached plan must not change result type")
    assert failing[("shop/repositories/orders.py", 102)][0] == "not testable here"  # built at run time
    # the plan, run for real: the column added in the catalog only, every row filled, NOT NULL proven without a scan
    steps = {step["title"]: step for step in document["plan"]}
    expand = steps["Expand: add the column"]["statements"]
    assert [(s["rewrote"], s["error"]) for s in expand] == [(False, None), (False, None)]
    assert steps["Backfill existing rows in batches"]["batches"]["rows"] == 20000
    constrain = {s["statement"]: s for s in steps["Constrain: enforce NOT NULL and constraints"]["statements"]}
    validate = constrain["ALTER TABLE orders VALIDATE CONSTRAINT orders_discount_code_not_null"]
    assert validate["rows_read"] == 20000 and [lock["mode"] for lock in validate["locks"] if lock["relation"] == "orders"] == [
        "ShareUpdateExclusiveLock"]
    set_not_null = constrain["ALTER TABLE orders ALTER COLUMN discount_code SET NOT NULL"]
    assert (set_not_null["error"], set_not_null["rows_read"], set_not_null["rewrote"]) == (None, 0, False)


def test_a_volatile_default_rewrites_and_the_lock_queue_is_measured(postgres) -> None:
    done = run("orders.touched_at", "--type", "timestamptz", "--default", "clock_timestamp()", "--rows", "20000",
               "--format", "json", cwd=SAMPLE)
    document = json.loads(done.stdout)
    assert problems("verify", document) == []  # the JSON contract (depmap/schemas/verify.schema.json)
    assert document["proposal"]["rewrote"] is True
    rewrite = next(v for v in document["verdicts"] if v["rule"] == "table-rewrite")
    assert rewrite["status"] == "confirmed" and rewrite["observed"].startswith("rewrote the table in ")
    plain, bounded = document["lock_queue"]
    assert plain["alter_error"] is None and plain["select_waited_ms"] >= plain["held_ms"] * 0.8
    assert bounded["alter_error"] == "canceling statement due to lock timeout"
    assert bounded["select_waited_ms"] < plain["select_waited_ms"]


NOTES = {
    "pyproject.toml": "[tool.depmap]\ndialect = \"sqlite\"\n",
    "migrations/0001_initial.sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT);\n",
    "notes/store.py": '''
        import sqlite3


        def add(db: sqlite3.Connection, note_id: int, title: str, body: str) -> None:
            db.execute("INSERT INTO notes VALUES (?, ?, ?)", (note_id, title, body))


        def add_titled(db: sqlite3.Connection, title: str) -> None:
            db.execute("INSERT INTO notes (title) VALUES (?)", (title,))


        def titles(db: sqlite3.Connection) -> list[str]:
            return [row[0] for row in db.execute("SELECT title FROM notes ORDER BY id")]
    ''',
}


def test_the_positional_insert_fails_on_sqlite(sqlite_db, tmp_path: Path) -> None:  # sqlite_db: the engine is there
    root = write_files(tmp_path, NOTES)
    done = run("notes.pinned", "--type", "boolean", "--rows", "5000", "--format", "json", cwd=root)
    document = json.loads(done.stdout)
    assert problems("verify", document) == []  # the JSON contract (depmap/schemas/verify.schema.json)
    assert document["engine"].startswith("SQLite ")
    statuses = {(s["path"], s["line"]): (s["status"], s["after"]) for s in document["statements"]}
    assert statuses == {
        ("notes/store.py", 5): ("fails after the change", "table notes has 4 columns but 3 values were supplied"),
        ("notes/store.py", 9): ("unaffected", None),
        ("notes/store.py", 13): ("unaffected", None),
    }
    positional = next(v for v in document["verdicts"] if v["rule"] == "positional-insert")
    assert (positional["path"], positional["line"], positional["status"]) == ("notes/store.py", 5, "confirmed")


STATISTICS = """table_name,row_count,column_name,null_frac,n_distinct
orders,3000,shipped_at,0.25,-0.75
customers,400,,,
"""


def test_a_schema_dump_and_production_statistics_drive_the_run(postgres, tmp_path: Path) -> None:
    stats = tmp_path / "depmap-stats.csv"
    stats.write_text(STATISTICS, encoding="utf-8")
    dump = Path(__file__).parent / "fixtures" / "pg_dump_shop.sql"
    done = run("orders.gift_note", "--type", "text", "--schema-sql", str(dump), "--statistics", str(stats),
               "--format", "json", cwd=SAMPLE)
    document = json.loads(done.stdout)
    assert problems("verify", document) == []  # the JSON contract (depmap/schemas/verify.schema.json)
    assert document["schema"]["notes"][0] == f"schema from {dump}"
    assert document["schema"]["rejected"] == []
    assert (document["rows"]["orders"], document["rows"]["customers"]) == (3000, 400)
    assert document["proposal"]["error"] is None and document["proposal"]["rewrote"] is False


def test_a_statistics_file_that_is_not_one_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "stats.csv"
    bad.write_text("name,count\norders,3\n", encoding="utf-8")
    done = run("orders.gift_note", "--type", "text", "--statistics", str(bad), cwd=SAMPLE)
    assert done.returncode == 2 and done.stderr.startswith("depmap: ") and "table_name" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_rewrite_scaled_to_production_size_holds_the_lock_too_long(postgres, tmp_path: Path) -> None:
    stats = tmp_path / "depmap-stats.csv"
    stats.write_text("table_name,row_count,column_name,null_frac,n_distinct\norders,40000000,,,\n", encoding="utf-8")
    done = run("orders.touched_at", "--type", "timestamptz", "--default", "clock_timestamp()", "--rows", "20000",
               "--statistics", str(stats), "--format", "json", cwd=SAMPLE)
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert problems("verify", document) == []  # the JSON contract (depmap/schemas/verify.schema.json)
    proposal = document["proposal"]
    assert proposal["production_rows"] == 40000000
    assert abs(proposal["production_seconds"] / 2000 - proposal["seconds"]) < 0.0001  # linear in the rows
    [lock] = [f for f in document["findings"] if f["rule"] == "verify-lock"]
    assert lock["severity"] == "breaking" and "at the production row count" in lock["message"]


GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]


def test_the_columns_a_branch_adds_are_verified_on_the_schema_before_it(postgres, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "shop"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".depmap"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "shop"], ["checkout", "-qb", "tier"]):
        subprocess.run([*GIT, *args], cwd=root, check=True, env=env)
    (root / "migrations" / "0006_gift_and_tier.sql").write_text(
        "ALTER TABLE orders ADD COLUMN gift_note text;\nALTER TABLE customers ADD COLUMN tier text NOT NULL DEFAULT 'basic';\n",
        encoding="utf-8")
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run([*GIT, "commit", "-qm", "tier"], cwd=root, check=True, env=env)
    done = run("--diff", "main", "--rows", "3000", "--format", "json", cwd=root)
    document = json.loads(done.stdout)
    assert problems("verify", document) == []
    assert (document["migrations"], document["problems"]) == (["migrations/0006_gift_and_tier.sql"], [])
    gift, tier = document["columns"]
    assert (gift["target"], tier["target"]) == ("orders.gift_note", "customers.tier")
    # each starts from the schema before the branch: the column is added, not found there already
    assert gift["proposal"]["error"] is None and gift["proposal"]["statement"] == "ALTER TABLE orders ADD COLUMN gift_note text"
    assert tier["proposal"]["error"] is None and tier["rows"]["customers"] == 3000
    [timeout] = [v for v in tier["verdicts"] if v["rule"] == "lock-timeout"]
    assert (timeout["path"], timeout["line"], timeout["status"]) == ("migrations/0006_gift_and_tier.sql", 2, "confirmed")


def test_a_target_and_a_migration_are_one_too_many() -> None:
    done = run("orders.note", "--type", "text", "--migration", "migrations/0001_initial.sql", cwd=SAMPLE)
    assert (done.returncode, done.stderr) == (2, "depmap: give TABLE.COLUMN, or --migration FILE / --diff BASE_REF, not both\n")


def test_the_markdown_comment_says_what_the_engine_confirmed(postgres) -> None:
    done = run("orders.discount_code", "--type", "text", "--not-null", "--rows", "3000", "--format", "markdown", cwd=SAMPLE)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("#### `orders.discount_code` on PostgreSQL ") and lines[0].endswith(", 3,000 rows")
    assert ("- The proposal as written: `ALTER TABLE orders ADD COLUMN discount_code TEXT NOT NULL`: failed: column "
            '"discount_code" of relation "orders" contains null values') in lines
    assert ("| confirmed | `select-star` | `shop/repositories/orders.py:81` | after the change: cached plan must not "
            "change result type |") in lines
    assert "<details><summary>The rollout plan, run</summary>" in lines


def test_a_migrations_index_and_not_null_operations_are_run_and_confirmed(postgres) -> None:
    done = run("--migration", "migrations/0003_order_status_index.sql", "--rows", "5000", "--format", "json", cwd=SAMPLE)
    document = json.loads(done.stdout)
    assert problems("verify", document) == []
    assert [c["target"] for c in document["columns"]] == [
        "index orders_status_idx on orders (status)",
        "index orders_customer_placed_idx on orders (customer_id, placed_at)",
        "index payments_order_id_idx on payments (order_id)",
        "orders.placed_at SET NOT NULL",
    ]
    verdicts = [(v["rule"], v["line"], v["status"]) for c in document["columns"] for v in c["verdicts"]]
    assert verdicts == [
        ("blocking-index", 4, "confirmed"), ("lock-timeout", 4, "confirmed"),
        ("blocking-index", 5, "confirmed"), ("blocking-index", 6, "confirmed"), ("not-null-scan", 11, "confirmed"),
    ]
    index = document["columns"][0]
    assert [lock["mode"] for lock in index["proposal"]["locks"] if lock["relation"] == "orders"] == ["ShareLock"]
    # CREATE INDEX waits for writers and blocks writes: the queue is measured with writes
    assert [run["probe"] for run in index["lock_queue"]] == ["write", "write"]
    not_null = document["columns"][3]["proposal"]
    assert not_null["rows_read"] == 5000 and not_null["statement"] == "ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL"


CONTACTS = {
    "pyproject.toml": "[tool.depmap]\ndialect = \"postgres\"\n",
    "migrations/0001_initial.sql": """
        CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL);
        CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total numeric);
    """,
    "shop/mailing.py": '''
        def order_emails(cur, minimum):
            cur.execute(
                "SELECT email, total FROM customers JOIN orders ON orders.customer_id = customers.id WHERE total > %s",
                (minimum,),
            )
            return cur.fetchall()
    ''',
}


def test_an_unqualified_column_that_becomes_ambiguous_is_confirmed(postgres, tmp_path: Path) -> None:
    root = write_files(tmp_path, CONTACTS)
    done = run("orders.email", "--type", "text", "--rows", "2000", "--format", "json", cwd=root)
    document = json.loads(done.stdout)
    [check] = document["statements"]
    assert (check["path"], check["line"], check["status"], check["after"]) == (
        "shop/mailing.py", 3, "fails after the change", 'column reference "email" is ambiguous')
    ambiguous = next(v for v in document["verdicts"] if v["rule"] == "ambiguous-column")
    assert (ambiguous["path"], ambiguous["status"]) == ("shop/mailing.py", "confirmed")
