"""After a change, only the changed files' rows are replaced, and the rows are then exactly the rows
a scan from scratch stores: fact for fact, name for name, with the same summary and relink state."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from depmap.graph import DependencyGraph
from depmap.index.build import build_index
from depmap.index.linked_store import STRIDE
from tests.index.test_cache import age, facts_of, fresh

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
SHOP = Path(__file__).resolve().parent / "relink_shop"
QUERY = '\n\ndef late_orders(connection):\n    return connection.execute("SELECT id, status FROM {table} WHERE status = \'late\'").fetchall()\n'


def stored_rows(root: Path) -> dict:
    """The stored index, ids left out: what a query can read of it."""
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        rows = db.execute("SELECT id, kind, ordinal, fact FROM linked_facts ORDER BY id").fetchall()
        place = {number: position for position, (number, *_rest) in enumerate(rows)}
        bases = dict(db.execute("SELECT path, base FROM linked_paths").fetchall())
        ordinals = sorted((ordinal, place[number]) for number, _, ordinal, _ in rows if ordinal >= 0)
        summary = json.loads(db.execute("SELECT value FROM linked_meta WHERE name = 'summary'").fetchone()[0])
        summary["skipped"] = sorted(summary["skipped"])
        return {
            "facts": [(kind, json.loads(fact)) for _, kind, _, fact in rows],
            "names": sorted((name, place[number]) for name, number in db.execute("SELECT name, id FROM linked_names")),
            "catalog order": [position for _, position in ordinals],
            "blocks": blocks_in_path_order(bases, [(number, json.loads(fact)[2]) for number, _, _, fact in rows]),  # a row: [kind, table, path, ...]
            "unsettled": sorted(db.execute("SELECT path, unsettled FROM linked_paths WHERE unsettled != ''").fetchall()),
            "files": sorted(db.execute("SELECT path, digest, project, skipped FROM linked_files").fetchall()),
            "ops": db.execute("SELECT position, fact FROM linked_ops ORDER BY position").fetchall(),
            "op names": sorted(db.execute("SELECT name, position FROM linked_op_names").fetchall()),
            "summary": summary,
            "spans": sorted(db.execute("SELECT path, spans FROM linked_spans").fetchall()),
            "spans stamp": db.execute("SELECT key, paths FROM linked_spans_stamp").fetchall(),
            "model names": sorted(db.execute("SELECT name, forms FROM linked_model_names").fetchall()),
            "model classes": db.execute("SELECT value FROM linked_meta WHERE name = 'model_names'").fetchone(),
            "key": db.execute("SELECT value FROM linked_meta WHERE name = 'key'").fetchone(),
        }
    finally:
        db.close()


def blocks_in_path_order(bases: dict[str, int], located: list[tuple[int, str]]) -> bool:
    """Blocks follow their paths' order, and each fact lies in its path's block (up to the next base)."""
    paths = sorted(bases)
    if [bases[path] for path in paths] != sorted(bases.values()):
        return False
    ends = {path: bases[following] for path, following in zip(paths, paths[1:])}
    return all(bases[path] <= number < ends.get(path, bases[path] + STRIDE) for number, path in located)


def from_scratch(root: Path, work: Path) -> dict:
    """The rows a cold scan of a copy of `root` stores."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(root, work, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    build_index(work, jobs=1, use_cache=True)
    return stored_rows(work)


def assert_rows_as_from_scratch(root: Path, work: Path) -> None:
    ours, theirs = stored_rows(root), from_scratch(root, work)
    assert ours["blocks"] is True
    for part in theirs:
        assert ours[part] == theirs[part], part


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    age(root)
    build_index(root, jobs=1, use_cache=True)
    return root


def replaced_ids(root: Path) -> dict[str, list[int]]:
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        bases = db.execute("SELECT path, base FROM linked_paths").fetchall()
        return {path: [n for (n,) in db.execute("SELECT id FROM linked_facts WHERE id >= ? AND id < ? ORDER BY id", (base, base + STRIDE))]
                for path, base in bases}
    finally:
        db.close()


def test_a_changed_call_site_replaces_its_own_rows_alone(project, tmp_path):
    before = replaced_ids(project)
    path = project / "shop/services.py"
    path.write_text(path.read_text() + "\n\ndef overview(connection, customer_id):\n    orders = OrderRepository(connection)\n    return len(orders.open_orders(customer_id))\n")
    index = build_index(project, jobs=1, use_cache=True, partial=True)
    assert (index.files_parsed, index.relinked, index.store is not None) == (1, "local: 1 of 9 files linked again", True)
    after = replaced_ids(project)
    assert {name for name in after if after[name] != before.get(name)} == {"shop/services.py"}
    assert len(after["shop/services.py"]) == len(before["shop/services.py"]) + 1  # the call's read of sales_order
    assert not (project / ".depmap" / "index.pickle").exists()  # stale: a whole-index command writes it again
    assert_rows_as_from_scratch(project, tmp_path / "scratch")


def test_a_new_column_in_a_migration_rebuilds_the_stored_catalog(project, tmp_path):
    (project / "shop/orders/migrations/0003_order_note.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        '    dependencies = [("orders", "0002_rename_order_table")]\n\n'
        "    operations = [\n"
        '        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),\n'
        "    ]\n"
    )
    index = build_index(project, jobs=1, use_cache=True, partial=True)
    assert index.relinked == "narrow: 3 of 10 files linked again"
    assert list(index.catalog.tables["sales_order"].columns)[-1] == "note"
    assert_rows_as_from_scratch(project, tmp_path / "scratch")


def test_an_edited_model_stores_every_row_again(project, tmp_path):
    path = project / "shop/orders/models.py"
    path.write_text(path.read_text().replace('db_table = "sales_order"', 'db_table = "shop_order"'))
    index = build_index(project, jobs=1, use_cache=True, partial=True)
    assert index.relinked == "full: 9 of 9 files linked again"
    assert_rows_as_from_scratch(project, tmp_path / "scratch")


def test_a_whole_index_command_after_a_change_reads_the_rows_and_writes_the_pickle_again(project):
    path = project / "shop/services.py"
    path.write_text(path.read_text() + "\n# reviewed\n")
    index = build_index(project, jobs=1, use_cache=True)
    assert index.relinked == "local: 1 of 9 files linked again"
    assert facts_of(index) == facts_of(fresh(project))
    assert (project / ".depmap" / "index.pickle").exists()


def test_a_file_added_between_two_paths_takes_the_middle_of_their_gap(project, tmp_path):
    before = dict(sqlite3.connect(project / ".depmap" / "cache.sqlite").execute("SELECT path, base FROM linked_paths").fetchall())
    (project / "shop/reports.py").write_text("def late(connection):\n    return connection.execute(\"SELECT id FROM sales_order WHERE status = 'late'\").fetchall()\n")
    assert build_index(project, jobs=1, use_cache=True).relinked == "local: 1 of 10 files linked again"
    after = dict(sqlite3.connect(project / ".depmap" / "cache.sqlite").execute("SELECT path, base FROM linked_paths").fetchall())
    assert after["shop/reports.py"] == (before["shop/orders/views.py"] + before["shop/repositories.py"]) // 2
    assert_rows_as_from_scratch(project, tmp_path / "scratch")


def test_cli_answers_after_each_edit_are_those_without_the_cache(project):
    from click.testing import CliRunner

    from depmap.cli.main import cli

    def answer(*args: str) -> str:
        done = CliRunner().invoke(cli, [*args, "--path", str(project), "--format", "json", "-q"])
        assert done.exit_code == 0, done.output
        return done.output

    path = project / "shop/repositories.py"
    path.write_text(path.read_text() + QUERY.format(table="sales_order"))
    for command in (["scan"], ["who-reads", "sales_order"], ["who-writes", "sales_order"], ["tables"], ["history", "sales_order"]):
        warm = answer(*command)
        cold = CliRunner().invoke(cli, ["--no-cache", *command, "--path", str(project), "--format", "json", "-q"]).output
        if command == ["scan"]:
            warm, cold = (json.loads(text) for text in (warm, cold))
            for changing in ("seconds", "files_from_cache"):
                warm.pop(changing), cold.pop(changing)
        assert warm == cold, command


@pytest.mark.parametrize("sample", ["django_shop", "shop_sql", "sqlalchemy_service", "warehouse"])
def test_random_edits_store_the_rows_a_scan_from_scratch_stores(tmp_path, monkeypatch, sample):
    """Lines dropped, text appended, files copied and deleted at random (seeded), each followed by
    a warm query: after every step the rows are those of a scan from scratch, and the answers too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    rng = random.Random(f"rows-{sample}")
    root = tmp_path / sample
    shutil.copytree(SAMPLES / sample, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    age(root)
    build_index(root, jobs=1, use_cache=True)
    modes = set()
    for step in range(12):
        files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".depmap" not in p.parts
                       and p.suffix in (".py", ".sql", ".yml"))
        target = root / rng.choice(files)
        action = rng.choice(["drop a line", "drop a line", "append", "copy", "delete"])
        if action == "delete":
            target.unlink()
        elif action == "copy":
            shutil.copy(target, target.with_name(f"copy_{rng.randrange(1000)}_{target.name}"))
        elif action == "append":
            target.write_text(target.read_text() + (QUERY.format(table="orders") if target.suffix == ".py" else "\n-- reviewed\n"))
        else:
            lines = target.read_text().splitlines(keepends=True)
            if lines:
                del lines[rng.randrange(len(lines))]
            target.write_text("".join(lines))
        warm = build_index(root, jobs=1, use_cache=True, partial=True)
        modes.add(warm.relinked.split(":")[0])
        expected = fresh(root)
        for table in expected.graph.tables()[:4]:
            focused = warm.focused([table])
            assert focused.graph.readers(table) == expected.graph.readers(table), (step, action, table)
            assert focused.graph.writers(table) == expected.graph.writers(table), (step, action, table)
        if warm.store is not None:
            warm.store.close()
        assert_rows_as_from_scratch(root, tmp_path / "scratch")
    assert modes <= {"local", "narrow", "callers", "models", "full", "unchanged"}  # every step relinked from the rows, none fell back to a scan


@pytest.mark.parametrize("sample", ["django_shop", "shop_sql", "warehouse"])
def test_the_stored_graph_tables_are_those_the_graph_builds(sample):
    """The rows store the graph's tables read off the facts (`tables_of`), not from a built graph."""
    index = fresh(SAMPLES / sample)
    assert DependencyGraph.tables_of(index.facts) == index.graph.tables()
    assert len(index.graph.tables()) > 5
