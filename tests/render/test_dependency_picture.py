"""The dependency picture stays legible: folders coarsen, overflow folds into one box, tests into another."""

from __future__ import annotations

from types import SimpleNamespace

from depmap.model import Fact, Location
from depmap.render.dependency_picture import MAX_BOXES, dependency_picture


def access(path: str, line: int, kind: str = "read", end_line: int | None = None) -> Fact:
    return Fact("access", "orders", Location(path, line, end_line or line), access=kind, detail="select")


def boxes(picture, kind: str) -> list[tuple[str, str, int]]:
    return [(b.label, b.detail, b.flagged) for b in picture.boxes if b.kind == kind or (kind in b.key and b.kind == "more")]


def test_small_project_gets_one_box_per_folder_and_the_table_in_the_middle():
    usages = [access("shop/repositories/orders.py", 10, "write"), access("shop/repositories/orders.py", 30),
              access("shop/reports/daily.py", 5), access("shop/reports/queries/top.py", 7)]
    picture = dependency_picture("orders", usages, [], [Location("shop/repositories/orders.py", 30)])
    assert boxes(picture, "writer") == [("shop/repositories", "1 site in 1 file", 0)]
    assert boxes(picture, "reader") == [("shop/reports", "1 site in 1 file", 0),
                                        ("shop/reports/queries", "1 site in 1 file", 0),
                                        ("shop/repositories", "1 site in 1 file", 1)]
    (table,) = [b for b in picture.boxes if b.kind == "table"]
    assert (table.label, table.detail) == ("orders", "4 usages in 3 files")
    assert [heading for _, heading in picture.headings] == ["Writers (1)", "Table", "Readers (3)", "Downstream (0)"]
    assert [e.kind for e in picture.edges] == ["write", "read", "read", "read"]


def test_hundreds_of_usages_coarsen_to_fit_and_fold_the_rest():
    usages = [access(f"app{a}/module{m}/views.py", line) for a in range(30) for m in range(3) for line in range(1, 5)]
    usages += [access(f"tests/test_orders_{n}.py", 3) for n in range(40)]
    picture = dependency_picture("orders", usages, [], [Location("tests/test_orders_1.py", 3), Location("app0/module1/views.py", 2)])
    readers = [b for b in picture.boxes if b.key.startswith("reader:")]
    assert len(readers) == MAX_BOXES
    # 30 top-level folders do not fit in 9 boxes even at depth 1: 8 biggest shown, 22 folded, tests apart.
    assert [b.label for b in readers[:8]] == ["app0", "app1", "app10", "app11", "app12", "app13", "app14", "app15"]
    assert readers[0].detail == "12 sites in 3 files" and readers[0].flagged == 1
    assert (readers[8].label, readers[8].detail, readers[8].kind) == ("22 more folders", "264 sites in 66 files", "more")
    assert (readers[9].label, readers[9].detail, readers[9].flagged) == ("test code", "40 sites in 40 files", 1)
    assert picture.height == 40 + MAX_BOXES * (46 + 14) + 14


def test_a_finding_counts_once_and_only_inside_a_usage_range():
    usages = [access("shop/orders.py", 10, "write", end_line=14), access("shop/orders.py", 10, "read", end_line=14)]
    picture = dependency_picture("orders", usages, [], [Location("shop/orders.py", 12), Location("shop/orders.py", 20)])
    assert [(b.kind, b.flagged) for b in picture.boxes if b.kind in ("writer", "reader")] == [("writer", 1), ("reader", 1)]


def test_downstream_relations_are_listed_by_hop_and_routed_below_the_boxes():
    flow = Fact("flow", "orders", Location("dbt/models/stg_orders.sql", 1), detail="star", via="dbt")
    hops = [SimpleNamespace(target="marts.fct_orders", depth=2, fact=flow), SimpleNamespace(target="staging.stg_orders", depth=1, fact=flow)]
    picture = dependency_picture("orders", [access("shop/a.py", 1)], hops, [])
    downstream = [(b.label, b.detail) for b in picture.boxes if b.kind == "downstream"]
    assert downstream == [("staging.stg_orders", "hop 1 · dbt · every column (*)"), ("marts.fct_orders", "hop 2 · dbt · every column (*)")]
    lanes = [e.path for e in picture.edges if e.kind == "flow"]
    assert len(lanes) == 2
    assert all(f" V{picture.height - 18} " in path for path in lanes)
