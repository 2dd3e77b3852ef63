"""Warm queries read the stored index row by row, and reuse the last discovery while nothing moved."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from depmap.index import freshness
from depmap.index.build import build_index
from depmap.index.stored_index import EVERY_QUERY
from depmap.model import FLOW
from depmap.schema_history import HistoryIndex

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "samples" / "shop_sql"
DJANGO = REPO / "samples" / "django_shop"
ORDERS = "shop/repositories/orders.py"


def age(root: Path, seconds: int = 60) -> None:
    """Every file and folder of the tree made old, as in a checkout that did not just happen (RACY_NS)."""
    for path in [root, *root.rglob("*")]:
        if ".depmap" not in path.parts:
            info = path.stat()
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 1_000_000_000))


def copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    age(target)
    return target


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return copy(SHOP, tmp_path / "shop")


@pytest.fixture
def walks(monkeypatch) -> list[Path]:
    """The roots walked by discovery (a reused snapshot walks nothing)."""
    seen: list[Path] = []
    real = freshness.walk

    def counted(root, config, settings):  # noqa: ANN001
        seen.append(root)
        return real(root, config, settings)

    monkeypatch.setattr(freshness, "walk", counted)
    return seen


def full(root: Path):
    return build_index(root, jobs=1, use_cache=False)


def test_a_warm_query_decodes_only_the_rows_of_its_table(shop):
    build_index(shop, jobs=1, use_cache=True)
    whole = full(shop)
    warm = build_index(shop, jobs=1, use_cache=True, partial=True)
    assert warm.store is not None and warm.files_parsed == 0
    always = [f for f in whole.facts if f.kind in EVERY_QUERY]
    assert warm.store.decoded == len(always)
    focused = warm.focused(["orders"])
    downstream = {hop.target for hop in whole.graph.downstream("orders")}
    closure = {"orders", *downstream}
    about = [f for f in whole.facts if f.kind not in EVERY_QUERY
             and (f.table in closure or (f.kind == FLOW and f.extra.get("to") in closure))]
    assert warm.store.decoded == len(always) + len(about)
    assert warm.store.ops_decoded == len(HistoryIndex(whole.catalog.ops).mentions["orders"])  # its former names
    assert warm.store.decoded < len(whole.facts)
    assert focused.graph.readers("orders") == whole.graph.readers("orders")
    assert focused.graph.writers("orders", "status") == whole.graph.writers("orders", "status")
    assert focused.graph.readers_through_views("orders") == whole.graph.readers_through_views("orders")
    assert focused.graph.downstream("orders") == whole.graph.downstream("orders")
    assert focused.catalog.history("orders") == whole.catalog.history("orders")
    assert focused.graph.tables() == whole.graph.tables()


def depmap(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "depmap", *args, "--path", str(root), "-q"], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def answers(root: Path, *extra: str) -> list[str]:
    found = []
    for command in (["who-reads", "orders", "--format", "json"], ["who-writes", "orders.status", "--format", "json"],
                    ["downstream", "orders", "--format", "json"], ["history", "orders", "--format", "json"]):
        done = depmap(root, *command, *extra)
        assert done.returncode == 0, done.stderr
        found.append(done.stdout)
    return found


def test_warm_answers_are_the_answers_of_a_run_without_the_cache(shop):
    assert depmap(shop, "scan").returncode == 0
    assert answers(shop) == answers(shop, "--no-cache")
    django = copy(DJANGO, shop.parent / "django")
    assert depmap(django, "scan").returncode == 0
    for command in (["who-reads", "sales_order", "--mentions", "--format", "json"], ["who-writes", "Order.status", "--format", "json"],
                    ["downstream", "sales_order", "--format", "json"], ["history", "sales_order", "--format", "json"]):
        warm, cold = depmap(django, *command), depmap(django, *command, "--no-cache")
        assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)


def test_an_unchanged_tree_is_not_walked_again(shop, walks):
    build_index(shop, jobs=1, use_cache=True)  # makes .depmap/: the root's listing changed
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    assert walks == [shop, shop]
    warm = build_index(shop, jobs=1, use_cache=True)
    assert walks == [shop, shop]
    from depmap.mentions.files import files_to_search

    expected = full(shop)
    assert warm.searched == files_to_search(shop, expected.config)
    assert (warm.files_scanned, warm.skipped, warm.dialect, warm.dialect_source) == (
        expected.files_scanned, expected.skipped, expected.dialect, expected.dialect_source)


def changed_by_edit(root: Path) -> None:
    path = root / ORDERS
    path.write_text(path.read_text() + "\n\ndef purge(cur):\n    cur.execute('DELETE FROM audit_log')\n")


def added(root: Path) -> None:
    (root / "shop" / "repositories" / "audit.py").write_text("def purge(cur):\n    cur.execute('DELETE FROM audit_log')\n")


def deleted(root: Path) -> None:
    (root / ORDERS).unlink()


def configured(root: Path) -> None:
    (root / ".depmap.toml").write_text('exclude = ["shop/repositories/"]\n')


def moved(root: Path) -> None:
    (root / "shop" / "repositories").rename(root / "shop" / "stores")


def ignored(root: Path) -> None:
    ignore = root / ".gitignore"
    ignore.write_text((ignore.read_text() if ignore.exists() else "") + "shop/repositories/orders.py\n")


@pytest.mark.parametrize("change", [added, deleted, configured, moved, ignored])
def test_a_tree_change_walks_again_and_answers_as_a_fresh_scan(shop, walks, change):
    build_index(shop, jobs=1, use_cache=True)
    age(shop)
    assert build_index(shop, jobs=1, use_cache=True).files_parsed == 0  # the snapshot is stored now
    walks.clear()
    change(shop)
    index = build_index(shop, jobs=1, use_cache=True)
    assert walks == [shop]
    expected = full(shop)
    assert [f.to_json() for f in index.facts] == [f.to_json() for f in expected.facts]
    from depmap.mentions.files import files_to_search

    assert index.searched == files_to_search(shop, expected.config)


def test_an_edited_file_is_rescanned_without_a_walk(shop, walks):
    build_index(shop, jobs=1, use_cache=True)
    age(shop)
    build_index(shop, jobs=1, use_cache=True)
    walks.clear()
    changed_by_edit(shop)
    index = build_index(shop, jobs=1, use_cache=True)
    assert (walks, index.files_parsed) == ([], 1)
    assert [f.detail for f in index.graph.writers("audit_log") if f.location.path == ORDERS] == ["delete"]


def test_a_tree_changed_moments_ago_stores_no_snapshot(shop, walks):
    build_index(shop, jobs=1, use_cache=True)  # every folder just aged, but the cache folder is new
    (shop / "shop" / "notes.md").write_text("fresh\n")
    build_index(shop, jobs=1, use_cache=True)
    build_index(shop, jobs=1, use_cache=True)
    assert walks == [shop, shop, shop]


def test_a_cache_copied_to_a_new_clone_serves_the_warm_path_after_one_hash_pass(shop, tmp_path, monkeypatch):
    build_index(shop, jobs=1, use_cache=True)
    expected = full(shop)
    clone = tmp_path / "elsewhere" / "clone"
    shutil.copytree(shop, clone)  # new path, new ctimes
    age(clone)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))  # no signing key: the pickle is not read
    import depmap.linking

    def no_linking(facts):
        raise AssertionError("linked again")

    monkeypatch.setattr(depmap.linking, "link_facts", no_linking)
    restored = build_index(clone, jobs=1, use_cache=True)
    assert restored.files_parsed == 0
    warm = build_index(clone, jobs=1, use_cache=True, partial=True)
    assert warm.store is not None
    assert [f.to_json() for f in restored.facts] == [f.to_json() for f in expected.facts]
    assert restored.catalog.to_json() == expected.catalog.to_json()
    assert warm.focused(["orders"]).graph.readers("orders") == expected.graph.readers("orders")


def test_a_damaged_row_means_linking_again(shop):
    import sqlite3

    build_index(shop, jobs=1, use_cache=True)
    db = sqlite3.connect(shop / ".depmap" / "cache.sqlite")
    db.execute("UPDATE linked_facts SET fact = '{\"kind\": 1}' WHERE kind = 'access'")
    db.commit()
    db.close()
    warm = build_index(shop, jobs=1, use_cache=True, partial=True)
    assert warm.store is not None  # the damage is in rows this query has not read yet
    expected = full(shop)
    assert warm.focused(["orders"]).graph.readers("orders") == expected.graph.readers("orders")
    healed = build_index(shop, jobs=1, use_cache=True, partial=True)
    assert healed.focused(["orders"]).graph.readers("orders") == expected.graph.readers("orders")
    assert healed.store is not None and healed.store.decoded > 0


def killed_after(delay: float, *args: str) -> None:
    """A depmap command killed (SIGKILL: nothing of its own runs) `delay` seconds after it started."""
    run = subprocess.Popen([sys.executable, "-m", "depmap", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    run.kill()
    run.wait()


def test_runs_killed_at_any_moment_leave_a_cache_that_answers_correctly(shop):
    expected = answers(shop, "--no-cache")
    (shop / ".depmap").mkdir(exist_ok=True)
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0):
        changed_by_edit(shop)
        killed_after(delay, "scan", "--path", str(shop), "-q")
        expected = answers(shop, "--no-cache")
        assert answers(shop) == expected
        assert answers(shop) == expected  # and warm


def test_two_concurrent_runs_both_answer_correctly(shop):
    expected = answers(shop, "--no-cache")
    for _ in range(2):
        shutil.rmtree(shop / ".depmap", ignore_errors=True)
        command = [sys.executable, "-m", "depmap", "who-reads", "orders", "--format", "json", "--path", str(shop), "-q"]
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate() for run in runs]
        assert [(run.returncode, out) for run, (out, _err) in zip(runs, outputs)] == [(0, expected[0])] * 2
        assert answers(shop) == expected


def test_a_damaged_row_only_the_mention_search_reads_still_answers(shop):
    """The facts about other tables of a file that names `orders` are read by the mention search
    alone (its claims), after the usages were answered from the rows of `orders`."""
    import sqlite3

    assert depmap(shop, "scan").returncode == 0
    expected = answers(shop, "--no-cache")
    with sqlite3.connect(shop / ".depmap" / "cache.sqlite") as db:
        db.execute("DELETE FROM linked_spans")
        db.execute("UPDATE linked_facts SET fact = '[]' WHERE id IN (SELECT id FROM linked_names WHERE name = 'p:shop/reports/sales.py') "
                   "AND id NOT IN (SELECT id FROM linked_names WHERE name IN ('t:orders', 't:order_totals', 't:order_items', 't:payments', 't:customers'))")
    db.close()
    assert answers(shop) == expected
    assert answers(shop) == expected  # linked again and stored anew


def test_a_settings_file_edited_without_a_walk_changes_the_dialect(tmp_path, walks):
    """Detection reads the settings again when their stat moves, though the tree is not walked."""
    root = tmp_path / "site"
    (root / "site").mkdir(parents=True)
    settings = root / "site" / "settings.py"
    settings.write_text('DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "site"}}\n')
    (root / "site" / "reports.py").write_text('def totals(cur):\n    cur.execute("SELECT id, total FROM invoices")\n    return cur.fetchall()\n')
    age(root)
    build_index(root, jobs=1, use_cache=True)
    age(root)
    assert build_index(root, jobs=1, use_cache=True).dialect == "postgres"
    walks.clear()
    settings.write_text(settings.read_text().replace("postgresql", "mysql"))
    warm = build_index(root, jobs=1, use_cache=True)
    assert (walks, warm.dialect, warm.dialect_source) == ([], "mysql", full(root).dialect_source)
    assert "site/settings.py" in warm.dialect_source


def test_detection_lists_no_folder_again_while_none_changed(tmp_path, walks, monkeypatch):
    """The folders detection lists for files discovery does not (alembic.ini, requirements) are
    in the snapshot with their stats: unchanged, they are not listed again."""
    from depmap.dialects import detect

    root = tmp_path / "site"
    (root / "ops").mkdir(parents=True)
    (root / ".gitignore").write_text("ops/\n")
    (root / "ops" / "README.md").write_text("Deployment notes.\n")
    (root / "reports.py").write_text('def totals(cur):\n    cur.execute("SELECT id, total FROM invoices")\n    return cur.fetchall()\n')
    age(root)
    build_index(root, jobs=1, use_cache=True)
    age(root)
    assert build_index(root, jobs=1, use_cache=True).dialect == "postgres"
    listed = []
    real = detect.unscanned_files
    monkeypatch.setattr(detect, "unscanned_files", lambda *a, **k: listed.append(a[0]) or real(*a, **k))
    walks.clear()
    warm = build_index(root, jobs=1, use_cache=True)
    assert (walks, listed, warm.dialect) == ([], [], "postgres")
    (root / "ops" / "alembic.ini").write_text("[alembic]\nsqlalchemy.url = mysql+pymysql://app@db/site\n")
    warm = build_index(root, jobs=1, use_cache=True)
    assert walks == [] and root in listed  # the ignored folder's listing moved: listed again, no walk
    assert (warm.dialect, warm.dialect_source) == ("mysql", full(root).dialect_source) == ("mysql", "ops/alembic.ini:2")


def warm_twice(root: Path) -> None:
    build_index(root, jobs=1, use_cache=True)
    age(root)
    build_index(root, jobs=1, use_cache=True)


def test_a_link_to_a_file_of_the_tree_is_watched_by_its_target(shop, walks):
    """`CLAUDE.md -> AGENTS.md`-like links no longer mean a walk per run: the target's stat is
    watched, and a link to a folder still means one."""
    reports = shop / "shop" / "reports"
    (reports / "sales_link.py").symlink_to(reports / "sales.py")
    warm_twice(shop)
    walks.clear()
    assert build_index(shop, jobs=1, use_cache=True).files_parsed == 0 and walks == []
    sales = reports / "sales.py"
    sales.write_text(sales.read_text() + "\n\ndef purge(cur):\n    cur.execute('DELETE FROM audit_log')\n")
    index = build_index(shop, jobs=1, use_cache=True)
    assert walks == [shop]  # the target moved: walked again
    purges = [f.location.path for f in index.graph.writers("audit_log") if f.location.path.startswith("shop/reports/sales")]
    assert sorted(purges) == ["shop/reports/sales.py", "shop/reports/sales_link.py"]
    assert [f.to_json() for f in index.facts] == [f.to_json() for f in full(shop).facts]


def test_a_link_to_a_folder_means_a_walk_every_run(shop, walks):
    (shop / "shop" / "mirror").symlink_to(shop / "shop" / "reports", target_is_directory=True)
    warm_twice(shop)
    walks.clear()
    build_index(shop, jobs=1, use_cache=True)
    assert walks == [shop]
