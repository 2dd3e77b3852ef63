"""A scan after some files changed relinks from the last index: the same index a scan from scratch
builds, having decoded no unchanged file when no project-level fact changed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from depmap.index import cache as cache_module
from depmap.index.build import Index, build_index
from tests.index.test_cache import age, facts_of, fresh

REPO = Path(__file__).resolve().parents[2]


def same_index(index: Index, root: Path) -> None:
    """Facts, catalog, graph and skipped files as a scan without the cache finds them."""
    expected = fresh(root)
    assert facts_of(index) == facts_of(expected)
    assert json.dumps([t.to_json() for t in index.catalog.tables.values()]) == json.dumps([t.to_json() for t in expected.catalog.tables.values()])
    assert [op.to_json() for op in index.catalog.ops] == [op.to_json() for op in expected.catalog.ops]
    assert list(index.graph.g.nodes.items()) == list(expected.graph.g.nodes.items())
    assert list(index.graph.g.edges()) == list(expected.graph.g.edges())
    assert index.skipped == expected.skipped


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the signing key of the stored index
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).resolve().parent / "relink_shop", root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    age(root)
    build_index(root, jobs=1, use_cache=True)
    return root


@pytest.fixture
def decoded(monkeypatch) -> list[int]:
    """How many cached results were decoded."""
    count = [0]
    real = cache_module.decode_result

    def counting(blob):
        count[0] += 1
        return real(blob)

    monkeypatch.setattr(cache_module, "decode_result", counting)
    return count


def test_a_changed_call_site_is_scanned_and_linked_alone(project, decoded):
    path = project / "shop/services.py"
    path.write_text(path.read_text() + "\n\ndef overview(connection, customer_id):\n    orders = OrderRepository(connection)\n    return len(orders.open_orders(customer_id))\n")
    index = build_index(project, jobs=1, use_cache=True)
    assert (index.files_parsed, index.relinked, decoded[0]) == (1, "local: 1 of 9 files linked again", 0)
    same_index(index, project)
    assert [f.location.line for f in index.facts if f.location.path == "shop/services.py"] == [6, 11]


def test_a_method_touching_another_table_relinks_its_callers_found_through_the_stored_callees(project, decoded):
    """`services.py` calls `open_orders` by name: the stored callees (`linked_callees`) say so,
    and only it is linked again with the repository, its one unchanged file decoded."""
    path = project / "shop/repositories.py"
    path.write_text(path.read_text().replace("FROM sales_order WHERE", "FROM sales_order_archive WHERE"))
    index = build_index(project, jobs=1, use_cache=True)
    assert (index.files_parsed, index.relinked, decoded[0]) == (1, "callers: 2 of 9 files linked again", 1)
    same_index(index, project)
    assert sorted({f.table for f in index.facts if f.location.path == "shop/services.py" and f.kind == "access"}) == ["sales_order_archive"]


def test_a_new_column_in_a_migration_rebuilds_the_catalog_and_settles_again(project):
    (project / "shop/orders/migrations/0003_order_note.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        '    dependencies = [("orders", "0002_rename_order_table")]\n\n'
        "    operations = [\n"
        '        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),\n'
        "    ]\n"
    )
    index = build_index(project, jobs=1, use_cache=True)
    assert index.relinked == "narrow: 3 of 10 files linked again"
    assert "note" in index.catalog.tables["sales_order"].columns
    same_index(index, project)


def test_an_edited_model_relinks_every_file(project):
    path = project / "shop/orders/models.py"
    path.write_text(path.read_text().replace('db_table = "sales_order"', 'db_table = "shop_order"'))
    index = build_index(project, jobs=1, use_cache=True)
    assert index.relinked == "full: 9 of 9 files linked again"
    same_index(index, project)


def test_deleted_and_added_files_and_edits_in_a_row(project):
    (project / "shop/services.py").unlink()
    first = build_index(project, jobs=1, use_cache=True)
    assert first.relinked == "local: 1 of 8 files linked again"
    same_index(first, project)
    (project / "shop/reports.py").write_text("def late(connection):\n    return connection.execute(\"SELECT id FROM sales_order WHERE status = 'late'\").fetchall()\n")
    second = build_index(project, jobs=1, use_cache=True)
    assert second.relinked == "local: 1 of 9 files linked again"
    same_index(second, project)
    warm = build_index(project, jobs=1, use_cache=True)
    assert (warm.files_parsed, warm.relinked) in ((0, ""), (0, "unchanged: 0 of 9 files linked again"))
    same_index(warm, project)


def stored(root: Path, statement: str, *values) -> None:
    """Change the stored rows by hand, as another depmap (or a damaged file) would leave them."""
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite", isolation_level=None)
    try:
        db.execute(statement, values)
    finally:
        db.close()


def test_without_the_last_index_every_file_is_linked(project):
    stored(project, "DELETE FROM linked_meta WHERE name = 'key'")
    path = project / "shop/services.py"
    path.write_text(path.read_text() + "\n# reviewed\n")
    index = build_index(project, jobs=1, use_cache=True)
    assert (index.files_parsed, index.relinked) == (1, "")
    same_index(index, project)
    again = project / "shop/repositories.py"
    again.write_text(again.read_text() + "\n# reviewed\n")
    assert build_index(project, jobs=1, use_cache=True).relinked == "local: 1 of 9 files linked again"  # the rows were stored anew


@pytest.mark.parametrize(
    ("sample", "path", "added"),
    [
        ("django_shop", "catalog/views.py", '\n\ndef late(connection):\n    return connection.execute("SELECT id FROM orders_order WHERE status = \'late\'")\n'),
        ("shop_sql", "migrations/0005_inventory_cleanup.sql", "\nALTER TABLE orders ADD COLUMN gift_note text;\n"),
        ("sqlalchemy_service", "billing/repositories.py", '\n\ndef late(connection):\n    return connection.execute("SELECT id FROM invoices WHERE status = \'late\'")\n'),
        ("warehouse", "airflow/sql/reporting_views.sql", "\nSELECT id, status FROM orders WHERE status = 'late';\n"),
    ],
)
def test_samples_after_one_edit(tmp_path, monkeypatch, sample, path, added):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = tmp_path / sample
    shutil.copytree(REPO / "samples" / sample, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    age(root)
    build_index(root, jobs=1, use_cache=True)
    (root / path).write_text((root / path).read_text() + added)
    index = build_index(root, jobs=1, use_cache=True)
    assert index.relinked.startswith("local: 1 of")
    same_index(index, root)


def test_another_dialect_scans_every_file_again(project):
    """The same contents scan otherwise in another dialect: the last index is not relinked from."""
    (project / "pyproject.toml").write_text('[tool.depmap]\ndialect = "mysql"\n')
    index = build_index(project, jobs=1, use_cache=True)
    assert (index.files_parsed, index.relinked) == (9, "")
    same_index(index, project)


@pytest.mark.parametrize("damage", [
    # an upgrade finds the rows of the version before, linked by other code
    "UPDATE linked_meta SET value = 'another depmap' WHERE name = 'relink'",
    "UPDATE linked_files SET project = '{\"not\": \"a list\"}' WHERE path = 'shop/services.py'",
    # the models' group, which every relink reads (`depmap.index.project_facts`)
    "UPDATE linked_context SET facts = '[[0, {\"kind\": \"model\"}]]' WHERE path = 'shop/orders/models.py' AND name = 'k:model'",
], ids=["another_depmap", "damaged_file_state", "damaged_group"])
def test_rows_another_depmap_stored_or_damaged_mean_linking_everything(project, damage):
    stored(project, damage)
    path = project / "shop/services.py"
    path.write_text(path.read_text() + "\n# reviewed\n")
    index = build_index(project, jobs=1, use_cache=True)
    assert index.relinked == ""
    same_index(index, project)
