"""`depmap graph` written a piece at a time: JSON, DOT and GraphML of `DependencyGraph.node_link`.

The whole graph of a million lines is 200 MB of text: a document of dicts, a rendered string and,
for GraphML, networkx's graph and element tree held it all at once (1.5 GB for JSON, 3.4 GB for
GraphML). Each writer here takes the nodes and edges one at a time, as `export_nodes` and
`export_edges` make them, and gives the same bytes the whole document gave.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator
from xml.etree.ElementTree import Element, SubElement, tostring

from depmap.graph import DependencyGraph
from depmap.model import SCHEMA_VERSION

_PIECES = 4096  # pieces joined into one written

# What networkx's GraphML writer puts around the graph (`nx.generate_graphml`, pretty-printed).
_GRAPHML_OPEN = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')
_EDGE_KEYS = ("kind", "path", "line", "detail")  # an edge's attributes, in `export_edges`' order


def graph_text(graph: DependencyGraph, output_format: str, only: set[str] | None = None, focus: dict[str, Any] | None = None) -> Iterator[str]:
    """The graph (or the nodes `only` and the edges between them) in `output_format`, in pieces;
    `focus` (the table asked for) goes into the JSON document."""
    if output_format == "json":
        return json_pieces(graph, only, focus)
    if output_format == "graphml":
        return graphml_pieces(graph, only)
    return dot_pieces(graph, only)


def json_pieces(graph: DependencyGraph, only: set[str] | None, focus: dict[str, Any] | None) -> Iterator[str]:
    from depmap.render.json import lazy_list, streamed_dumps

    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    if focus is not None:
        document["focus"] = focus
    document["nodes"] = lazy_list(graph.export_nodes(only))
    return streamed_dumps(document, "edges", graph.export_edges(only))


def dot_pieces(graph: DependencyGraph, only: set[str] | None) -> Iterator[str]:
    from depmap.render.templates import environment

    template = environment().get_template("graph.dot.j2")
    return _gathered(template.generate(nodes=graph.export_nodes(only), edges=graph.export_edges(only)))


def graphml_pieces(graph: DependencyGraph, only: set[str] | None) -> Iterator[str]:
    """What `"\\n".join(nx.generate_graphml(G))` gives for the MultiDiGraph of `node_link`'s document,
    every value a string, and a newline: the keys (numbered as networkx meets them, nodes' first,
    and listed last first), then each node and edge as networkx's element tree prints it."""
    keys = _graphml_keys(graph, only)
    head = [_GRAPHML_OPEN]
    for number, (scope, name) in reversed(list(enumerate(keys))):
        head.append(f'\n  <key id="d{number}" for="{scope}" attr.name="{name}" attr.type="string" />')
    ids = {key: f"d{number}" for number, key in enumerate(keys)}
    elements = _graphml_elements(graph, only, ids)
    first = next(elements, None)
    if first is None:
        yield "".join(head) + '\n  <graph edgedefault="directed" />\n</graphml>\n'
        return
    yield "".join(head) + '\n  <graph edgedefault="directed">'
    yield from _gathered(_lines(element) for element in _chained(first, elements))
    yield "\n  </graph>\n</graphml>\n"


def _graphml_keys(graph: DependencyGraph, only: set[str] | None) -> list[tuple[str, str]]:
    """(scope, attribute) of every GraphML key, in the order networkx numbers them."""
    keys: dict[tuple[str, str], None] = {}
    for node in graph.export_nodes(only):
        keys.update(dict.fromkeys(("node", name) for name in node if name != "id"))
    edge_keys = set()
    for edge in graph.export_edges(only):
        edge_keys.add(len(edge))
        if len(edge) > 3:
            break
    if edge_keys:
        keys.update(dict.fromkeys(("edge", name) for name in _EDGE_KEYS[:1 if edge_keys == {3} else None]))
    return list(keys)


def _graphml_elements(graph: DependencyGraph, only: set[str] | None, ids: dict[tuple[str, str], str]) -> Iterator[Element]:
    for node in graph.export_nodes(only):
        element = Element("node", id=str(node["id"]))
        for name, value in node.items():
            if name != "id":
                SubElement(element, "data", key=ids["node", name]).text = str(value)
        yield element
    pairs: dict[str, int] = {}  # a MultiDiGraph numbers the edges between two nodes: 0, 1, ...
    source = None
    for edge in graph.export_edges(only):
        if edge["source"] != source:
            source, pairs = edge["source"], {}
        number = pairs[edge["target"]] = pairs.get(edge["target"], -1) + 1
        element = Element("edge", source=str(edge["source"]), target=str(edge["target"]), id=str(number))
        for name, value in edge.items():
            if name not in ("source", "target"):
                SubElement(element, "data", key=ids["edge", name]).text = str(value)
        yield element


def _lines(element: Element) -> str:
    """The element as networkx prints it inside the graph (indented at level 2, its line breaks
    made newlines as `str.splitlines` and a join make them)."""
    element.text = "\n      "
    for child in element:
        child.tail = "\n      "
    element[-1].tail = "\n    "
    return "\n".join(("\n    " + tostring(element).decode("utf-8")).splitlines())


def _chained(first: Element, rest: Iterator[Element]) -> Iterator[Element]:
    yield first
    yield from rest


def _gathered(pieces: Iterable[str]) -> Iterator[str]:
    """`pieces` joined `_PIECES` at a time (a DOT template gives millions of small ones)."""
    pieces = iter(pieces)
    while batch := list(islice(pieces, _PIECES)):
        yield "".join(batch)
