"""Graph questions: a star reads every column, a positional insert writes every column."""

from __future__ import annotations

from depmap.graph import DependencyGraph
from depmap.scanners.context import ScanContext
from depmap.scanners.sql_files import scan_sql_file

SQL = """\
SELECT id, status FROM orders WHERE customer_id = 1;
SELECT * FROM orders;
SELECT count(*) FROM orders;
INSERT INTO orders (id, customer_id) VALUES (1, 2);
INSERT INTO orders VALUES (1, 2, 'new');
UPDATE orders SET status = 'paid' WHERE id = 1;
DELETE FROM orders WHERE status = 'void';
COPY orders FROM STDIN;
INSERT INTO orders_archive SELECT * FROM orders;
SELECT id FROM analytics.orders;
"""


def graph() -> DependencyGraph:
    return DependencyGraph(scan_sql_file("q.sql", SQL, ScanContext()).facts)


def lines(facts) -> list[tuple[int, str, str]]:
    return [(f.location.line, f.access, f.detail) for f in facts]


def test_readers_of_a_column_include_star_readers():
    assert lines(graph().readers("orders", "status")) == [
        (1, "read", "select"),
        (2, "read", "select_star"),
        (7, "read", "delete"),
        (9, "read", "insert_select_star"),
    ]


def test_readers_of_a_table_include_every_read():
    assert lines(graph().readers("orders")) == [
        (1, "read", "select"),
        (2, "read", "select"),
        (2, "read", "select_star"),
        (3, "read", "select"),
        (6, "read", "update"),
        (7, "read", "delete"),
        (9, "read", "insert_select_star"),
        (9, "read", "select"),
    ]


def test_writers_of_a_column_include_positional_inserts_and_copy():
    assert lines(graph().writers("orders", "status")) == [
        (5, "write", "positional_insert"),
        (6, "write", "update"),
        (8, "write", "copy"),
    ]


def test_writers_of_a_table_include_deletes():
    assert [line for line, _, _ in lines(graph().writers("orders"))] == [4, 5, 6, 7, 8]


def test_flows_and_table_names():
    g = graph()
    assert [(f.table, f.extra["to"], f.location.line) for f in g.flows()] == [("orders", "orders_archive", 9)]
    assert g.tables() == ["analytics.orders", "orders", "orders_archive"]
    assert g.resolve_table("orders") == ["orders"]
    assert g.resolve_table("ORDERS") == ["orders"]
    assert g.resolve_table("analytics.orders") == ["analytics.orders"]
    assert g.close_matches("ordres") == ["orders"]
