"""Dialect capabilities (depmap/dialects.py) and the exact findings of the DDL-safety rules:
table-rewrite, lock-timeout, reserved-word."""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.dialects.capabilities import (
    Dialect,
    TableTraits,
    add_column_cost,
    default_volatility,
    fills_missing_values,
    is_volatile_default,
    lock_timeout_sql,
    product_label,
    quote_identifier,
    reserved_words,
)
from depmap.impact.rules import lock_timeout, reserved_word, table_rewrite
from depmap.impact.spec import ColumnSpec
from depmap.model import HIGH, MEDIUM
from tests.impact.helpers import context_for, findings_of, write_files

PG16, PG10, PG_ANY = Dialect("postgres", (16,)), Dialect("postgres", (10, 23)), Dialect("postgres")
MY8, MY5, MY_ANY = Dialect("mysql", (8, 0, 35)), Dialect("mysql", (5, 7, 44)), Dialect("mysql")
LITE = Dialect("sqlite")


def spec(**fields) -> ColumnSpec:
    return ColumnSpec("orders", fields.pop("column", "extra"), fields.pop("type", "text"), **fields)


# -- add_column_cost: PostgreSQL ------------------------------------------------------------------


def test_postgres_volatile_default_rewrites() -> None:
    cost = add_column_cost(PG16, spec(type="uuid", nullable=False, default="gen_random_uuid()"))
    assert (cost.rewrites, cost.scans, cost.instant, cost.certain, cost.lock) == (True, False, False, True, "ACCESS EXCLUSIVE")
    assert cost.reasons == [
        "The default gen_random_uuid() is volatile: PostgreSQL computes it for every existing row, rewriting the "
        "whole table and its indexes."
    ]


def test_postgres_stable_default_is_metadata_only_but_freezes_the_alter_time() -> None:
    cost = add_column_cost(PG16, spec(type="timestamptz", default="now()"))
    assert (cost.rewrites, cost.scans, cost.instant, cost.certain) == (False, False, True, True)
    assert cost.reasons == [
        "now() is evaluated once, when the ALTER TABLE runs: every existing row gets that same value, only rows "
        "inserted later get their own."
    ]


def test_postgres_10_rewrites_for_any_non_null_default() -> None:
    cost = add_column_cost(PG10, spec(nullable=False, default="'EUR'"))
    assert cost.rewrites and cost.causes == ("old_version_default",)
    assert cost.reasons == [
        "PostgreSQL 10.23 writes the default 'EUR' into every existing row, rewriting the whole table and its "
        "indexes (a non-volatile default is metadata-only from PostgreSQL 11)."
    ]


def test_postgres_unknown_version_says_what_it_assumes() -> None:
    cost = add_column_cost(PG_ANY, spec(default="0", type="integer"))
    assert (cost.rewrites, cost.certain) == (False, False)
    assert cost.reasons == [
        "version unknown: assuming PostgreSQL 11 or later, where the default 0 is stored in the catalog without "
        "touching rows; PostgreSQL 10 and older rewrite the whole table."
    ]


def test_postgres_null_default_is_no_default() -> None:
    assert add_column_cost(PG10, spec(default="NULL")).instant


@pytest.mark.parametrize(
    "fields, cause",
    [
        (dict(type="bigserial", identity=True, nullable=False), "identity"),
        (dict(type="integer", generated="stored"), "stored_generated"),
        (dict(type="timestamptz", default="clock_timestamp()"), "volatile_default"),
        (dict(type="bigint", default="nextval('orders_seq')"), "volatile_default"),
        (dict(type="uuid", default="uuid_generate_v4()"), "volatile_default"),
    ],
)
def test_postgres_rewrites(fields: dict, cause: str) -> None:
    cost = add_column_cost(PG16, spec(**fields))
    assert cost.rewrites and cost.certain and cause in cost.causes


def test_postgres_unknown_function_is_assumed_volatile_but_not_certain() -> None:
    cost = add_column_cost(PG16, spec(default="shop.next_reference()"))
    assert (cost.rewrites, cost.certain, cost.causes) == (True, False, ("unknown_volatility",))


def test_postgres_virtual_generated_columns_need_18() -> None:
    assert add_column_cost(Dialect("postgres", (17,)), spec(generated="virtual")).fails
    assert add_column_cost(Dialect("postgres", (18,)), spec(generated="virtual")).instant


def test_postgres_unique_and_check_scan_but_do_not_rewrite() -> None:
    unique = add_column_cost(PG16, spec(unique=True))
    assert (unique.rewrites, unique.scans) == (False, True)
    assert unique.reasons == [
        "The UNIQUE constraint builds an index over the whole table while ACCESS EXCLUSIVE is held: reads and "
        "writes wait until the build ends."
    ]
    assert add_column_cost(PG16, spec(check="extra <> ''")).scans


def test_postgres_foreign_key_scans_only_when_rows_get_a_value() -> None:
    """A new column without a fill value is all NULL: PostgreSQL marks the foreign key valid
    without reading the table (measured by `depmap verify`: no sequential scan)."""
    assert add_column_cost(PG16, spec(type="bigint", references="customers(id)")).instant
    with_default = add_column_cost(PG16, spec(type="bigint", references="customers(id)", default="1"))
    assert with_default.scans and with_default.causes == ("foreign_key",)


# -- add_column_cost: MySQL ----------------------------------------------------------------------


def test_mysql_8_add_column_is_instant() -> None:
    cost = add_column_cost(MY8, spec())
    assert (cost.instant, cost.algorithm, cost.lock, cost.reasons) == (True, "INSTANT", "metadata lock", [])


def test_mysql_before_8_0_12_rebuilds() -> None:
    for version in ((5, 7, 44), (8, 0, 11)):
        cost = add_column_cost(Dialect("mysql", version), spec())
        assert (cost.rewrites, cost.algorithm, cost.causes) == (True, "INPLACE", ("no_instant",))
    assert add_column_cost(MY5, spec()).reasons == [
        "MySQL 5.7.44 has no ALGORITHM=INSTANT for ADD COLUMN: InnoDB rebuilds the table in place, copying every "
        "row (reads and writes continue, with an exclusive metadata lock at the start and the end)."
    ]


def test_mysql_unknown_version_is_not_certain() -> None:
    cost = add_column_cost(MY_ANY, spec())
    assert (cost.instant, cost.certain, cost.causes) == (True, False, ("unknown_version",))


def test_mysql_position_is_instant_only_from_8_0_29() -> None:
    assert add_column_cost(Dialect("mysql", (8, 0, 28)), spec(position="AFTER status")).rewrites
    assert add_column_cost(Dialect("mysql", (8, 0, 29)), spec(position="AFTER status")).instant
    assert add_column_cost(Dialect("mysql", (8, 0, 28)), spec()).instant


@pytest.mark.parametrize(
    "traits, fields, cause, algorithm",
    [
        (TableTraits(fulltext=True), {}, "fulltext", "INPLACE"),
        (TableTraits(compressed=True), {}, "compressed", "INPLACE"),
        (TableTraits(temporary=True), {}, "temporary", "INPLACE"),
        (TableTraits(instant_changes=64), {}, "row_versions", "INPLACE"),
        (TableTraits(), {"generated": "stored"}, "stored_generated", "COPY"),
        (TableTraits(), {"check": "extra <> ''"}, "check", "COPY"),
        (TableTraits(), {"primary_key": True}, "index", "INPLACE"),
    ],
)
def test_mysql_instant_refused(traits: TableTraits, fields: dict, cause: str, algorithm: str) -> None:
    cost = add_column_cost(MY8, spec(**fields), traits)
    assert cost.rewrites and cause in cost.causes and cost.algorithm == algorithm


def test_mysql_unique_column_is_added_in_place_with_a_rebuild() -> None:
    # INSTANT cannot build the index, and an in-place ADD COLUMN rebuilds (measured on MariaDB 10.11:
    # the InnoDB table id changes; tests/verify/test_mysql_conformance.py)
    cost = add_column_cost(MY8, spec(unique=True))
    assert (cost.rewrites, cost.scans, cost.algorithm, cost.causes) == (True, False, "INPLACE", ("index",))


MARIADB = Dialect("mysql", (10, 11, 19))


def test_a_mysql_family_version_from_10_on_is_mariadb() -> None:
    assert (MARIADB.mariadb, MY8.mariadb, MY_ANY.mariadb, Dialect("postgres", (16,)).mariadb) == (True, False, False, False)
    assert (product_label(MARIADB), product_label(MY8)) == ("MariaDB 10.11.19", "MySQL 8.0.35")


@pytest.mark.parametrize(("dialect", "traits", "fields", "outcome", "causes"), [
    # a table has one AUTO_INCREMENT column at most, and it must be a key
    (MY8, TableTraits(auto_increment=True), {"identity": True, "unique": True}, "fails", ("index", "auto_increment_exists")),
    (MARIADB, TableTraits(), {"identity": True}, "fails?", ("auto_increment_key",)),
    (MARIADB, TableTraits(), {"identity": True, "unique": True}, "rewrite", ("index", "identity")),
    # MariaDB: a CHECK column is instant and leaves existing rows unchecked; MySQL copies the table
    (MARIADB, TableTraits(), {"check": "extra <> ''"}, "catalog", ("check_unverified",)),
    (MY8, TableTraits(), {"check": "extra <> ''"}, "rewrite", ("check",)),
    # MariaDB: a per-row default copies the table; RAND() is evaluated once
    (MARIADB, TableTraits(), {"type": "char(36)", "default": "UUID()"}, "rewrite", ("volatile_default",)),
    (MARIADB, TableTraits(), {"type": "double", "default": "RAND()"}, "catalog", ("evaluated_once",)),
    (MY8, TableTraits(), {"type": "char(36)", "default": "UUID()"}, "catalog", ()),
    # MariaDB's own instant versions
    (Dialect("mysql", (10, 2, 44)), TableTraits(), {}, "rewrite", ("no_instant",)),
    (Dialect("mysql", (10, 3, 39)), TableTraits(), {"position": "FIRST"}, "rewrite", ("position",)),
    (Dialect("mysql", (10, 4, 1)), TableTraits(), {"position": "FIRST"}, "catalog", ()),
])
def test_mysql_and_mariadb_forms_as_mariadb_10_11_measured_them(dialect, traits, fields, outcome, causes) -> None:
    cost = add_column_cost(dialect, spec(**fields), traits)
    said = "fails" if cost.fails else "rewrite" if cost.rewrites else "scan" if cost.scans else "catalog"
    assert (said + ("" if cost.certain else "?"), cost.causes) == (outcome, causes)


def test_mysql_not_null_without_default_fills_the_implicit_default() -> None:
    cost = add_column_cost(MY8, spec(type="int", nullable=False))
    assert cost.instant and cost.causes == ("implicit_default",)


# -- add_column_cost: SQLite and others ----------------------------------------------------------


@pytest.mark.parametrize(
    "fields, cause",
    [
        (dict(primary_key=True), "sqlite_key"),
        (dict(unique=True), "sqlite_key"),
        (dict(nullable=False), "sqlite_not_null"),
        (dict(default="CURRENT_TIMESTAMP"), "sqlite_default"),
        (dict(default="(datetime('now'))"), "sqlite_default"),
        (dict(generated="stored"), "sqlite_stored"),
    ],
)
def test_sqlite_refusals(fields: dict, cause: str) -> None:
    cost = add_column_cost(LITE, spec(**fields))
    assert cost.fails and cost.certain and cost.causes == (cause,)
    assert not cost.rewrites


def test_sqlite_accepts_not_null_with_a_constant_default_and_never_rewrites() -> None:
    cost = add_column_cost(LITE, spec(nullable=False, default="''"))
    assert (cost.instant, cost.fails, cost.rewrites, cost.lock) == (True, False, False, "database write lock")


def test_sqlite_foreign_key_with_default_depends_on_the_pragma() -> None:
    cost = add_column_cost(LITE, spec(references="customers(id)", default="1"))
    assert (cost.fails, cost.certain) == (True, False)


def test_other_dialects_make_no_claim() -> None:
    cost = add_column_cost(Dialect("bigquery"), spec(default="GENERATE_UUID()"))
    assert (cost.rewrites, cost.scans, cost.fails, cost.certain, cost.lock) == (False, False, False, False, None)
    assert cost.reasons == ["depmap does not know what adding a column costs on bigquery; check its documentation."]


# -- other capabilities --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, volatility",
    [("0", "immutable"), ("'{}'::jsonb", "immutable"), ("now()", "stable"), ("CURRENT_TIMESTAMP", "stable"),
     ("statement_timestamp()", "stable"), ("clock_timestamp()", "volatile"), ("random()", "volatile"),
     ("md5(random()::text)", "volatile"), ("gen_random_uuid()", "volatile"), ("shop.next_ref()", "unknown")],
)
def test_default_volatility(text: str, volatility: str) -> None:
    assert default_volatility(PG16, text) == volatility
    assert is_volatile_default(PG16, text) == (volatility == "volatile")


def test_reserved_words_per_dialect_and_version() -> None:
    assert {"order", "user", "left", "binary"} <= reserved_words(PG16)
    assert "rank" not in reserved_words(PG16) and "status" not in reserved_words(PG16)
    assert "system_user" in reserved_words(PG16) and "system_user" not in reserved_words(Dialect("postgres", (15,)))
    assert {"rank", "row", "groups", "order", "key"} <= reserved_words(MY8)
    assert "rank" not in reserved_words(MY5) and "key" in reserved_words(MY5)
    assert "order" in reserved_words(LITE) and "rank" not in reserved_words(LITE)
    assert reserved_words(Dialect("snowflake")) == frozenset()


def test_lock_timeout_statements() -> None:
    assert lock_timeout_sql(PG16, 5000) == "SET lock_timeout = '5s'"
    assert lock_timeout_sql(PG16, 1500) == "SET lock_timeout = '1500ms'"
    assert lock_timeout_sql(MY8, 1500) == "SET SESSION lock_wait_timeout = 2"
    assert lock_timeout_sql(LITE, 5000) is None


def test_fills_missing_values_only_on_postgres() -> None:
    assert fills_missing_values(PG16) and not fills_missing_values(MY8) and not fills_missing_values(LITE)


def test_quote_identifier_only_when_needed() -> None:
    assert quote_identifier(PG16, "discount_code") == "discount_code"
    assert quote_identifier(PG16, "order") == '"order"'
    assert quote_identifier(PG16, "Order") == '"Order"'
    assert quote_identifier(MY8, "rank") == "`rank`" and quote_identifier(MY5, "rank") == "rank"


def test_product_label() -> None:
    assert [product_label(d) for d in (PG16, MY_ANY, LITE)] == ["PostgreSQL 16", "MySQL (version unknown)", "SQLite"]


# -- the rules' exact findings ------------------------------------------------------------------

SHOP = {
    "migrations/0001_initial.sql": """
        CREATE TABLE orders (
            id          bigserial PRIMARY KEY,
            status      text NOT NULL DEFAULT 'pending',
            total_cents integer NOT NULL
        );
        """,
    "shop/orders.py": """
        def pending(cur):
            cur.execute("SELECT id, total_cents FROM orders WHERE status = 'pending'")
            return cur.fetchall()
        """,
}


def test_table_rewrite_message_and_fix(tmp_path: Path) -> None:
    root = write_files(tmp_path, SHOP)
    ctx = context_for(root, "orders.tracking_id", type="uuid", default="gen_random_uuid()", server_version="16")
    [finding] = findings_of(table_rewrite, ctx)
    # a proposal: the migration is not written yet; the table's definition goes along as context
    assert (finding.severity, finding.confidence, finding.location.path, finding.location.symbol) == (
        "breaking", HIGH, "", "the new migration")
    assert [(r.location.path, r.location.line) for r in finding.related] == [("migrations/0001_initial.sql", 1)]
    assert finding.message == (
        "On PostgreSQL 16, adding orders.tracking_id rewrites orders and its indexes while holding an ACCESS "
        "EXCLUSIVE lock: every read and write of orders waits until the rewrite ends, which takes longer the bigger "
        "the table. The default gen_random_uuid() is volatile: PostgreSQL computes it for every existing row, "
        "rewriting the whole table and its indexes."
    )
    assert finding.fix == (
        "A safer approach is to add the column plain and do the expensive parts without a long lock (each in its own "
        "migration; the rollout plan lists the code to change in between):\n"
        "  1. SET lock_timeout = '5s';\n"
        "  2. ALTER TABLE orders ADD COLUMN tracking_id UUID;\n"
        "  3. ALTER TABLE orders ALTER COLUMN tracking_id SET DEFAULT gen_random_uuid();\n"
        "  4. SELECT max(id) FROM (SELECT id FROM orders WHERE id > :last_id ORDER BY id LIMIT 5000) AS batch;\n"
        "  5. UPDATE orders SET tracking_id = gen_random_uuid() WHERE id > :last_id AND id <= :batch_end AND tracking_id "
        "IS NULL;  -- one batch; repeat from :last_id = :batch_end until the batch end is NULL"
    )


def test_table_rewrite_unknown_version_is_a_labelled_guess(tmp_path: Path) -> None:
    root = write_files(tmp_path, SHOP)
    ctx = context_for(root, "orders.priority", type="integer", default="0")
    [finding] = findings_of(table_rewrite, ctx)
    assert (finding.severity, finding.confidence) == ("warning", MEDIUM)
    assert finding.fix.startswith("Set server_version in [tool.depmap] (or --server-version) so depmap can tell.")


def test_a_proposal_has_no_lock_timeout_finding_its_plan_sets_it(tmp_path: Path) -> None:
    root = write_files(tmp_path, SHOP)
    assert findings_of(lock_timeout, context_for(root, "orders.gift_message", type="text", server_version="16")) == []


def test_lock_timeout_message_for_a_migration_without_one(tmp_path: Path) -> None:
    root = write_files(tmp_path, {**SHOP, "migrations/0002_gift_message.sql": "ALTER TABLE orders ADD COLUMN gift_message text;\n"})
    ctx = context_for(root, "orders.gift_message", type="text", server_version="16", changed_paths=("migrations/0002_gift_message.sql",))
    ctx.root = root  # type: ignore[attr-defined]
    [finding] = findings_of(lock_timeout, ctx)
    assert finding.message == (
        "Adding orders.gift_message takes an ACCESS EXCLUSIVE lock on orders and this migration "
        "(migrations/0002_gift_message.sql) sets no lock timeout: "
        "while the ALTER waits behind a long transaction, every query on orders queues behind the ALTER and the "
        "application stalls."
    )
    assert finding.fix == (
        "Bound the wait and retry on timeout: put it before the ALTER TABLE:\n"
        "  SET lock_timeout = '5s';\n"
        "  ALTER TABLE orders ADD COLUMN gift_message TEXT;\n"
        "If it times out, nothing changed: run the migration again, and look for long transactions on orders."
    )


@pytest.mark.parametrize(
    "migration, expected",
    [
        ("SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN gift_message text;\n", []),
        ("BEGIN;\nSET LOCAL lock_timeout TO '3s';\nALTER TABLE orders ADD COLUMN gift_message text;\nCOMMIT;\n", []),
        ("-- gift messages\nALTER TABLE orders ADD COLUMN gift_message text;\n", [("warning", HIGH, 2)]),
    ],
)
def test_lock_timeout_reads_the_migration_when_the_root_is_known(tmp_path: Path, migration: str, expected: list) -> None:
    root = write_files(tmp_path, {**SHOP, "migrations/0002_gift_message.sql": migration})
    ctx = context_for(root, "orders.gift_message", type="text", server_version="16",
                      changed_paths=("migrations/0002_gift_message.sql",))
    ctx.root = root  # type: ignore[attr-defined]  # see the report: ImpactContext should carry the scanned root
    found = [(f.severity, f.confidence, f.location.line) for f in findings_of(lock_timeout, ctx)]
    assert found == expected


def test_lock_timeout_django_fix_uses_run_sql(tmp_path: Path) -> None:
    root = write_files(tmp_path, {**SHOP, "migrations/0002_gift_message.sql": "ALTER TABLE orders ADD COLUMN gift_message text;\n"})
    ctx = context_for(root, "orders.gift_message", type="text", server_version="16",
                      framework="django", changed_paths=("migrations/0002_gift_message.sql",))
    ctx.root = root  # type: ignore[attr-defined]
    [finding] = findings_of(lock_timeout, ctx)
    assert finding.fix.startswith(
        'Bound the wait and retry on timeout: make migrations.RunSQL("SET lock_timeout = \'5s\'", '
        "migrations.RunSQL.noop) the first operation of the migration:"
    )


def test_reserved_word_message(tmp_path: Path) -> None:
    root = write_files(tmp_path, SHOP)
    ctx = context_for(root, "orders.order", type="integer", server_version="16")
    [finding] = findings_of(reserved_word, ctx)
    assert finding.message == (
        "order is a reserved word in PostgreSQL 16: every SQL statement that names orders.order without quotes "
        "fails with a syntax error (ORM-generated SQL quotes it; hand-written queries, reports and dbt models do not)."
    )
    assert finding.fix == (
        "Pick a name that is not reserved, such as sort_order; or quote it everywhere, in the migration and in every "
        'query: ALTER TABLE orders ADD COLUMN "order" INT; SELECT "order" FROM orders;'
    )
