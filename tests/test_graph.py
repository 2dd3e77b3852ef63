"""Graph questions: a star reads every column, a positional insert writes every column."""

from __future__ import annotations

from depmap.graph import DependencyGraph
from depmap.scan_context import ScanContext
from depmap.frameworks.sql_files.scanner import scan_sql_file

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
    assert sorted((f.table, f.extra["to"], f.detail, f.location.line) for f in g.flows()) == [
        ("orders", "orders_archive", "star", 9),
        ("orders", "orders_archive", "table", 9),
    ]
    assert g.tables() == ["analytics.orders", "orders", "orders_archive"]
    assert g.resolve_table("orders") == ["orders"]
    assert g.resolve_table("ORDERS") == ["orders"]
    assert g.resolve_table("analytics.orders") == ["analytics.orders"]
    assert g.close_matches("ordres") == ["orders"]


def test_downstream_follows_stars_and_columns_over_several_hops():
    sql = (
        "CREATE VIEW v1 AS SELECT o.*, 1 AS one FROM orders o;\n"
        "INSERT INTO archive (order_id, state) SELECT id, status FROM v1;\n"
        "CREATE TABLE summary AS SELECT state, count(*) AS n FROM archive GROUP BY state;\n"
        "CREATE TABLE unrelated AS SELECT total FROM orders;\n"
    )
    g = DependencyGraph(scan_sql_file("flows.sql", sql, ScanContext()).facts)
    hops = [(h.depth, h.source, h.source_column, h.target, h.target_column, h.fact.detail, h.fact.location.line)
            for h in g.downstream("orders", "status")]
    assert hops == [
        (1, "orders", "status", "v1", "status", "star", 1),
        (2, "v1", "status", "archive", "state", "column", 2),
        (3, "archive", "state", "summary", "state", "column", 3),
    ]
    assert [(h.depth, h.target) for h in g.downstream("orders")] == [
        (1, "unrelated", ), (1, "v1"), (2, "archive"), (3, "summary"),
    ]


MODELS = """\
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

metadata = MetaData()


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


payment_events = Table(
    "payment_events",
    metadata,
    Column("id", Integer, primary_key=True),
)
"""


def test_a_sqlalchemy_model_defines_its_columns_and_its_symbolic_facts_draw_no_edge():
    """The linker keeps the model's and the Core binding's symbolic facts for the rules; in the
    graph they once became `defines` edges with no detail, beside the model definition's."""
    from depmap.python.scanner import scan_python
    from depmap.registry import PYTHON_ANALYSES, link_facts

    facts = link_facts(scan_python("billing/models.py", MODELS, ScanContext(), analyses=PYTHON_ANALYSES).facts)
    assert {f.kind for f in facts} >= {"model", "table_binding", "table_def", "column_def"}
    edges = [(e["source"], e["target"], e["kind"], e.get("line"), e.get("detail")) for e in DependencyGraph(facts).node_link()["edges"]]
    assert edges == [
        ("code:billing/models.py::billing.models.Account", "column:accounts.id", "defines", 11, "model_definition"),
        ("code:billing/models.py::billing.models.Account", "column:accounts.id", "defines", 14, "model_definition"),
        ("code:billing/models.py::billing.models.Account", "column:accounts.name", "defines", 11, "model_definition"),
        ("code:billing/models.py::billing.models.Account", "column:accounts.name", "defines", 15, "model_definition"),
        ("code:billing/models.py::billing.models.payment_events", "column:payment_events.id", "defines", 18, "model_definition"),
        ("code:billing/models.py::billing.models.payment_events", "column:payment_events.id", "defines", 21, "model_definition"),
        ("table:accounts", "column:accounts.id", "has_column", None, None),
        ("table:accounts", "column:accounts.name", "has_column", None, None),
        ("table:payment_events", "column:payment_events.id", "has_column", None, None),
    ]


def test_every_edge_names_its_ends_with_the_graphs_own_node_name():
    g = graph().g
    ends = [(source, target) for source, target, _data in g.edges()]
    ends += [(source, node) for node in list(g.nodes) for source, _, _data in g.in_edges(node)]
    assert len(ends) > 20
    assert [(s, t) for s, t in ends if g.nodes[s][3] is not s or g.nodes[t][3] is not t] == []


def test_node_link_lists_each_kind_of_node_with_its_attributes():
    document = graph().node_link(only={"table:orders", "column:orders.status", "code:q.sql"})
    assert document["nodes"] == [
        {"id": "code:q.sql", "kind": "code", "path": "q.sql"},
        {"id": "column:orders.status", "kind": "column", "table": "orders", "name": "status"},
        {"id": "table:orders", "kind": "table", "name": "orders"},
    ]
    assert [(e["source"], e["target"], e["kind"], e.get("line")) for e in document["edges"]] == [
        ("code:q.sql", "column:orders.status", "reads", 1),
        ("code:q.sql", "column:orders.status", "reads", 7),
        ("code:q.sql", "column:orders.status", "writes", 6),
        ("code:q.sql", "table:orders", "reads", 2),
        ("code:q.sql", "table:orders", "reads", 2),
        ("code:q.sql", "table:orders", "reads", 3),
        ("code:q.sql", "table:orders", "reads", 9),
        ("code:q.sql", "table:orders", "reads", 9),
        ("code:q.sql", "table:orders", "writes", 5),
        ("code:q.sql", "table:orders", "writes", 7),
        ("code:q.sql", "table:orders", "writes", 8),
        ("table:orders", "column:orders.status", "has_column", None),
    ]
