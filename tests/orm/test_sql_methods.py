"""A method that runs raw SQL, called on an object of its class: its reads and writes at the call,
through bases and calls on `self`, whatever binds the receiver (a constructor, an annotation, a
module-level object)."""

from __future__ import annotations

from pathlib import Path

from depmap.index.build import build_index

REPOSITORIES = '''\
class BaseRepository:
    table = None

    def __init__(self, conn):
        self.conn = conn

    def purge_closed(self):
        self.conn.execute("DELETE FROM orders WHERE status = 'closed'")


class OrderRepository(BaseRepository):
    def open_orders(self, customer_id):
        return self.conn.execute(
            "SELECT id, total FROM orders WHERE customer_id = %s AND status = 'open'", (customer_id,)
        ).fetchall()

    def close(self, order_id):
        self.conn.execute("UPDATE orders SET status = 'closed' WHERE id = %s", (order_id,))
        self.archive(order_id)

    def archive(self, order_id):
        self.conn.execute("INSERT INTO order_archive SELECT * FROM orders WHERE id = %s", (order_id,))


orders = OrderRepository(None)
'''

VIEWS = '''\
from shop.repositories import OrderRepository, orders


def dashboard(conn, customer_id):
    repo = OrderRepository(conn)
    rows = repo.open_orders(customer_id)
    orders.close(rows[0][0])
    repo.purge_closed()
    return rows


def report(repo: OrderRepository):
    return len(repo.open_orders(1))
'''


def test_sql_of_a_method_is_reported_at_its_calls(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "repositories.py").write_text(REPOSITORIES)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    index = build_index(tmp_path)
    at_calls = sorted(
        (f.location.line, f.location.symbol, f.table, f.access, f.detail, f.columns, f.extra["inferred_from"])
        for table in ("orders", "order_archive")
        for f in index.graph.readers(table) + index.graph.writers(table)
        if f.location.path == "shop/views.py"
    )
    open_orders = "method shop.repositories.OrderRepository.open_orders"
    close = "method shop.repositories.OrderRepository.close on shop.repositories.orders, bound by shop.repositories.orders = OrderRepository(...)"
    purge = "method shop.repositories.BaseRepository.purge_closed"  # found through the base class
    dashboard = "shop.views.dashboard"
    assert at_calls == [
        (6, dashboard, "orders", "read", "select", ("id", "total", "customer_id", "status"), open_orders),
        # close() updates, then archives through self.archive(...): an INSERT ... SELECT *, its `*` kept apart
        (7, dashboard, "order_archive", "write", "insert_select_star", (), close),
        (7, dashboard, "orders", "read", "insert_select_star", (), close),
        (7, dashboard, "orders", "read", "select", ("id",), close),
        (7, dashboard, "orders", "read", "update", ("id",), close),
        (7, dashboard, "orders", "write", "update", ("status",), close),
        (8, dashboard, "orders", "read", "delete", ("status",), purge),
        (8, dashboard, "orders", "write", "delete", (), purge),
        (13, "shop.views.report", "orders", "read", "select", ("id", "total", "customer_id", "status"), open_orders),
    ]
