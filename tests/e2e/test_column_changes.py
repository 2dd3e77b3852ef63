"""`depmap impact --drop/--rename/--set-type` and `depmap check` of migrations that drop, rename
or retype a column, on the bundled samples, through the console script.

Each expected finding was checked by reading the sample at that path:line.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import REPO
from tests.schemas.validation import problems

SAMPLES = REPO / "samples"
SHOP = SAMPLES / "shop_sql"
DJANGO = SAMPLES / "django_shop"
BILLING = SAMPLES / "sqlalchemy_service"
WAREHOUSE = SAMPLES / "warehouse"


def findings(document: dict) -> list[tuple[str, str, str | None, int | None]]:
    return [(f["rule"], f["severity"], f["path"], f["line"]) for f in document["findings"]]


def steps(document: dict) -> list[str]:
    return [step["name"] for step in document["plan"]]


def impact(depmap, sample: Path, *args: str) -> dict:
    run = depmap("impact", *args, "--path", str(sample), "--format", "json")
    assert run.code == 0, run.err
    document = run.json()
    assert problems("impact", document) == []
    return document


# --- drop --------------------------------------------------------------------------------------


def test_drop_of_a_used_column_lists_every_remaining_use_and_the_view_that_blocks_it(depmap):
    document = impact(depmap, SHOP, "orders.currency", "--drop")
    assert document["column"]["change"] == "drop"
    assert document["verdict"] == "breaking"
    assert findings(document) == [
        # CREATE VIEW order_totals AS SELECT o.* ...: PostgreSQL refuses the DROP
        ("column-has-dependents", "breaking", "migrations/0005_inventory_cleanup.sql", 8),
        ("dropped-column-in-use", "breaking", "shop/reports/queries/monthly_revenue.sql", 10),  # SELECT ..., o.currency
        ("dropped-column-in-use", "breaking", "shop/repositories/orders.py", 52),  # SQL_INSERT lists currency
        ("dropped-column-in-use", "breaking", "shop/repositories/orders.py", 81),  # SELECT *, psycopg prepares it
        ("dropped-column-in-use", "breaking", "shop/repositories/orders.py", 128),  # history() selects currency
        ("dropped-column-in-use", "warning", "shop/reports/sales.py", 98),  # SELECT * into a DataFrame
    ]
    assert steps(document) == ["stop-writing", "stop-reading", "drop"]
    drop = document["plan"][-1]
    assert drop["sql"] == ["SET lock_timeout = '5s'", "DROP VIEW order_totals", "ALTER TABLE orders DROP COLUMN currency",
                           "CREATE VIEW order_totals AS <its definition without currency>"]
    assert "ACCESS EXCLUSIVE" in drop["description"]
    assert [(s["path"], s["line"]) for s in document["plan"][0]["sites"]] == [("shop/repositories/orders.py", 52)]


def test_drop_of_an_unused_column_says_so_with_its_evidence(depmap):
    document = impact(depmap, SHOP, "products.description", "--drop")
    assert document["verdict"] == "safe"
    assert findings(document) == [("no-remaining-use", "info", None, None)]
    assert document["findings"][0]["message"] == (
        "products.description has no remaining use: no query, serializer or form names it in 19 scanned files; "
        "no ORM model maps it; no view, index or constraint depends on it; the column was "
        "created with its table at migrations/0001_initial.sql:12; no other line of the project names it.")
    assert steps(document) == ["drop"]
    assert document["plan"][0]["sql"] == ["SET lock_timeout = '5s'", "ALTER TABLE products DROP COLUMN description"]


def test_drop_of_a_django_field_points_at_the_field_and_the_code_that_names_it(depmap):
    document = impact(depmap, DJANGO, "sales_order.notes", "--drop")
    assert findings(document) == [
        ("dropped-column-in-use", "breaking", "orders/models.py", 50),  # notes = models.TextField(...)
        ("dropped-column-in-use", "breaking", "orders/views.py", 65),  # order.notes = ...
        ("dropped-column-in-use", "breaking", "orders/views.py", 66),  # order.save(update_fields=["notes", ...])
        ("dropped-column-in-use", "breaking", "orders/views.py", 67),  # JsonResponse({... order.notes})
    ]
    stop_reading = document["plan"][1]
    assert stop_reading["name"] == "stop-reading"
    assert 'migrations.RemoveField(model_name="order", name="notes")' in stop_reading["description"]
    assert "SeparateDatabaseAndState" in stop_reading["description"]


def test_drop_read_by_dbt_and_airflow_on_mysql(depmap):
    document = impact(depmap, WAREHOUSE, "orders.paid_at", "--drop", "--dialect", "mysql", "--server-version", "8.0.35")
    assert findings(document) == [
        ("dropped-column-in-use", "breaking", "airflow/dags/nightly_export.py", 53),
        ("dropped-column-in-use", "breaking", "dbt/models/staging/stg_orders.sql", 10),
    ]
    assert "Unknown column 'paid_at' in 'field list'" in document["findings"][0]["message"]
    assert "ALGORITHM=INSTANT" in document["plan"][-1]["description"]


def test_drop_on_old_sqlite_rebuilds_the_table(depmap):
    document = impact(depmap, SHOP, "products.description", "--drop", "--dialect", "sqlite", "--server-version", "3.31")
    assert document["plan"][-1]["sql"][-1].startswith("-- rebuild products without description")


# --- rename ------------------------------------------------------------------------------------


def test_rename_lists_every_site_and_plans_expand_contract(depmap):
    document = impact(depmap, DJANGO, "sales_order.currency", "--rename", "currency_code")
    assert document["column"]["new_name"] == "currency_code"
    assert findings(document) == [
        ("renamed-column-in-use", "breaking", "orders/models.py", 46),  # currency = models.CharField(...)
        ("renamed-column-in-use", "warning", "orders/admin.py", 15),  # list_filter = ("status", "currency")
        ("renamed-column-in-use", "warning", "orders/views.py", 78),  # order.currency in the CSV export
    ]
    assert steps(document) == ["expand", "dual-write", "backfill", "switch-readers", "contract"]
    assert 'db_column="currency"' in document["plan"][0]["description"]
    assert document["plan"][2]["sql"] == [
        "SELECT max(id) FROM (SELECT id FROM sales_order WHERE id > :last_id ORDER BY id LIMIT 5000) AS batch",
        "UPDATE sales_order SET currency_code = currency WHERE id > :last_id AND id <= :batch_end AND currency_code IS NULL "
        "AND currency IS NOT NULL"]


def test_rename_to_an_existing_name_is_a_usage_error(depmap):
    run = depmap("impact", "orders.status", "--rename", "currency", "--path", str(SHOP))
    assert run.code == 2
    assert run.err.strip() == "depmap: orders.currency already exists; pick another name for --rename"


def test_change_options_exclude_each_other(depmap):
    run = depmap("impact", "orders.status", "--drop", "--type", "text", "--path", str(SHOP))
    assert run.code == 2
    assert run.err.strip() == "depmap: --type describes a new column; --drop judges an existing one (drop --type)"
    run = depmap("impact", "orders.nope", "--drop", "--path", str(SHOP))
    assert run.code == 2
    assert "table 'orders' has no column 'nope'" in run.err


# --- type change -------------------------------------------------------------------------------


def test_narrowing_type_change_flags_the_writers_and_the_rewrite(depmap):
    document = impact(depmap, SHOP, "customers.full_name", "--set-type", "varchar(64)")
    assert (document["column"]["old_type"], document["column"]["type"]) == ("TEXT", "VARCHAR(64)")
    assert findings(document) == [
        ("column-type-rewrite", "warning", None, None),
        ("type-change-breaks", "warning", None, None),
        ("type-change-breaks", "warning", "shop/repositories/customers.py", 45),  # INSERT ... full_name
        ("type-change-breaks", "warning", "shop/repositories/customers.py", 115),  # anonymize() sets full_name
    ]
    assert steps(document) == ["check-data", "expand", "sync", "backfill", "swap", "deploy-code"]
    assert document["plan"][0]["sql"] == ["SELECT count(*) FROM customers WHERE char_length(full_name) > 64"]
    # within a kind of type the value is assigned, not CAST: a CAST to varchar(64) would cut longer names silently
    assert document["plan"][3]["sql"] == [
        "SELECT max(id) FROM (SELECT id FROM customers WHERE id > :last_id ORDER BY id LIMIT 5000) AS batch",
        "UPDATE customers SET full_name_new = full_name WHERE id > :last_id AND id <= :batch_end AND full_name_new IS NULL "
        "AND full_name IS NOT NULL"]
    assert document["plan"][4]["sql"][-2:] == ["ALTER TABLE customers DROP COLUMN full_name",
                                               "ALTER TABLE customers RENAME COLUMN full_name_new TO full_name"]


def test_narrowing_on_mysql_copies_the_table_and_points_at_online_tools(depmap):
    document = impact(depmap, BILLING, "billing.invoices.number", "--set-type", "varchar(16)", "--dialect", "mysql",
                      "--server-version", "8.0.35")
    assert findings(document) == [
        ("column-type-rewrite", "warning", None, None),
        ("type-change-breaks", "warning", None, None),  # existing numbers may be longer than 16
        ("type-change-breaks", "warning", "billing/models/invoice.py", 25),  # number: String(32)
    ]
    assert steps(document) == ["check-data", "alter", "deploy-code"]
    assert document["plan"][1]["sql"] == ["SET SESSION lock_wait_timeout = 5",
                                          "ALTER TABLE billing.invoices MODIFY number VARCHAR(16) NOT NULL"]
    assert "ALGORITHM=COPY" in document["plan"][1]["description"] and "gh-ost" in document["plan"][1]["description"]


def test_widening_varchar_is_metadata_only_on_postgres(depmap):
    document = impact(depmap, BILLING, "accounts.email", "--set-type", "varchar(320)")
    assert findings(document) == [("type-change-breaks", "warning", "billing/models/account.py", 22)]  # String(255)
    assert steps(document) == ["alter", "deploy-code"]
    assert document["plan"][0]["sql"] == ["SET lock_timeout = '5s'",
                                          "ALTER TABLE accounts ALTER COLUMN email TYPE VARCHAR(320)"]
    assert "only the catalog changes" in document["plan"][0]["description"]


def test_widening_per_dialect(depmap):
    mysql = impact(depmap, BILLING, "accounts.email", "--set-type", "varchar(320)", "--dialect", "mysql", "--server-version", "8.0.35")
    assert steps(mysql) == ["alter", "deploy-code"]
    assert mysql["plan"][0]["sql"][-1] == "ALTER TABLE accounts MODIFY email VARCHAR(320) NOT NULL"
    sqlite = impact(depmap, BILLING, "accounts.email", "--set-type", "varchar(320)", "--dialect", "sqlite")
    assert steps(sqlite) == ["rebuild", "deploy-code"]
    assert ("column-type-rewrite", "warning", None, None) in findings(sqlite)


# --- check ---------------------------------------------------------------------------------------


def test_check_judges_the_drop_and_rename_of_a_sql_migration(depmap):
    run = depmap("check", "migrations/0005_inventory_cleanup.sql", "--path", str(SHOP), "--format", "json", cwd=SHOP)
    assert run.code == 0, run.err
    document = run.json()
    assert problems("check", document) == []
    assert [(c["column"]["column"], c["column"]["change"], c["verdict"], findings(c)) for c in document["columns"]] == [
        # the code already uses stock_on_hand; nothing reads legacy_code any more
        ("stock", "rename", "safe", []),
        ("legacy_code", "drop", "safe", [("no-remaining-use", "info", "migrations/0005_inventory_cleanup.sql", 6)]),
    ]
    assert document["problems"] == []


def test_check_judges_an_alembic_type_change(depmap):
    run = depmap("check", "migrations/versions/9e0b4c7d1a55_payment_events.py", "--path", str(BILLING), "--format", "json", cwd=BILLING)
    document = run.json()
    changes = [c for c in document["columns"] if c["column"]["change"] == "set_type"]
    assert [(c["column"]["column"], c["column"]["old_type"], c["column"]["type"], findings(c)) for c in changes] == [
        ("total_cents", "INT", "BIGINT",
         [("column-type-rewrite", "warning", "migrations/versions/9e0b4c7d1a55_payment_events.py", 39)]),
    ]


def test_text_report_heading_names_the_change(depmap):
    run = depmap("impact", "orders.status", "--rename", "state", "--path", str(SHOP))
    assert run.out.splitlines()[0] == "Renaming orders.status to state"
    run = depmap("impact", "products.description", "--drop", "--path", str(SHOP), "--format", "markdown")
    assert "### depmap: dropping `products.description`" in run.out


# --- suppressions --------------------------------------------------------------------------------


def test_an_inline_suppression_silences_a_drop_finding_with_its_reason(depmap, tmp_path: Path):
    import shutil

    project = tmp_path / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".depmap"))
    sales = project / "shop/reports/sales.py"
    lines = sales.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "return pd.read_sql(" in line)
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, f"{indent}# depmap: ignore[dropped-column-in-use] -- the frame drops currency itself\n")
    sales.write_text("".join(lines))
    document = impact(depmap, project, "orders.currency", "--drop", "--no-cache")
    assert ("dropped-column-in-use", "warning", "shop/reports/sales.py", 99) not in findings(document)
    [suppressed] = document["suppressed"]
    assert (suppressed["finding"]["rule"], suppressed["finding"]["line"], suppressed["reason"]) == (
        "dropped-column-in-use", 99, "the frame drops currency itself")


def test_a_text_to_integer_change_breaks_the_check_that_compares_the_column_with_text(depmap):
    # measured on PostgreSQL 15: the ALTER fails with "operator does not exist: integer = text"
    document = impact(depmap, SHOP, "orders.status", "--set-type", "integer")
    check = [f for f in document["findings"] if f["rule"] == "type-change-breaks" and "CHECK" in f["message"]]
    assert [(f["severity"], f["path"], f["line"], f["message"]) for f in check] == [(
        "breaking", "migrations/0001_initial.sql", 24,
        "The CHECK orders_status_check (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')) compares "
        "orders.status with text: once the column is INT, the ALTER re-checks it and fails: PostgreSQL has no operator "
        "comparing INT with text.")]
    # a CHECK that compares with numbers is not flagged
    numbers = impact(depmap, SHOP, "order_items.quantity", "--set-type", "bigint")
    assert not [f for f in numbers["findings"] if "CHECK" in f["message"]]
