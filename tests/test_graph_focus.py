"""`depmap graph TABLE --depth N`: the part of the graph within N hops of a table or column."""

from __future__ import annotations

import pytest

from depmap.graph import DependencyGraph
from depmap.scan_context import ScanContext
from depmap.frameworks.sql_files.scanner import scan_sql_file

FILES = {
    "db/schema.sql": (
        "CREATE TABLE customers (id int PRIMARY KEY, email text);\n"
        "CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text);\n"
        "CREATE TABLE audit (id int PRIMARY KEY, note text);\n"
    ),
    "db/views.sql": "CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'open';\n",
    "app/place_order.sql": "INSERT INTO orders (id, customer_id, status) VALUES (1, 2, 'open');\n",
    "app/order_emails.sql": "SELECT o.id, c.email FROM orders AS o JOIN customers AS c ON c.id = o.customer_id;\n",
    "app/open_report.sql": "SELECT id FROM open_orders;\n",
    "app/change_email.sql": "UPDATE customers SET email = 'x' WHERE id = 1;\n",
    "app/audit.sql": "INSERT INTO audit (id, note) VALUES (1, 'x');\n",
}


@pytest.fixture(scope="module")
def graph() -> DependencyGraph:
    return DependencyGraph([fact for path, text in FILES.items() for fact in scan_sql_file(path, text, ScanContext()).facts])


def kinds(nodes: set[str], kind: str) -> list[str]:
    return sorted(node.split(":", 1)[1] for node in nodes if node.startswith(kind + ":"))


def test_one_hop_is_the_code_of_the_table_and_the_views_over_it(graph):
    nodes = graph.around(["orders"])
    assert kinds(nodes, "code") == ["app/order_emails.sql", "app/place_order.sql", "db/schema.sql", "db/views.sql"]
    assert kinds(nodes, "table") == ["open_orders", "orders"]
    # a table reached brings every column the graph knows of it (open_orders: the one its readers name)
    assert kinds(nodes, "column") == ["open_orders.id", "orders.customer_id", "orders.id", "orders.status"]
    assert ("table:orders", "table:open_orders", "flows_all") in {(e["source"], e["target"], e["kind"]) for e in graph.node_link(nodes)["edges"]}


def test_each_hop_goes_one_step_further_and_a_schema_file_is_no_bridge(graph):
    two = graph.around(["orders"], depth=2)
    assert kinds(two, "table") == ["customers", "open_orders", "orders"]  # order_emails.sql joins customers
    assert kinds(two, "code") == ["app/open_report.sql", "app/order_emails.sql", "app/place_order.sql", "db/schema.sql", "db/views.sql"]
    three = graph.around(["orders"], depth=3)
    assert kinds(three, "code") == sorted([*kinds(two, "code"), "app/change_email.sql"])  # the other code of customers
    assert "table:audit" not in graph.around(["orders"], depth=9)  # schema.sql defines it, nothing links it


def test_a_column_brings_its_own_code_and_flows_only(graph):
    nodes = graph.around(["orders"], "status")
    assert kinds(nodes, "code") == ["app/place_order.sql", "db/schema.sql", "db/views.sql"]
    assert kinds(nodes, "column") == ["open_orders.id", "orders.status"]  # SELECT * carries it into the view
    document = graph.node_link(nodes)
    assert {(e["source"], e["target"], e["kind"]) for e in document["edges"] if e["target"] == "column:orders.status"} == {
        ("code:app/place_order.sql", "column:orders.status", "writes"),
        ("code:db/schema.sql", "column:orders.status", "defines"),
        ("code:db/views.sql", "column:orders.status", "reads"),
        ("table:orders", "column:orders.status", "has_column"),
    }
    assert all(e["source"] in nodes and e["target"] in nodes for e in document["edges"])


def test_the_whole_graph_is_unchanged_without_a_focus(graph):
    assert graph.node_link() == graph.node_link(None)
    assert len(graph.node_link()["nodes"]) > len(graph.node_link(graph.around(["orders"], depth=9))["nodes"])
