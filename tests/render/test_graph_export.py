"""`depmap graph` written a piece at a time gives the bytes of the whole document: the JSON and DOT
of `node_link`'s document and the GraphML networkx writes of it; the graph built for export from
the facts one at a time draws what the whole graph draws."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from depmap.graph import DependencyGraph
from depmap.index.build import build_index
from depmap.model import ACCESS, FLOW, READ, Fact, Location
from depmap.render.graph_export import dot_pieces, graphml_pieces, json_pieces
from depmap.render.json import dumps
from depmap.render.templates import render

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def networkx_graphml(document: dict) -> str:
    """What `depmap graph --format graphml` printed when networkx wrote it."""
    plain = nx.MultiDiGraph()
    for node in document["nodes"]:
        plain.add_node(node["id"], **{k: str(v) for k, v in node.items() if k != "id"})
    for edge in document["edges"]:
        plain.add_edge(edge["source"], edge["target"], **{k: str(v) for k, v in edge.items() if k not in ("source", "target")})
    return "\n".join(nx.generate_graphml(plain)) + "\n"


def whole_sort(graph: DependencyGraph) -> list[dict]:
    """The edges as they were listed: every edge of the graph in one stable sort."""
    edges = []
    for source, target, (kind, fact) in graph.g.edges():
        edge = {"source": source, "target": target, "kind": kind}
        if fact is not None:
            edge.update(path=fact.location.path, line=fact.location.line, detail=fact.detail)
        edges.append(edge)
    return sorted(edges, key=lambda e: (e["source"], e["target"], e["kind"], e.get("line", 0), e.get("detail") or ""))


def assert_written_whole(graph: DependencyGraph, only: set[str] | None = None, focus: dict | None = None) -> None:
    document = graph.node_link(only)
    if focus is not None:
        document = {"schema_version": document["schema_version"], "focus": focus, "nodes": document["nodes"], "edges": document["edges"]}
    assert "".join(json_pieces(graph, only, focus)) == dumps(document)
    assert "".join(dot_pieces(graph, only)) == render("graph.dot.j2", **document)
    assert "".join(graphml_pieces(graph, only)) == networkx_graphml(document)


def access(path: str, line: int, table: str, columns: tuple[str, ...], symbol: str | None = None, detail: str | None = "select") -> Fact:
    return Fact(kind=ACCESS, location=Location(path, line, symbol=symbol), table=table, columns=columns, access=READ, detail=detail)


def flow(path: str, line: int, source: str, target: str) -> Fact:
    return Fact(kind=FLOW, location=Location(path, line), table=source, detail="insert_select", extra={"to": target})


@pytest.mark.parametrize("sample", ["shop_sql", "django_shop", "sqlalchemy_service", "warehouse"])
def test_every_format_of_a_samples_graph_and_of_its_neighbourhoods_is_the_whole_documents(sample: str, tmp_path: Path) -> None:
    index = build_index(SAMPLES / sample, jobs=1)
    assert_written_whole(index.graph)
    for table in index.graph.tables()[:6]:
        assert_written_whole(index.graph, index.graph.around([table], None, 2), {"table": table, "column": None, "depth": 2})
    exported = DependencyGraph.for_export(index.facts)
    assert exported.node_link() == index.graph.node_link()
    assert "".join(graphml_pieces(exported, None)) == "".join(graphml_pieces(index.graph, None))
    assert index.graph.node_link()["edges"] == whole_sort(index.graph)


def test_equal_edges_keep_the_order_of_their_facts_and_each_pair_numbers_its_edges() -> None:
    facts = [flow("b.sql", 3, "orders", "archive"), flow("a.sql", 3, "orders", "archive"), flow("c.sql", 1, "orders", "archive"),
             access("q.sql", 1, "orders", ("id", "id"))]
    graph = DependencyGraph(facts)
    edges = [(e["source"], e["target"], e.get("path"), e.get("line")) for e in graph.node_link()["edges"]]
    assert edges == [
        ("code:q.sql", "column:orders.id", "q.sql", 1),
        ("code:q.sql", "column:orders.id", "q.sql", 1),
        ("table:orders", "column:orders.id", None, None),
        ("table:orders", "table:archive", "c.sql", 1),
        ("table:orders", "table:archive", "b.sql", 3),
        ("table:orders", "table:archive", "a.sql", 3),
    ]
    assert graph.node_link()["edges"] == whole_sort(graph)
    text = "".join(graphml_pieces(graph, None))
    assert text.count('target="table:archive" id="0"') == 1 and text.count('target="table:archive" id="2"') == 1
    assert_written_whole(graph)


def test_names_xml_must_escape_and_line_breaks_python_splits_come_out_as_networkx_writes_them() -> None:
    facts = [access('odd/<a&b> "x".py', 7, "orders", ("status",), symbol="f\u2028g\x1ch"),
             access("odd/é.py", 2, "ordres_é", ("naïve",), detail=None),
             access("plain.py", 1, "orders", ())]
    assert_written_whole(DependencyGraph(facts))
    assert_written_whole(DependencyGraph.for_export(facts))


def test_graphs_without_edges_or_nodes_are_written_as_networkx_writes_them() -> None:
    assert_written_whole(DependencyGraph([]))
    graph = DependencyGraph([access("q.sql", 1, "orders", ())])
    assert_written_whole(graph, {"table:orders"})  # a node, no edge
    assert "".join(graphml_pieces(graph, {"table:orders"})).count("<key ") == 2  # kind and name of a node; no edge key
