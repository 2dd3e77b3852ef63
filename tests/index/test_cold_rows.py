"""A cold run of a command that reads the stored rows stores them and reads them back: it builds
no graph of the whole index and writes no pickle of it (`build._linked_facts` without `whole`),
and `tables` reads the catalog's stored tables, with the answers of a run without the cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from depmap.index import build
from depmap.index.build import build_index
from depmap.index.stored_index import EVERY_QUERY
from tests.index.test_query_index import DJANGO, changed_by_edit, copy, depmap, shop  # noqa: F401 (shop: a fixture)

PICKLE = Path(".depmap") / "index.pickle"


def test_a_cold_query_reads_back_the_rows_it_stored(shop, monkeypatch):
    whole = build_index(shop, jobs=1, use_cache=False)
    sizes: list[int] = []
    real = build.DependencyGraph

    def counted(facts):  # noqa: ANN001
        sizes.append(len(facts))
        return real(facts)

    monkeypatch.setattr(build, "DependencyGraph", counted)
    cold = build_index(shop, jobs=1, use_cache=True, partial=True)
    assert cold.store is not None and cold.files_parsed == cold.files_scanned == whole.files_scanned
    assert sizes == [0]  # the empty graph of the index before linking: none of the linked facts
    assert not (shop / PICKLE).exists()
    focused = cold.focused(["orders"])
    assert focused.graph.readers("orders") == whole.graph.readers("orders")
    assert focused.graph.writers("orders", "status") == whole.graph.writers("orders", "status")
    assert focused.graph.tables() == whole.graph.tables()
    assert cold.access_counts() == whole.access_counts()
    cold.store.close()
    again = build_index(shop, jobs=1, use_cache=True)  # a command that needs the whole index: from the rows
    assert again.facts == whole.facts and again.graph.tables() == whole.graph.tables()
    assert (shop / PICKLE).exists()  # and kept for the next such command


def test_a_cold_command_that_needs_the_whole_index_still_gets_it(shop):
    whole = build_index(shop, jobs=1, use_cache=False)
    cold = build_index(shop, jobs=1, use_cache=True)
    assert cold.store is None and cold.facts == whole.facts
    assert cold.graph.readers("orders") == whole.graph.readers("orders")
    assert (shop / PICKLE).exists()


def test_tables_reads_the_stored_catalog(shop):
    whole = build_index(shop, jobs=1, use_cache=False)
    build_index(shop, jobs=1, use_cache=True, partial=True).store.close()
    warm = build_index(shop, jobs=1, use_cache=True, partial=True)
    catalog = warm.whole_catalog()
    assert catalog.to_json() == whole.catalog.to_json()
    assert list(catalog.tables) == list(whole.catalog.tables)
    assert warm.store.decoded == sum(1 for fact in whole.facts if fact.kind in EVERY_QUERY)  # no usage decoded
    warm.store.close()


def tables_answers(root: Path, *extra: str) -> list[str]:
    found = []
    for output in ("json", "text"):
        done = depmap(root, "tables", "--format", output, *extra)
        assert done.returncode == 0, done.stderr
        found.append(done.stdout.replace(str(root), "<ROOT>"))
    return found


def test_tables_answers_as_without_the_cache_cold_warm_and_after_an_edit(shop, tmp_path):
    expected = tables_answers(shop, "--no-cache")
    assert tables_answers(shop) == expected  # the first run is cold
    assert not (shop / PICKLE).exists()
    assert tables_answers(shop) == expected
    changed_by_edit(shop)
    assert tables_answers(shop) == tables_answers(shop, "--no-cache")
    django = copy(DJANGO, tmp_path / "django")
    assert tables_answers(django) == tables_answers(django, "--no-cache")
    assert tables_answers(django) == tables_answers(django, "--no-cache")


def forget(root: Path, statement: str) -> None:
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()


def test_tables_without_a_trusted_stored_catalog_links_again(shop):
    expected = tables_answers(shop, "--no-cache")
    assert tables_answers(shop) == expected
    # A relink that dropped the last fact of a framework drops the impact summary, and the stored
    # tables are no longer kept up to date: they are not read then.
    forget(shop, "DELETE FROM linked_meta WHERE name = 'impact'")
    assert tables_answers(shop) == expected
    forget(shop, "UPDATE linked_tables SET data = '{\"name\": 1}' WHERE name = 'orders'")  # a damaged row
    assert tables_answers(shop) == expected
    forget(shop, "DELETE FROM linked_tables WHERE name = 'orders'")  # a missing one
    assert tables_answers(shop) == expected
