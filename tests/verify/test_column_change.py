"""`depmap verify TABLE.COLUMN --drop | --rename NEW | --set-type T`, and the drops and renames a
migration makes, on real engines: the change as written, the code's statements after it, the plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.e2e.conftest import REPO
from tests.impact.helpers import write_files
from tests.schemas.validation import problems
from tests.verify.test_verify_cli import run

SHOP = REPO / "samples" / "shop_sql"


def verify(root: Path, *args: str) -> dict:
    done = run(*args, "--rows", "3000", "--format", "json", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    assert problems("verify", document) == []
    return document


def verdicts(document: dict) -> list[tuple]:
    return [(v["rule"], v["path"], v["line"], v["status"]) for v in document["verdicts"]]


def failing(document: dict) -> dict[tuple[str, int], tuple[str, str | None]]:
    return {(s["path"], s["line"]): (s["status"], s["after"]) for s in document["statements"] if s["status"] != "unaffected"}


def ran(document: dict) -> list[tuple[int, str, str | None]]:
    return [(step["step"], m["statement"], m["error"]) for step in document["plan"] for m in step["statements"]]


BILLING = {
    "pyproject.toml": '[tool.depmap]\ndialect = "postgres"\n',
    "migrations/0001_accounts.sql": """\
        CREATE TABLE accounts (
            id           bigserial PRIMARY KEY,
            email        varchar(120) NOT NULL,
            country      varchar(40) NOT NULL,
            plan         text NOT NULL DEFAULT 'free',
            seats        integer NOT NULL DEFAULT 1,
            legacy_ref   text
        );
    """,
    "billing/accounts.py": '''\
        """Accounts of the billing service."""

        FIND = "SELECT id, email, country, seats FROM accounts WHERE email = %s"


        def find(cur, email):
            cur.execute(FIND, (email,))
            return cur.fetchone()


        def open_account(cur, email, country):
            cur.execute(
                "INSERT INTO accounts (email, country) VALUES (%s, %s) RETURNING id",
                (email, country),
            )
            return cur.fetchone()[0]


        def add_seats(cur, account_id, seats):
            cur.execute("UPDATE accounts SET seats = seats + %s WHERE id = %s", (seats, account_id))
    ''',
}


def test_a_used_column_dropped_fails_at_its_sites_and_its_view_blocks_the_drop(postgres) -> None:
    document = verify(SHOP, "orders.currency", "--drop")
    assert document["proposal"]["statement"] == "ALTER TABLE orders DROP COLUMN currency"
    assert document["proposal"]["error"] == "cannot drop column currency of table orders because other objects depend on it"
    assert verdicts(document) == [
        ("column-has-dependents", "migrations/0005_inventory_cleanup.sql", 8, "confirmed"),  # CREATE VIEW order_totals AS SELECT o.*
        ("dropped-column-in-use", "shop/reports/queries/monthly_revenue.sql", 10, "confirmed"),
        ("dropped-column-in-use", "shop/repositories/orders.py", 52, "confirmed"),
        ("dropped-column-in-use", "shop/repositories/orders.py", 81, "confirmed"),
        ("dropped-column-in-use", "shop/repositories/orders.py", 128, "not testable here"),  # built at run time
        ("dropped-column-in-use", "shop/reports/sales.py", 98, "confirmed"),
    ]
    assert failing(document) == {
        ("shop/reports/queries/monthly_revenue.sql", 5): ("fails after the change", "column o.currency does not exist"),
        ("shop/reports/sales.py", 98): ("fails after the change", "cached plan must not change result type"),
        ("shop/repositories/orders.py", 51): ("fails after the change", 'column "currency" of relation "orders" does not exist'),
        ("shop/repositories/orders.py", 81): ("fails after the change", "cached plan must not change result type"),
        ("shop/repositories/orders.py", 102): ("not testable here", None),
        ("shop/repositories/orders.py", 126): ("not testable here", None),
    }
    # the plan drops the view first, and then the DROP COLUMN goes through
    assert ran(document) == [(3, "SET lock_timeout = '5s'", None), (3, "DROP VIEW order_totals", None),
                             (3, "ALTER TABLE orders DROP COLUMN currency", None)]
    dropped = document["plan"][0]["statements"][2]
    assert dropped["rewrote"] is False and {"relation": "orders", "mode": "AccessExclusiveLock"} in dropped["locks"]


def test_on_sqlite_a_star_view_does_not_block_the_drop_and_the_insert_fails(sqlite_db) -> None:
    document = verify(SHOP, "orders.currency", "--drop", "--engine", "sqlite")
    assert document["proposal"]["error"] is None
    found = {(v["rule"], v["path"], v["line"]): (v["status"], v["observed"]) for v in document["verdicts"]}
    status, observed = found[("column-has-dependents", "migrations/0005_inventory_cleanup.sql", 8)]
    assert status == "confirmed" and re.fullmatch(r"the DROP COLUMN succeeded \(in [\d.,]+ ms\)", observed)
    assert found[("dropped-column-in-use", "shop/repositories/orders.py", 52)] == (
        "confirmed", "after the change: table orders has no column named currency")
    assert found[("dropped-column-in-use", "shop/repositories/orders.py", 81)] == (
        "confirmed", "after the change it runs, but returns the columns (id, customer_id, status, total_cents, placed_at, "
                     "created_at, updated_at, paid_at) instead of (id, customer_id, status, total_cents, currency, placed_at, "
                     "created_at, updated_at, paid_at)")


def test_on_sqlite_an_indexed_column_is_refused_by_the_index_it_names(sqlite_db) -> None:
    document = verify(SHOP, "orders.placed_at", "--drop", "--engine", "sqlite")
    refused = "error in index orders_customer_placed_idx after drop column: no such column: placed_at"
    assert document["proposal"]["error"] == refused
    found = {(v["rule"], v["path"], v["line"]): (v["status"], v["observed"]) for v in document["verdicts"]}
    assert found[("column-has-dependents", "migrations/0003_order_status_index.sql", 5)] == (
        "confirmed", f"the DROP COLUMN failed: {refused}")
    assert found[("column-has-dependents", "migrations/0005_inventory_cleanup.sql", 8)] == (
        "not testable here", f"the DROP COLUMN failed on another object first: {refused}")
    # the statements meet the drop as deployed, with the index dropped first
    assert found[("dropped-column-in-use", "shop/repositories/orders.py", 23)] == (
        "confirmed", "after the change: no such column: placed_at")


def test_an_unused_column_is_dropped_and_every_statement_runs_the_same(postgres, sqlite_db, tmp_path: Path) -> None:
    root = write_files(tmp_path, BILLING)
    for engine in ("postgres", "sqlite"):
        document = verify(root, "accounts.legacy_ref", "--drop", "--engine", engine)
        [(rule, path, line, status, observed)] = [tuple(v.values()) for v in document["verdicts"]]
        assert (rule, path, line, status) == ("no-remaining-use", None, None, "confirmed")
        what = "changed the catalog only in" if engine == "postgres" else "in"
        assert re.fullmatch(rf"the DROP ran \({what} [\d.,]+ ms\) and all 3 re-run statement\(s\) of the code on accounts "
                            r"ran the same before and after it", observed), observed
        assert [s["status"] for s in document["statements"]] == ["unaffected"] * 3
        assert [m["statement"] for m in document["plan"][0]["statements"]][-1] == "ALTER TABLE accounts DROP COLUMN legacy_ref"


def test_a_rename_breaks_every_statement_naming_the_old_column(postgres) -> None:
    document = verify(SHOP, "orders.status", "--rename", "state")
    assert (document["proposal"]["statement"], document["proposal"]["error"], document["proposal"]["rewrote"]) == (
        "ALTER TABLE orders RENAME COLUMN status TO state", None, False)
    statuses = [status for _, _, _, status in verdicts(document)]
    assert statuses.count("confirmed") == 11 and statuses.count("not testable here") == 2
    assert failing(document)[("shop/repositories/orders.py", 60)] == (
        "fails after the change", 'column "status" of relation "orders" does not exist')
    # the plan: the copy walks the key over every row; the contract drops the view over o.* before the old column
    backfill = next(step for step in document["plan"] if step["title"] == "Backfill the new column in batches")
    assert (backfill["batches"]["count"], backfill["batches"]["rows"]) == (1, 3000)
    assert ran(document) == [(1, "SET lock_timeout = '5s'", None), (1, "ALTER TABLE orders ADD COLUMN state TEXT", None),
                             (5, "SET lock_timeout = '5s'", None), (5, "DROP VIEW order_totals", None),
                             (5, "ALTER TABLE orders DROP COLUMN status", None)]


def test_a_view_blocks_a_type_change_and_the_plans_swap_goes_around_it(postgres) -> None:
    document = verify(SHOP, "orders.total_cents", "--set-type", "bigint")
    assert (document["proposal"]["statement"], document["proposal"]["error"]) == (
        "ALTER TABLE orders ALTER COLUMN total_cents TYPE BIGINT", "cannot alter type of a column used by a view or rule")
    assert ran(document)[-4:] == [(4, "DROP FUNCTION orders_total_cents_sync()", None), (4, "DROP VIEW order_totals", None),
                                  (4, "ALTER TABLE orders DROP COLUMN total_cents", None),
                                  (4, "ALTER TABLE orders RENAME COLUMN total_cents_new TO total_cents", None)]


def test_widening_a_varchar_changes_the_catalog_and_int_to_bigint_rewrites(postgres, tmp_path: Path) -> None:
    root = write_files(tmp_path, BILLING)
    widened = verify(root, "accounts.email", "--set-type", "varchar(255)")
    assert (widened["proposal"]["rewrote"], widened["proposal"]["rows_read"], widened["proposal"]["error"]) == (False, 0, None)
    assert widened["verdicts"] == [] and widened["findings"][0]["rule"] == "verify-statement-fails"
    # the change of the reader's result type: a statement prepared before it fails after it
    assert failing(widened) == {("billing/accounts.py", 3): ("fails after the change", "cached plan must not change result type")}
    rewritten = verify(root, "accounts.seats", "--set-type", "bigint")
    assert rewritten["proposal"]["rewrote"] is True
    [verdict] = rewritten["verdicts"]
    assert (verdict["rule"], verdict["status"]) == ("column-type-rewrite", "confirmed")
    assert re.fullmatch(r"rewrote the table in [\d.,]+ ms", verdict["observed"])
    assert [title for title in (s["title"] for s in rewritten["plan"])] == [
        "Expand: add a column of the new type", "Keep the new column in step with a trigger", "Backfill in batches",
        "Swap the columns"]
    assert [error for _, _, error in ran(rewritten)] == [None] * 9
    assert rewritten["plan"][2]["batches"]["rows"] == 3000


def test_a_narrowing_fails_on_the_rows_and_on_the_writer(postgres, tmp_path: Path) -> None:
    root = write_files(tmp_path, BILLING)
    document = verify(root, "accounts.country", "--set-type", "varchar(2)")
    too_long = "value too long for type character varying(2)"
    assert document["proposal"]["error"] == too_long
    assert verdicts(document) == [
        ("column-type-rewrite", None, None, "not testable here"),
        ("type-change-breaks", None, None, "confirmed"),
        ("type-change-breaks", "billing/accounts.py", 13, "confirmed"),
    ]
    assert document["verdicts"][1]["observed"] == f"the ALTER failed on the rows: {too_long}"
    # a country that fits varchar(40) and not varchar(2), as today's writer may send
    assert failing(document)[("billing/accounts.py", 13)] == ("fails after the change", too_long)


def test_a_migrations_rename_and_unused_drop_are_verified(postgres) -> None:
    done = run("--migration", "migrations/0005_inventory_cleanup.sql", "--rows", "3000", "--format", "json", cwd=SHOP)
    assert done.returncode in (0, 1), done.stderr
    documents = json.loads(done.stdout)["columns"]
    assert [(d["target"], d["proposal"]["statement"], d["proposal"]["error"]) for d in documents] == [
        ("products.stock", "ALTER TABLE products RENAME COLUMN stock TO stock_on_hand", None),
        ("products.legacy_code", "ALTER TABLE products DROP COLUMN legacy_code", None),
        ("renaming products.stock to stock_on_hand", "ALTER TABLE products RENAME COLUMN stock TO stock_on_hand", None),
    ]
    assert verdicts(documents[1]) == [("no-remaining-use", "migrations/0005_inventory_cleanup.sql", 6, "confirmed")]


def test_a_change_of_an_existing_column_takes_no_new_column_options(tmp_path: Path) -> None:
    root = write_files(tmp_path, BILLING)
    both = run("accounts.seats", "--drop", "--type", "bigint", cwd=root)
    assert (both.returncode, both.stderr.strip()) == (
        2, "depmap: --type describes a new column; --drop judges an existing one (drop --type)")
    two = run("accounts.seats", "--drop", "--rename", "places", cwd=root)
    assert (two.returncode, two.stderr.strip()) == (
        2, "depmap: --drop and --rename ask about different changes; run verify once for each")
    with_migration = run("--migration", "migrations/0001_accounts.sql", "--drop", cwd=root)
    assert (with_migration.returncode, with_migration.stderr.strip()) == (
        2, "depmap: --drop, --rename and --set-type go with TABLE.COLUMN; a migration's own changes are verified as written")
    import subprocess

    from tests.e2e.conftest import depmap_command

    for command in ("impact", "report"):  # each names itself
        done = subprocess.run([*depmap_command(), command, "accounts.seats", "--rename", "places", "--set-type", "bigint",
                               "--no-cache", "-q"], cwd=root, capture_output=True, text=True, timeout=120)
        assert (done.returncode, done.stderr.strip()) == (
            2, f"depmap: --rename and --set-type ask about different changes; run {command} once for each")


def test_the_static_rule_agrees_that_a_star_view_lets_sqlite_drop_the_column() -> None:
    import subprocess

    from tests.e2e.conftest import depmap_command

    done = subprocess.run([*depmap_command(), "impact", "orders.currency", "--drop", "--dialect", "sqlite", "--format", "json",
                           "--no-cache", "-q"], cwd=SHOP, capture_output=True, text=True, timeout=120)
    [found] = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "column-has-dependents"]
    assert (found["severity"], found["path"], found["line"], found["message"]) == (
        "warning", "migrations/0005_inventory_cleanup.sql", 8,
        "Dropping orders.currency: the view order_totals selects it through *, which SQLite expands each time the view is "
        "read: the DROP succeeds and the view stops returning currency.")
