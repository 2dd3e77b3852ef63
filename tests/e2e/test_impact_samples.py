"""`depmap impact` and `depmap check` on every bundled sample, through the console script.

Each expected finding below was checked by reading the sample at that path:line. Findings judged
wrong are left out of the exact lists on purpose and pinned by an xfail that names the reason, so
that fixing them turns the xfail into a visible XPASS instead of silently changing an exact list.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO

SAMPLES = REPO / "samples"
SHOP = SAMPLES / "shop_sql"
DJANGO = SAMPLES / "django_shop"
BILLING = SAMPLES / "sqlalchemy_service"
WAREHOUSE = SAMPLES / "warehouse"

PLAN_NOT_NULL = ["expand", "deploy-writers", "backfill", "constrain", "deploy-readers"]


def findings(document: dict) -> list[tuple[str, str, str, int]]:
    return [(f["rule"], f["severity"], f["path"], f["line"]) for f in document["findings"]]


def steps(document: dict) -> list[str]:
    return [step["name"] for step in document["plan"]]


def impact(depmap, sample: Path, *args: str):
    """JSON impact report; `--fail-on breaking` so the exit code says whether anything breaks."""
    return depmap("impact", *args, "--path", str(sample), "--format", "json", "--fail-on", "breaking")


# --- samples/shop_sql: psycopg + plain SQL migrations -------------------------------------------

SHOP_DISCOUNT = ["orders.discount_code", "--type", "text", "--not-null"]


def test_shop_not_null_column_breaks_the_insert_and_the_unpacked_star(depmap):
    run = impact(depmap, SHOP, *SHOP_DISCOUNT)
    assert run.code == 1, run.err
    document = run.json()
    assert document["query"] == {"table": "orders", "column": "discount_code", "type": "TEXT", "not_null": True, "default": None}
    assert document["dialect"] == {"name": "postgres", "version": None, "source": "config"}
    assert document["verdict"] == "breaking"
    assert findings(document) == [
        # The ALTER itself: orders has rows, the column has no default: about the migration not written
        # yet (no file; CREATE TABLE orders is its context, not the broken site).
        ("not-null-without-default", "breaking", None, None),
        # SQL_INSERT lists customer_id, status, total_cents, currency, placed_at only.
        ("not-null-without-default", "breaking", "shop/repositories/orders.py", 52),
        # get_header: psycopg 3 auto-prepares; a prepared `SELECT *` fails once the row type changes.
        ("select-star", "breaking", "shop/repositories/orders.py", 81),
        # (no lock-timeout: the plan's first step sets it)
        # orders_frame: pd.read_sql("SELECT * FROM orders ...") -- see the xfail below for its severity.
        ("select-star", "warning", "shop/reports/sales.py", 98),
        # "SELECT count(*) FORM orders ..." does not parse.
        ("unparsed-sql", "info", "shop/broken_sql.py", 12),
        # CREATE VIEW order_totals AS SELECT o.*, ... (0005, statement starts at line 8); reported once,
        # by view-star-frozen, not again by downstream-propagation.
        ("view-star-frozen", "info", "migrations/0005_inventory_cleanup.sql", 8),
    ]
    assert document["counts"] == {"error": 0, "breaking": 3, "warning": 1, "info": 2}
    assert steps(document) == PLAN_NOT_NULL
    writers = next(step for step in document["plan"] if step["name"] == "deploy-writers")
    assert [(s["path"], s["line"], s["symbol"]) for s in writers["sites"]] == [
        ("shop/repositories/orders.py", 52, "shop.repositories.orders.OrderRepository.SQL_INSERT")
    ]
    assert document["plan"][0]["sql"] == ["SET lock_timeout = '5s'", "ALTER TABLE orders ADD COLUMN discount_code TEXT"]
    # Neither the gitignored dump (a positional INSERT INTO orders) nor the Python 2 file is judged.
    assert not any((f["path"] or "").startswith(("dumps/", "shop/legacy/")) for f in document["findings"])
    assert [s["path"] for s in document["skipped"]] == ["shop/broken_sql.py", "shop/legacy/export_py2.py"]


@pytest.mark.xfail(strict=True, reason=(
    "shop/reports/sales.py:98 runs `SELECT * FROM orders` through pd.read_sql on the same psycopg 3 "
    "pool connection (shop.db.connection) as orders.py:81; pandas calls cursor.execute, which psycopg "
    "prepares after prepare_threshold runs, so it hits the same 'cached plan must not change result "
    "type' failure, yet it is only a warning (the escalation looks for `import psycopg` in the file)"))
def test_shop_pandas_star_on_a_psycopg_pool_is_as_breaking_as_the_cursor_star(depmap):
    document = impact(depmap, SHOP, *SHOP_DISCOUNT).json()
    assert ("select-star", "breaking", "shop/reports/sales.py", 98) in findings(document)


def test_shop_nullable_column_without_star_readers_is_safe_with_its_plan(depmap):
    # the ALTER's lock is handled by the plan's first step (lock_timeout): a proposal has nothing to fix
    run = impact(depmap, SHOP, "customers.notes", "--type", "text")
    assert run.code == 0, run.err
    document = run.json()
    assert document["verdict"] == "safe"
    assert findings(document) == []
    assert document["plan"][0]["sql"] == ["SET lock_timeout = '5s'", "ALTER TABLE customers ADD COLUMN notes TEXT"]
    assert steps(document) == ["expand", "deploy-writers", "deploy-readers"]


def test_shop_nullable_column_on_sqlite_is_safe(depmap):
    run = depmap("impact", "customers.notes", "--type", "text", "--dialect", "sqlite", "--path", str(SHOP),
                 "--format", "json", "--fail-on", "warning")
    assert run.code == 0, run.err
    document = run.json()
    assert (document["verdict"], document["findings"]) == ("safe", [])
    assert document["dialect"]["name"] == "sqlite"
    assert steps(document) == ["expand", "deploy-writers", "deploy-readers"]


def test_shop_same_named_column_makes_an_unqualified_join_ambiguous(depmap):
    # customers.py:80 joins customers and orders (line 82) and reads `status` without a table name
    # (lines 80, 83): the finding sits where the statement names orders, the table that also has it.
    run = impact(depmap, SHOP, "customers.status", "--type", "text")
    assert run.code == 1, run.err
    assert findings(run.json()) == [
        ("ambiguous-column", "breaking", "shop/repositories/customers.py", 82),
    ]


def test_shop_positional_insert_of_a_trailing_nullable_column_is_a_warning(depmap):
    # payments.py:72 `INSERT INTO audit_log VALUES (%s, %s, %s, now())`: a nullable last column gets NULL.
    run = impact(depmap, SHOP, "audit_log.request_id", "--type", "uuid")
    assert run.code == 0, run.err
    document = run.json()
    assert document["verdict"] == "needs care"
    assert findings(document) == [
        ("positional-insert", "warning", "shop/repositories/payments.py", 72),
    ]
    assert steps(document) == ["expand", "deploy-writers"]


@pytest.mark.parametrize(
    ("args", "fail_on", "code"),
    [
        # impact is a question, not a gate: its --fail-on defaults to never (README); check's to breaking.
        (SHOP_DISCOUNT, None, 0),
        (SHOP_DISCOUNT, "breaking", 1),
        (SHOP_DISCOUNT, "warning", 1),
        (SHOP_DISCOUNT, "never", 0),
        (["audit_log.request_id", "--type", "uuid"], None, 0),
        (["audit_log.request_id", "--type", "uuid"], "breaking", 0),
        (["audit_log.request_id", "--type", "uuid"], "warning", 1),
        (["audit_log.request_id", "--type", "uuid"], "never", 0),
    ],
)
def test_fail_on_thresholds(depmap, args, fail_on, code):
    threshold = [] if fail_on is None else ["--fail-on", fail_on]
    run = depmap("impact", *args, "--path", str(SHOP), "--format", "json", *threshold)
    assert (run.code, run.err) == (code, "")
    assert run.json()["verdict"] == ("breaking" if args == SHOP_DISCOUNT else "needs care")  # printed either way


def test_text_report_starts_with_the_verdict_then_groups_by_severity(depmap):
    run = depmap("impact", *SHOP_DISCOUNT, "--path", str(SHOP))
    assert run.code == 0, run.err
    lines = [line.rstrip() for line in run.out.splitlines()]
    assert lines[:6] == [
        "Adding orders.discount_code TEXT NOT NULL",
        "Target: postgres (version unknown), from config",
        "Verdict: breaking (3 breaking, 1 warning, 2 info)",
        "",
        "BREAKING (3)",
        "  (the new migration)  [not-null-without-default]",
    ]
    PLAN = "Rollout plan for postgres (version unknown) (from config, as the findings)"
    assert lines.index("BREAKING (3)") < lines.index("WARNING (1)") < lines.index("INFO (2)") < lines.index(PLAN)
    assert "      - migrations/0001_initial.sql:24 the table is defined here" in lines  # context, not the site
    sites = [line.strip().split()[0] for line in lines[: lines.index(PLAN)] if line.startswith("  ") and "  [" in line]
    assert sites == [
        "(the", "shop/repositories/orders.py:52", "shop/repositories/orders.py:81", "shop/reports/sales.py:98",
        "shop/broken_sql.py:12", "migrations/0005_inventory_cleanup.sql:8",
    ]  # fmt: skip
    plan = lines[lines.index(PLAN) + 1:]
    assert [line for line in plan if line[:2] in {f"{n}." for n in range(1, 6)}] == [
        "1. Expand: add the column",
        "2. Deploy writers that set the column",
        "3. Backfill existing rows in batches",
        "4. Constrain: enforce NOT NULL and constraints",
        "5. Deploy readers, the ORM field and serializers",
    ]


# --- samples/django_shop: the orders app keeps its old label, so the table is sales_order ---------


def test_django_not_null_column_breaks_objects_create(depmap):
    run = impact(depmap, DJANGO, "sales_order.priority", "--type", "integer", "--not-null")
    assert run.code == 1, run.err
    document = run.json()
    assert document["verdict"] == "breaking"
    assert findings(document) == [
        # the ALTER of the migration not written yet (CreateModel("Order") is its context)
        ("not-null-without-default", "breaking", None, None),
        # place_order: Order.objects.create(number=..., customer=..., ...) cannot set a field the model lacks.
        ("not-null-without-default", "breaking", "orders/services.py", 39),
        # OrderAdmin declares no fields/fieldsets, so its change form shows every editable field.
        ("exposes-all-fields", "warning", "orders/admin.py", 12),
        # OrderSerializer: fields = "__all__" (class at line 15).
        ("exposes-all-fields", "warning", "orders/serializers.py", 15),
        # (Order declares no priority field: for a proposal, a step of the plan, not a finding)
    ]
    assert steps(document) == PLAN_NOT_NULL
    readers = next(step for step in document["plan"] if step["name"] == "deploy-readers")
    assert "Declare the field on Order (orders/models.py:28): `priority = models.IntegerField()`." in readers["description"]
    writers = next(step for step in document["plan"] if step["name"] == "deploy-writers")
    assert [(s["path"], s["line"]) for s in writers["sites"]] == [("orders/services.py", 39)]


def test_django_sensitive_name_on_an_all_fields_serializer_is_breaking(depmap):
    run = impact(depmap, DJANGO, "sales_order.api_token", "--type", "varchar(64)")
    assert run.code == 1, run.err
    document = run.json()
    assert document["verdict"] == "breaking"
    assert findings(document) == [
        ("exposes-all-fields", "breaking", "orders/admin.py", 12),
        ("exposes-all-fields", "breaking", "orders/serializers.py", 15),
    ]
    serializer = next(f for f in document["findings"] if f["path"] == "orders/serializers.py")
    assert "matches sensitive_columns" in serializer["message"]
    assert steps(document) == ["expand", "deploy-writers", "deploy-readers"]
    default = depmap("impact", "sales_order.api_token", "--type", "varchar(64)", "--path", str(DJANGO), "--format", "json")
    assert default.code == 0 and default.json()["verdict"] == "breaking"


# --- samples/sqlalchemy_service: declarative models, Core tables, Alembic -------------------------


def test_sqlalchemy_not_null_column_breaks_session_add(depmap):
    run = impact(depmap, BILLING, "accounts.tax_id", "--type", "text", "--not-null")
    assert run.code == 1, run.err
    document = run.json()
    assert document["verdict"] == "breaking"
    assert findings(document) == [
        # open_account: Account(...) at line 44, session.add(account) at line 45: the INSERT is
        # reported where the model is named.
        # the ALTER of the migration not written yet (op.create_table("accounts", ...) is its context)
        ("not-null-without-default", "breaking", None, None),
        ("not-null-without-default", "breaking", "billing/repositories.py", 44),
    ]
    assert steps(document) == PLAN_NOT_NULL


def test_sqlalchemy_core_insert_without_the_column(depmap):
    run = impact(depmap, BILLING, "payment_events.currency", "--type", "varchar(3)", "--not-null")
    assert run.code == 1, run.err
    assert findings(run.json()) == [
        # payment_events.insert().values(invoice_id=..., ..., payload=...) sets no currency.
        ("not-null-without-default", "breaking", None, None),
        ("not-null-without-default", "breaking", "billing/repositories.py", 155),
    ]


def test_sqlalchemy_not_null_invoice_column_found_without_writers(depmap):
    run = impact(depmap, BILLING, "invoices.po_number", "--type", "text", "--not-null")
    assert run.code == 1, run.err
    document = run.json()
    assert document["query"]["table"] == "billing.invoices"
    present = findings(document)
    assert ("not-null-without-default", "breaking", None, None) in present
    readers = next(step for step in document["plan"] if step["name"] == "deploy-readers")
    assert "Declare the field on Invoice (billing/models/invoice.py:17)" in readers["description"]


@pytest.mark.xfail(strict=True, reason=(
    "billing/repositories.py:88 InvoiceRepository.draft_for_period builds Invoice(...) objects (line 85) "
    "and calls self.session.add_all(invoices): an INSERT into billing.invoices that cannot set a NOT NULL "
    "column the model lacks, but session.add_all is not recorded as an orm_create (who-writes "
    "billing.invoices lists no create at all), so not-null-without-default misses it"))
def test_sqlalchemy_session_add_all_is_a_writer(depmap):
    document = impact(depmap, BILLING, "invoices.po_number", "--type", "text", "--not-null").json()
    assert ("not-null-without-default", "breaking", "billing/repositories.py", 88) in findings(document)
    assert "deploy-writers" in steps(document)


# --- samples/warehouse: dbt sources, contracts, views and Airflow ------------------------------------

# lock-timeout findings anchored where this project runs no DDL (see the xfail below) are left out.
NO_DDL_HERE = {("lock-timeout", "warning", "dbt/models/staging/_sources.yml", 46),
               ("lock-timeout", "warning", "airflow/dags/load_events.py", 26)}


def judged(document: dict) -> list[tuple[str, str, str, int]]:
    return [f for f in findings(document) if f not in NO_DDL_HERE]


def test_warehouse_column_flows_through_star_into_a_contracted_model(depmap):
    run = impact(depmap, WAREHOUSE, "customers.loyalty_tier", "--type", "text")
    assert run.code == 1, run.err
    document = run.json()
    assert document["verdict"] == "breaking"
    assert judged(document) == [
        # dim_customers (contract enforced in _marts.yml) selects customers.* from stg_customers' `select *`;
        # line 3 is where its statement (the WITH) starts.
        ("contract-break", "breaking", "dbt/models/marts/dim_customers.sql", 3),
        # stg_customers: `select * from {{ source('shop', 'customers') }}`, reaching marts.dim_customers.
        ("downstream-propagation", "info", "dbt/models/staging/stg_customers.sql", 3),
        # CREATE VIEW reporting.customer_orders AS SELECT c.*, ... (statement at line 6).
        ("view-star-frozen", "info", "airflow/sql/reporting_views.sql", 6),
    ]
    contract = document["findings"][0]
    assert "dbt/models/marts/_marts.yml:21" in contract["fix"] and "- name: loyalty_tier" in contract["fix"]
    assert steps(document) == ["expand", "deploy-readers"]
    # The snapshot and the paid-orders export list their columns: not affected.
    assert not any(f["path"] in ("dbt/snapshots/customers_snapshot.sql", "airflow/sql/export_paid_orders.sql")
                   for f in document["findings"])


def test_warehouse_insert_select_star_between_two_tables(depmap):
    # load_events.py:26 `INSERT INTO raw_events SELECT * FROM staging_events` inside an Airflow task.
    source = impact(depmap, WAREHOUSE, "staging_events.source_ip", "--type", "text")
    assert source.code == 1, source.err
    assert judged(source.json()) == [
        ("insert-select-star", "breaking", "airflow/dags/load_events.py", 26),
        ("downstream-propagation", "info", "airflow/dags/load_events.py", 26),
    ]
    target = impact(depmap, WAREHOUSE, "raw_events.source_ip", "--type", "text")
    assert target.code == 0, target.err
    assert judged(target.json()) == [("insert-select-star", "warning", "airflow/dags/load_events.py", 26)]
    assert target.json()["verdict"] == "needs care"


def test_warehouse_no_lock_advice_without_ddl_in_the_project(depmap):
    """A proposal's lock advice is its plan's first step, never a finding at a line that runs no DDL
    (a dbt source of a replicated database, an Airflow INSERT ... SELECT)."""
    for args in (["customers.loyalty_tier", "--type", "text"], ["staging_events.source_ip", "--type", "text"]):
        assert not NO_DDL_HERE & set(findings(impact(depmap, WAREHOUSE, *args).json()))


# --- depmap check: the columns a migration adds ----------------------------------------------------


def columns(document: dict) -> list[tuple]:
    return [
        (c["column"]["table"], c["column"]["column"], c["column"]["type"], c["column"]["not_null"],
         c["column"]["default"], c["column"]["add_default"], c["column"]["origin"]["path"],
         c["column"]["origin"]["line"], c["verdict"])
        for c in document["columns"]
    ]  # fmt: skip


def test_check_sql_migration_from_the_sample_folder(depmap):
    run = depmap("check", "migrations/0004_customer_marketing.sql", "--format", "json", cwd=SHOP)
    assert run.code == 0, run.err
    document = run.json()
    assert document["query"] == {"migrations": ["migrations/0004_customer_marketing.sql"]}
    assert document["verdict"] == "needs care"
    assert document["problems"] == []
    assert columns(document) == [
        ("customers", "marketing_opt_in", "BOOLEAN", True, "FALSE", None, "migrations/0004_customer_marketing.sql", 4, "needs care"),
        ("customers", "marketing_opt_in_at", "TIMESTAMPTZ", False, None, None, "migrations/0004_customer_marketing.sql", 7, "needs care"),
    ]  # fmt: skip
    assert findings(document) == [
        ("lock-timeout", "warning", "migrations/0004_customer_marketing.sql", 4),
        ("table-rewrite", "warning", "migrations/0004_customer_marketing.sql", 4),
        ("lock-timeout", "warning", "migrations/0004_customer_marketing.sql", 7),
    ]
    rewrite = document["findings"][1]
    assert rewrite["confidence"] == "medium"  # the server version is unknown: a guess, labelled as one
    assert [steps(c) for c in document["columns"]] == [
        ["expand", "backfill", "constrain", "deploy-readers"],
        ["expand", "deploy-writers", "deploy-readers"],
    ]
    assert depmap("check", "migrations/0004_customer_marketing.sql", "--fail-on", "warning", cwd=SHOP).code == 1


def test_check_alembic_migration_with_path(depmap):
    migration = "samples/sqlalchemy_service/migrations/versions/3f2c9a11d8e4_add_invoice_due_date.py"
    run = depmap("check", migration, "--path", "samples/sqlalchemy_service", "--format", "json")
    assert run.code == 0, run.err
    document = run.json()
    relative = "migrations/versions/3f2c9a11d8e4_add_invoice_due_date.py"
    assert document["query"] == {"migrations": [relative]}
    assert document["verdict"] == "needs care"
    assert columns(document) == [
        ("accounts", "payment_terms_days", "INT", True, "30", None, relative, 24, "needs care"),
        ("billing.invoices", "due_date", "DATE", False, None, None, relative, 28, "needs care"),
    ]
    # Both models already declare the new fields (Account.payment_terms_days, Invoice.due_date).
    assert findings(document) == [
        ("lock-timeout", "warning", relative, 24),
        ("table-rewrite", "warning", relative, 24),
        ("lock-timeout", "warning", relative, 28),
        # the revision indexes the new column in the same transaction, without CONCURRENTLY
        ("blocking-index", "warning", relative, 39),
    ]
    assert "op.execute(\"SET lock_timeout = '5s'\")" in document["findings"][0]["fix"]
    assert [(o["description"], o["table"], o["line"]) for o in document["operations"]] == [
        ("op.create_index() (index ix_billing_invoices_due_date on billing.invoices (due_date))", "billing.invoices", 39),
    ]


def test_check_django_migration_with_path(depmap):
    migration = "samples/django_shop/orders/migrations/0002_order_discount_code.py"
    run = depmap("check", migration, "--path", "samples/django_shop", "--format", "json")
    assert run.code == 0, run.err
    document = run.json()
    relative = "orders/migrations/0002_order_discount_code.py"
    assert document["query"] == {"migrations": [relative]}
    assert document["verdict"] == "needs care"
    # AddField(CharField(blank=True, default="", max_length=32), preserve_default=False): the default
    # only fills existing rows; the column keeps none.
    assert columns(document) == [("sales_order", "discount_code", "VARCHAR(32)", True, None, "''", relative, 13, "needs care")]
    assert findings(document) == [
        ("exposes-all-fields", "warning", "orders/admin.py", 12),
        ("exposes-all-fields", "warning", "orders/serializers.py", 15),
        ("lock-timeout", "warning", relative, 13),
        ("table-rewrite", "warning", relative, 13),
    ]
    # models.py:47 already declares discount_code, so no orm-model-missing-field.
    assert steps(document["columns"][0]) == ["expand", "backfill", "constrain", "deploy-readers"]


# --- depmap check --diff BASE in a real git repository ------------------------------------------------

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
NEW_MIGRATION = "-- 0006_order_discount_code: codes entered at checkout.\n\nALTER TABLE orders ADD COLUMN discount_code text NOT NULL;\n"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(repo), "GIT_CONFIG_NOSYSTEM": "1"})
    return done.stdout


@pytest.fixture
def shop_repo(tmp_path: Path) -> Path:
    """The shop sample committed on main, with a feature branch checked out."""
    repo = tmp_path / "shop"
    shutil.copytree(SHOP, repo, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shop as deployed")
    git(repo, "checkout", "-q", "-b", "discount-codes")
    return repo


def test_check_diff_finds_the_branch_migration(depmap, shop_repo):
    (shop_repo / "migrations" / "0006_order_discount_code.sql").write_text(NEW_MIGRATION)
    (shop_repo / "shop" / "services" / "checkout.py").write_text(
        (shop_repo / "shop" / "services" / "checkout.py").read_text() + "\n# discount codes: see 0006\n")
    git(shop_repo, "add", "-A")
    git(shop_repo, "commit", "-q", "-m", "discount codes")

    run = depmap("check", "--diff", "main", "--format", "json", cwd=shop_repo)
    assert run.code == 1, run.err
    document = run.json()
    # Application code changed in the branch is not a migration and is left out.
    assert document["query"] == {"migrations": ["migrations/0006_order_discount_code.sql"]}
    assert document["verdict"] == "breaking"
    assert columns(document) == [
        ("orders", "discount_code", "TEXT", True, None, None, "migrations/0006_order_discount_code.sql", 3, "breaking")
    ]
    assert findings(document) == [
        ("not-null-without-default", "breaking", "migrations/0006_order_discount_code.sql", 3),
        ("not-null-without-default", "breaking", "shop/repositories/orders.py", 52),
        ("select-star", "breaking", "shop/repositories/orders.py", 81),
        ("lock-timeout", "warning", "migrations/0006_order_discount_code.sql", 3),
        ("select-star", "warning", "shop/reports/sales.py", 98),
        ("unparsed-sql", "info", "shop/broken_sql.py", 12),
        ("view-star-frozen", "info", "migrations/0005_inventory_cleanup.sql", 8),
    ]
    assert steps(document["columns"][0]) == PLAN_NOT_NULL

    text = depmap("check", "--diff", "main", cwd=shop_repo)
    assert text.code == 1, text.err
    lines = [line.rstrip() for line in text.out.splitlines()]
    assert lines[0] == "Checked 1 file(s): 1 column(s) added; overall verdict: breaking"
    assert lines[1] == ""
    assert set(lines[2]) == {"─"}
    assert lines[3:8] == [
        "Adding orders.discount_code TEXT NOT NULL",
        "Target: postgres (version unknown), from config",
        "Migration: migrations/0006_order_discount_code.sql:3",
        "Verdict: breaking (3 breaking, 2 warning, 2 info)",
        "",
    ]
    assert depmap("check", "--diff", "main", "--fail-on", "never", cwd=shop_repo).code == 0


def test_check_diff_counts_an_uncommitted_migration(depmap, shop_repo):
    (shop_repo / "migrations" / "0006_order_discount_code.sql").write_text(NEW_MIGRATION)
    run = depmap("check", "--diff", "main", "--format", "json", cwd=shop_repo)
    assert run.code == 1, run.err
    assert run.json()["query"] == {"migrations": ["migrations/0006_order_discount_code.sql"]}


def test_check_diff_with_no_changed_migration(depmap, shop_repo):
    run = depmap("check", "--diff", "main", cwd=shop_repo)
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines() == [
        "No migrations changed; nothing to check.",
        "Checked 0 file(s): 0 column(s) added; overall verdict: safe",
    ]
    document = depmap("check", "--diff", "main", "--format", "json", cwd=shop_repo).json()
    assert (document["query"], document["verdict"], document["columns"], document["findings"]) == (
        {"migrations": []}, "safe", [], [])


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("nope", "depmap: unknown ref 'nope'; pass a branch, tag or commit that exists (git branch -a lists them)\n"),
        ("origin/main", "depmap: unknown ref 'origin/main'; fetch it first (git fetch origin main) or pass a ref that exists\n"),
    ],
)
def test_check_diff_unknown_ref(depmap, shop_repo, ref, message):
    run = depmap("check", "--diff", ref, cwd=shop_repo)
    assert (run.code, run.out, run.err) == (2, "", message)


def test_check_diff_outside_a_git_repository(depmap, tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    run = depmap("check", "--diff", "main", cwd=project)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"depmap: {project} is not inside a git repository; --diff needs one, or name the migrations to check\n"
