"""The terminal output of the queries on a project laid out as real ones are: production sites
first, test sites folded per file, `--limit`, one row per site, code printed whole at any width,
and long output through a pager only on a terminal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, depmap_command
from tests.e2e.terminal import on_terminal

SHOP = REPO / "samples" / "shop_sql"

REPORT_SQL = "SELECT o.id, o.customer_id, o.status, o.total_cents, o.note FROM orders AS o WHERE o.status IN ('pending', 'paid') ORDER BY o.id DESC"
LONG_SQL = (  # longer than the snippet a scanner keeps (160 characters)
    "SELECT o.id, o.customer_id, o.status, o.total_cents FROM orders AS o "
    "WHERE o.status IN ('pending', 'paid') AND o.total_cents > %(threshold)s AND o.customer_id = %(customer)s ORDER BY o.id DESC"
)

FILES = {
    "pyproject.toml": '[tool.depmap]\ndialect = "postgres"\n',
    "shop/schema.sql": (
        "CREATE TABLE orders (\n    id bigserial PRIMARY KEY,\n    customer_id bigint NOT NULL,\n"
        "    status text NOT NULL,\n    total_cents integer NOT NULL,\n    note text\n);\n"
    ),
    "shop/checkout.py": (
        "def place_order(cur, customer_id, total_cents):\n"
        "    cur.execute(\n"
        "        \"INSERT INTO orders (customer_id, status, total_cents) VALUES (%s, 'pending', %s) RETURNING id\",\n"
        "        (customer_id, total_cents),\n"
        "    )\n"
        "    return cur.fetchone()[0]\n"
    ),
    "shop/payments.py": (
        "def mark_paid(cur, order_id):\n"
        "    cur.execute(\"UPDATE orders SET status = 'paid' WHERE id = %s\", (order_id,))\n"
    ),
    "shop/admin_tools.py": (
        "def annotate(cur, order_id, note):\n"
        "    cur.execute(\"UPDATE orders SET note = %s, status = 'reviewed' WHERE id = %s\", (note, order_id))\n"
    ),
    "shop/reports.py": (
        "def big_orders(cur):\n"
        f"    cur.execute(\"{REPORT_SQL}\")\n"
        "    return cur.fetchall()\n"
    ),
    "shop/customer_reports.py": (
        "def big_orders_of(cur, customer, threshold):\n"
        f"    cur.execute(\"{LONG_SQL}\", {{\"customer\": customer, \"threshold\": threshold}})\n"
        "    return cur.fetchall()\n"
    ),
    "tests/test_checkout.py": (
        "def test_place_order(cur):\n"
        "    cur.execute(\"INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'pending', 100)\")\n"
        "    cur.execute(\"INSERT INTO orders (customer_id, status, total_cents) VALUES (2, 'pending', 250)\")\n"
        "    cur.execute(\"UPDATE orders SET status = 'cancelled' WHERE customer_id = 2\")\n"
        "    cur.execute(\"DELETE FROM orders WHERE customer_id = 1\")\n"
    ),
    "tests/test_payments.py": (
        "def test_mark_paid(cur):\n"
        "    cur.execute(\"INSERT INTO orders (customer_id, status, total_cents) VALUES (3, 'pending', 900)\")\n"
        "    cur.execute(\"UPDATE orders SET status = 'paid' WHERE customer_id = 3\")\n"
    ),
}

PRODUCTION_ROWS = [
    "Code that writes orders: 9 usages in 5 files",
    "",
    "shop/admin_tools.py",
    "2  write update  annotate  orders(note, status)  UPDATE orders SET note = %s, status = 'reviewed' WHERE id = %s",
    "",
    "shop/checkout.py",
    "3  write insert  place_order  orders(customer_id, status, total_cents)  "
    "INSERT INTO orders (customer_id, status, total_cents) VALUES (%s, 'pending', %s) RETURNING id",
    "",
    "shop/payments.py",
    "2  write update  mark_paid  orders(status)  UPDATE orders SET status = 'paid' WHERE id = %s",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shop")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_production_sites_come_first_and_test_sites_fold_to_a_count_per_file(depmap, project):
    run = depmap("who-writes", "orders", "--path", str(project))
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines() == [
        *PRODUCTION_ROWS,
        "",
        "In test code: 6 usages in 2 files (--tests lists them)",
        "  tests/test_checkout.py: 4 usages",
        "  tests/test_payments.py: 2 usages",
    ]


def test_tests_lists_the_test_sites_after_the_production_ones(depmap, project):
    run = depmap("who-writes", "orders", "--path", str(project), "--tests")
    assert run.out.splitlines() == [
        *PRODUCTION_ROWS,
        "",
        "In test code: 6 usages in 2 files",
        "",
        "tests/test_checkout.py",
        "2  write insert  test_place_order  orders(customer_id, status, total_cents)  "
        "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'pending', 100)",
        "3  write insert  test_place_order  orders(customer_id, status, total_cents)  "
        "INSERT INTO orders (customer_id, status, total_cents) VALUES (2, 'pending', 250)",
        "4  write update  test_place_order  orders(status)                            "
        "UPDATE orders SET status = 'cancelled' WHERE customer_id = 2",
        "5  write delete  test_place_order  orders(—)                                 DELETE FROM orders WHERE customer_id = 1",
        "",
        "tests/test_payments.py",
        "2  write insert  test_mark_paid  orders(customer_id, status, total_cents)  "
        "INSERT INTO orders (customer_id, status, total_cents) VALUES (3, 'pending', 900)",
        "3  write update  test_mark_paid  orders(status)                            UPDATE orders SET status = 'paid' WHERE customer_id = 3",
    ]


def test_limit_prints_that_many_rows_and_says_how_many_it_left_out(depmap, project):
    run = depmap("who-writes", "orders", "--path", str(project), "--limit", "2")
    assert run.out.splitlines() == [
        *PRODUCTION_ROWS[:7],
        "",
        "… 1 more not shown (--limit 2)",
        "",
        "In test code: 6 usages in 2 files (--tests lists them)",
        "  tests/test_checkout.py: 4 usages",
        "  tests/test_payments.py: 2 usages",
    ]
    with_tests = depmap("who-writes", "orders", "--path", str(project), "--limit", "4", "--tests").out.splitlines()
    assert with_tests[len(PRODUCTION_ROWS):] == [
        "",
        "In test code: 6 usages in 2 files",
        "",
        "tests/test_checkout.py",
        "2  write insert  test_place_order  orders(customer_id, status, total_cents)  "
        "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'pending', 100)",
        "",
        "… 5 more not shown (--limit 4)",
    ]


def test_limit_leaves_the_json_document_whole(depmap, project):
    limited = depmap("who-writes", "orders", "--path", str(project), "--limit", "1", "--format", "json").json()
    whole = depmap("who-writes", "orders", "--path", str(project), "--format", "json").json()
    assert limited == whole and len(whole["usages"]) == 9


def test_limit_on_downstream_and_mentions(depmap):
    run = depmap("downstream", "customers", "--path", str(REPO / "samples" / "warehouse"), "--limit", "2")
    assert run.out.splitlines() == [
        "Downstream of customers: 5 relations reached",
        "",
        "customers_snapshot         <- customers        dbt/snapshots/customers_snapshot.sql:12",
        "reporting.customer_orders  <- customers via *  airflow/sql/reporting_views.sql:6",
        "",
        "… 3 more not shown (--limit 2)",
    ]
    mentions = depmap("who-reads", "orders", "--path", str(SHOP), "--mentions", "--limit", "2").out.splitlines()
    start = mentions.index(next(line for line in mentions if line.startswith("Lines that mention orders without a classified usage: 29")))
    listed = [line for line in mentions[start + 1:] if line[:1].isdigit()]
    assert [line.split()[:2] for line in listed] == [["9", "not-analysed"], ["23", "comment"]]
    assert mentions[start + 1 + mentions[start + 1:].index("… 27 more not shown (--limit 2)") - 1] == ""


def test_a_limit_below_one_is_a_usage_error(depmap, project):
    run = depmap("who-reads", "orders", "--path", str(project), "--limit", "0")
    assert run.code == 2 and run.out == ""
    assert "--limit" in run.err and "0" in run.err


def test_a_site_naming_several_columns_is_one_row(depmap):
    """`order.number` and `order.status` on one line of apply_discount were two rows."""
    lines = depmap("who-reads", "sales_order", "--path", str(REPO / "samples" / "django_shop")).out.splitlines()
    rows = [line.split("  ") for line in lines if "apply_discount" in line and "orm_attribute" in line]
    assert [[cell.strip() for cell in row if cell.strip()][:4] for row in rows] == [
        ["74", "read orm_attribute", "apply_discount", "sales_order(status)"],
        ["75", "read orm_attribute", "apply_discount", "sales_order(number, status)"],
        ["77", "read orm_attribute", "apply_discount", "sales_order(total_amount)"],
    ]
    assert lines[0] == "Code that reads sales_order: 36 usages in 7 files (22 name it, 3 load the whole row, 11 read the attribute)"


def test_a_narrow_terminal_gets_the_code_whole_on_its_own_line(project, user_cache):
    code, shown, err = on_terminal("who-reads", "orders.status", "--path", str(project), "--no-pager", columns=60, lines=200, cache=user_cache)
    assert (code, err) == (0, "")
    lines = shown.splitlines()
    at = lines.index("shop/reports.py")
    assert lines[at:at + 3] == ["shop/reports.py", "2  read select  big_orders", f"   {REPORT_SQL}"]
    assert REPORT_SQL in shown  # one line: the SQL is never broken, cut or ellipsised
    # What the scanner kept of a longer statement ends at a whole word.
    at = lines.index("shop/customer_reports.py")
    assert lines[at + 2] == ("   SELECT o.id, o.customer_id, o.status, o.total_cents FROM orders AS o WHERE o.status IN ('pending', 'paid') "
                             "AND o.total_cents > %(threshold)s AND …")


def test_a_narrow_terminal_breaks_a_column_list_after_a_comma(project, user_cache):
    code, shown, _ = on_terminal("who-reads", "orders", "--path", str(project), "--no-pager", columns=60, lines=200, cache=user_cache)
    lines = shown.splitlines()
    at = lines.index("shop/reports.py")
    assert lines[at:at + 5] == [
        "shop/reports.py",
        "2  read select  big_orders",
        "   orders(id, customer_id, status, total_cents, note)",
        f"   {REPORT_SQL}",
        "",
    ]


def test_a_narrow_terminal_keeps_a_fix_indented_and_its_sql_steps_whole(user_cache):
    code, shown, _ = on_terminal("impact", "orders.touched_at", "--type", "timestamptz", "--default", "clock_timestamp()",
                                 "--path", str(SHOP), "--no-pager", columns=60, lines=500, cache=user_cache)
    assert code == 0
    lines = shown.splitlines()
    at = lines.index("  (the new migration)  [table-rewrite]")
    fix = lines.index("    fix: A safer approach is to add the column plain and do", at)
    assert lines[fix:fix + 9] == [
        "    fix: A safer approach is to add the column plain and do",
        "    the expensive parts without a long lock (each in its own",
        "    migration; the rollout plan lists the code to change in",
        "    between):",
        "      1. SET lock_timeout = '5s';",
        "      2. ALTER TABLE orders ADD COLUMN touched_at TIMESTAMPTZ;",
        "      3. ALTER TABLE orders ALTER COLUMN touched_at SET DEFAULT clock_timestamp();",
        "      4. SELECT max(id) FROM (SELECT id FROM orders WHERE id > :last_id ORDER BY id LIMIT 5000) AS batch;",
        "      5. UPDATE orders SET touched_at = clock_timestamp() WHERE id > :last_id AND id <= :batch_end AND "
        "touched_at IS NULL;  -- one batch; repeat from :last_id = :batch_end until the batch end is NULL",
    ]
    # A `code span` of a message is one word: on a line of its own, whole, when it is wider than the terminal.
    assert ("    `SELECT id, customer_id, status, total_cents, currency, placed_at, created_at, updated_at, paid_at "
            "FROM orders WHERE id = %s`.") in lines
    prose = [line for line in lines if line.startswith("    ") and not line.startswith(("    `", "      "))]
    assert prose and all(len(line) <= 60 for line in prose)
    plan = next(n for n, line in enumerate(lines) if line.startswith("Rollout plan for "))
    assert "   ALTER TABLE orders ADD COLUMN touched_at TIMESTAMPTZ;" in lines[plan:]


PAGER = "sed s/^/PAGED:/"  # a pager that shows it was the one printing


def test_long_output_on_a_terminal_goes_through_the_pager(user_cache):
    code, shown, _ = on_terminal("who-reads", "orders", "--path", str(SHOP), columns=120, lines=10, env={"PAGER": PAGER}, cache=user_cache)
    lines = [line for line in shown.splitlines() if line]
    assert code == 0 and len(lines) > 10
    assert all(line.startswith("PAGED:") for line in lines)
    assert lines[0].startswith("PAGED:Code that reads orders: ")


def test_no_pager_when_it_fits_when_asked_not_to_or_in_a_pipe(user_cache, project):
    _, fits, _ = on_terminal("who-reads", "orders", "--path", str(SHOP), columns=120, lines=500, env={"PAGER": PAGER}, cache=user_cache)
    _, refused, _ = on_terminal("who-reads", "orders", "--path", str(SHOP), "--no-pager", columns=120, lines=10, env={"PAGER": PAGER}, cache=user_cache)
    _, before, _ = on_terminal("--no-pager", "who-reads", "orders", "--path", str(SHOP), columns=120, lines=10, env={"PAGER": PAGER}, cache=user_cache)
    for shown in (fits, refused, before):
        assert shown.startswith("Code that reads orders: ") and "PAGED:" not in shown
    piped = subprocess.run([*depmap_command(), "who-reads", "orders", "--path", str(SHOP)], capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(REPO), "XDG_CACHE_HOME": str(user_cache), "PAGER": PAGER, "LINES": "5"})
    assert piped.stdout.startswith("Code that reads orders: ") and "PAGED:" not in piped.stdout


def test_limit_on_history(depmap):
    run = depmap("history", "orders", "--path", str(SHOP), "--limit", "1")
    assert run.out.splitlines() == [
        "Schema history of orders: 9 operations",
        "  migrations/0001_initial.sql:24  create_table  (id, customer_id, status, total_cents, currency, placed_at, created_at, updated_at)",
        "  … 8 more not shown (--limit 1)",
    ]


def test_in_a_pipe_a_row_naming_many_columns_leaves_the_others_aligned(tmp_path, depmap):
    """A statement naming every column (an ORM's whole-row load names eighty): in a pipe, where
    nothing wraps, its cell set the width of the file's column, and every other row's code sat
    that far to the right."""
    columns = ["id", "customer_id", "status", "total_cents", "currency", "issued_at", "due_at", "paid_at", "note"]
    (tmp_path / "billing").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.depmap]\ndialect = "postgres"\n')
    (tmp_path / "billing" / "schema.sql").write_text(
        "CREATE TABLE invoices (\n" + ",\n".join(f"    {name} text" for name in columns) + "\n);\n")
    (tmp_path / "billing" / "invoices.py").write_text(
        "def invoice(cur, invoice_id):\n"
        f"    cur.execute(\"SELECT {', '.join(columns)} FROM invoices WHERE id = %s\", (invoice_id,))\n"
        "    return cur.fetchone()\n"
        "\n\n"
        "def status_of(cur, invoice_id):\n"
        "    cur.execute(\"SELECT status FROM invoices WHERE id = %s\", (invoice_id,))\n"
        "    return cur.fetchone()[0]\n"
        "\n\n"
        "def overdue(cur, today):\n"
        "    cur.execute(\"SELECT id, due_at FROM invoices WHERE due_at < %s AND paid_at IS NULL\", (today,))\n"
        "    return cur.fetchall()\n"
    )
    lines = depmap("who-reads", "invoices", "--path", str(tmp_path)).out.splitlines()
    at = lines.index("billing/invoices.py")
    assert lines[at + 1:at + 4] == [
        f" 2  read select  invoice    invoices({', '.join(columns)})  SELECT {', '.join(columns)} FROM invoices WHERE id = %s",
        " 7  read select  status_of  invoices(status, id)           SELECT status FROM invoices WHERE id = %s",
        "12  read select  overdue    invoices(id, due_at, paid_at)  SELECT id, due_at FROM invoices WHERE due_at < %s AND paid_at IS NULL",
    ]
