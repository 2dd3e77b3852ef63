"""`graph TABLE[.COLUMN] --depth N` on a warm index reads the rows of the tables and files on the
way (`stored_index.neighbourhood`) and draws what the whole index draws."""

from __future__ import annotations

import pytest

from depmap.index.build import build_index
from depmap.index.stored_index import graph_to_export
from depmap.render.graph_export import graphml_pieces
from tests.index.test_query_index import DJANGO, SHOP, copy, depmap

WAREHOUSE = SHOP.parent / "warehouse"
SQLALCHEMY = SHOP.parent / "sqlalchemy_service"


def drawn(index, tables: list[str], column: str | None, depth: int) -> tuple[dict, str]:
    focused, nodes = index.around(tables, column, depth)
    return focused.graph.node_link(nodes), "".join(graphml_pieces(focused.graph, nodes))


@pytest.mark.parametrize("sample", [SHOP, DJANGO, WAREHOUSE, SQLALCHEMY], ids=lambda p: p.name)
def test_every_tables_neighbourhood_is_the_whole_graphs(sample, tmp_path):
    root = copy(sample, tmp_path / sample.name)
    whole = build_index(root, jobs=1, use_cache=True)
    tables = whole.graph.tables()
    assert len(tables) >= 5
    compared = 0
    for table in tables:
        columns = [None, *sorted({c for f in whole.graph.readers(table) + whole.graph.writers(table) for c in f.columns})[:2]]
        for column in columns:
            for depth in (1, 2, 3):
                warm = build_index(root, jobs=1, use_cache=True, partial=True)
                assert warm.store is not None
                assert drawn(warm, [table], column, depth) == drawn(whole, [table], column, depth), (table, column, depth)
                compared += 1
    assert compared > 3 * len(tables)


def test_a_neighbourhood_reads_only_the_rows_on_its_way(tmp_path):
    root = copy(SHOP, tmp_path / "shop")
    whole = build_index(root, jobs=1, use_cache=True)
    warm = build_index(root, jobs=1, use_cache=True, partial=True)
    focused, nodes = warm.around(["customers"], "email", 1)
    assert focused.graph.node_link(nodes) == whole.graph.node_link(whole.graph.around(["customers"], "email", 1))
    assert 0 < warm.store.decoded < len(whole.facts)
    code = {node.split("::")[0].removeprefix("code:") for node in nodes if node.startswith("code:")}
    assert code and all(any(f.location.path == path for f in focused.facts) for path in code)


def test_graph_of_a_table_on_a_warm_index_prints_what_a_run_without_the_cache_prints(tmp_path):
    shop = copy(SHOP, tmp_path / "shop")
    assert depmap(shop, "scan").returncode == 0
    for command in (["graph", "orders", "--depth", "2"], ["graph", "orders.status", "--format", "dot"], ["graph", "customers", "--format", "graphml"]):
        warm, cold = depmap(shop, *command), depmap(shop, *command, "--no-cache")
        assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
        assert warm.stdout
    assert not (shop / ".depmap" / "index.pickle").exists()  # a table's graph never loads the whole index
    django = copy(DJANGO, tmp_path / "django")
    assert depmap(django, "scan").returncode == 0
    warm, cold = depmap(django, "graph", "Order.status", "--depth", "2"), depmap(django, "graph", "Order.status", "--depth", "2", "--no-cache")
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    missing = depmap(django, "graph", "sales_order.no_such_column")
    assert missing.returncode == 2 and "has no column 'no_such_column'" in missing.stderr


def damaged(root, where: str):
    """The partial index of `root` after the stored facts `where` picks were made unreadable."""
    import sqlite3

    db = sqlite3.connect(str(root / ".depmap" / "cache.sqlite"))
    with db:
        db.execute(f"UPDATE linked_facts SET fact = '{{\"kind\": 1}}' WHERE {where}")
    db.close()
    warm = build_index(root, jobs=1, use_cache=True, partial=True)
    assert warm.store is not None
    return warm


def test_a_damaged_row_on_the_way_draws_from_the_whole_index(tmp_path):
    root = copy(SHOP, tmp_path / "shop")
    whole = build_index(root, jobs=1, use_cache=True)
    expected = whole.graph.node_link(whole.graph.around(["orders"], None, 2))
    warm = damaged(root, "id IN (SELECT id FROM linked_names WHERE name = 't:orders' LIMIT 1)")
    focused, nodes = warm.around(["orders"], None, 2)
    assert focused.store is None  # linked again
    assert focused.graph.node_link(nodes) == expected


@pytest.mark.parametrize("sample", [SHOP, DJANGO, WAREHOUSE, SQLALCHEMY], ids=lambda p: p.name)
def test_the_whole_graph_on_a_warm_index_prints_what_a_run_without_the_cache_prints(sample, tmp_path):
    root = copy(sample, tmp_path / sample.name)
    for output_format in ("json", "dot", "graphml"):
        first = depmap(root, "graph", "--format", output_format)  # links and stores the rows
        warm, cold = depmap(root, "graph", "--format", output_format), depmap(root, "graph", "--format", output_format, "--no-cache")
        assert (first.returncode, first.stdout) == (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout) == (0, cold.stdout)
        assert cold.stdout.count("code:") > 5
    written = tmp_path / "graph.graphml"
    assert depmap(root, "graph", "--format", "graphml", "-o", str(written)).returncode == 0
    assert written.read_text(encoding="utf-8") == cold.stdout
    assert not (root / ".depmap" / "index.pickle").exists()  # the whole graph never loads the whole index


def test_the_whole_graph_from_the_rows_holds_what_each_edge_prints_not_its_fact(tmp_path):
    from depmap.graph import Placed

    root = copy(SHOP, tmp_path / "shop")
    whole = build_index(root, jobs=1, use_cache=True)
    warm = build_index(root, jobs=1, use_cache=True, partial=True)
    decoded = warm.store.decoded
    exported = graph_to_export(warm)
    assert exported.node_link() == whole.graph.node_link()
    kept = {type(fact) for _, _, (_, fact) in exported.g.edges()}
    assert kept == {Placed, type(None)}
    assert warm.store.decoded - decoded == len(whole.facts)  # each fact read once


def test_a_damaged_row_makes_the_whole_graph_from_the_whole_index(tmp_path):
    root = copy(SHOP, tmp_path / "shop")
    whole = build_index(root, jobs=1, use_cache=True)
    warm = damaged(root, "id = (SELECT max(id) FROM linked_facts)")
    assert graph_to_export(warm).node_link() == whole.graph.node_link()
    assert build_index(root, jobs=1, use_cache=True, partial=True).store is not None  # linked again and stored anew
