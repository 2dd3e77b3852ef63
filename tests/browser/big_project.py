"""A generated project whose `orders` table has about 2,000 readers and writers, for the layout tests.

Ninety report modules and ten test modules, twenty functions each, every one running its own
query (distinct columns, filters and thresholds), as a large order-management codebase does; a
legacy module adds the few sites a new column breaks (`SELECT *`, an INSERT with no column list).
The report of it is what a real repository produces: long file and function names, a wide table
(31 columns), usages in test code, findings in production and in tests.
"""

from __future__ import annotations

from pathlib import Path

COLUMNS = (
    "id", "customer_id", "status", "total_cents", "currency", "placed_at", "paid_at", "shipped_at", "delivered_at",
    "cancelled_at", "refunded_cents", "tax_cents", "shipping_cents", "discount_cents", "coupon_code", "channel",
    "sales_rep_id", "warehouse_id", "carrier", "tracking_number", "billing_address_id", "shipping_address_id",
    "notes", "gift_wrap", "priority", "source_campaign", "external_reference", "fraud_score", "locale",
    "created_at", "updated_at",
)
MODULES, TEST_MODULES, FUNCTIONS = 90, 10, 20
USAGES = (MODULES + TEST_MODULES) * FUNCTIONS


def _query(module: int, function: int) -> tuple[str, str]:
    """The function's name and its SQL; each (module, function) pair gets a statement of its own."""
    n = module * FUNCTIONS + function
    picked = ", ".join(COLUMNS[(n + k * 7) % len(COLUMNS)] for k in range(3))
    kind = function % 5
    if kind == 0:
        return f"count_orders_in_status_{n}", f"SELECT count(*) FROM orders WHERE status = %s AND total_cents > {n}"
    if kind == 1:
        return f"mark_orders_reviewed_{n}", f"UPDATE orders SET priority = {n % 7}, updated_at = now() WHERE id = %s AND fraud_score > {n % 90}"
    if kind == 2:
        return f"record_order_from_channel_{n}", ("INSERT INTO orders (customer_id, status, total_cents, currency, channel) "
                                                  f"VALUES (%s, 'new', %s, 'EUR', 'channel_{n}')")
    if kind == 3 and function == 3:
        return f"export_every_order_column_{n}", f"SELECT {', '.join(COLUMNS)} FROM orders WHERE placed_at >= %s AND id > {n}"
    return f"orders_for_customer_report_{n}", f"SELECT {picked} FROM orders WHERE customer_id = %s AND total_cents > {n} ORDER BY placed_at"


def _module(module: int) -> str:
    lines = [f'"""Order queries of reporting region {module:03}."""', ""]
    for function in range(FUNCTIONS):
        name, sql = _query(module, function)
        lines += ["", f"def {name}(conn, value):", f'    return conn.execute("{sql}", (value,)).fetchall()', ""]
    return "\n".join(lines)


LEGACY = '''"""The nightly export: the oldest code that still touches orders."""


def dump_all_orders(conn):
    rows = conn.execute("SELECT * FROM orders ORDER BY id").fetchall()
    return [list(row) for row in rows]


def restore_order(conn, row):
    conn.execute("INSERT INTO orders VALUES (%s)" % ", ".join(["%s"] * len(row)), row)
'''


def write_big_project(root: Path) -> Path:
    """Write the project under `root` and return it."""
    (root / "migrations").mkdir(parents=True)
    definitions = ",\n".join(f"    {name} {'bigint PRIMARY KEY' if name == 'id' else 'text'}" for name in COLUMNS)
    (root / "migrations" / "0001_orders.sql").write_text(f"CREATE TABLE orders (\n{definitions}\n);\n")
    (root / "pyproject.toml").write_text('[project]\nname = "ordering"\n\n[tool.depmap]\ndialect = "postgres"\n')
    for module in range(MODULES):
        folder = root / "ordering" / "reporting" / f"region_{module // 10:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"order_queries_for_region_{module:03}.py").write_text(_module(module))
    tests = root / "tests" / "reporting"
    tests.mkdir(parents=True)
    for module in range(MODULES, MODULES + TEST_MODULES):
        (tests / f"test_order_queries_{module:03}.py").write_text(_module(module))
    (root / "ordering" / "legacy_export.py").write_text(LEGACY)
    return root
