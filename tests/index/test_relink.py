"""Relinking only what changed gives what linking every file gives, fact for fact and in order.

Each test edits a copy of a real project, scans only the edited files again, relinks, and compares
with a full `link_facts` of the edited project (`relink_support.assert_same_as_full_link`), then
checks which path the relink took: a change to no project-level fact links the changed files alone.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from depmap.index.project_facts import ProjectFacts
from depmap.index.relink import CALLERS, FULL, LOCAL, MODELS, NARROW, is_project_level, project_level
from depmap.model import ACCESS, FLOW, Fact, Location
from depmap.orm.symbols import DJANGO_MIGRATION_OP, MODEL, PY_CLASS, PY_OBJECT, TABLE_BINDING
from depmap.registry import AIRFLOW_TASK, DBT_CONSUMED_KINDS
from tests.index.relink_support import Project, append, assert_same_as_full_link, by_path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
SHOP = Path(__file__).resolve().parent / "relink_shop"
QUERY = '\n\ndef audit_rows(connection):\n    return connection.execute("SELECT id, status FROM {table} WHERE status = \'late\'").fetchall()\n'


def copied(source: Path, tmp_path: Path) -> Path:
    root = tmp_path / source.name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    return root


def edited(project: Project, paths: list[str]) -> Project:
    after = project.copy()
    after.rescan(paths)
    return after


@pytest.fixture
def shop(tmp_path: Path) -> Project:
    return Project.scan(copied(SHOP, tmp_path))


# -- the cross-file forms ----------------------------------------------------------------------------


def test_a_call_site_of_a_repository_method_relinks_its_own_file_alone(shop):
    append(shop.root, "shop/services.py", "\n\ndef overview(connection, customer_id):\n    orders = OrderRepository(connection)\n    return len(orders.open_orders(customer_id))\n")
    result = assert_same_as_full_link(shop, edited(shop, ["shop/services.py"]))
    assert (result.mode, result.relinked) == (LOCAL, ("shop/services.py",))
    inferred = [(f.location.line, f.table, f.extra["inferred_from"]) for f in result.by_path["shop/services.py"] if "inferred_from" in f.extra]
    assert inferred == [
        (6, "sales_order", "method shop.repositories.OrderRepository.open_orders"),
        (11, "sales_order", "method shop.repositories.OrderRepository.open_orders"),
    ]


def test_a_call_site_is_linked_against_what_it_calls_and_the_project_kinds_alone(shop, monkeypatch):
    """The context of a local relink: every model, class and migration, and the body of the one
    method the changed file calls; not the view whose function nobody relinked calls, and no dbt
    or Airflow fact (`depmap.index.project_facts`)."""
    read = []
    whole = ProjectFacts.context

    def recorded(self, leave_out, unused, called):
        context = whole(self, leave_out, unused, called)
        read.append((sorted(leave_out), sorted(called), unused, {path: [(f.kind, f.location.symbol) for f in facts] for path, facts in context.items()}))
        return context

    monkeypatch.setattr(ProjectFacts, "context", recorded)
    append(shop.root, "shop/services.py", "\n\ndef overview(connection, customer_id):\n    orders = OrderRepository(connection)\n    return len(orders.open_orders(customer_id))\n")
    result = assert_same_as_full_link(shop, edited(shop, ["shop/services.py"]))
    assert (result.mode, result.relinked) == (LOCAL, ("shop/services.py",))
    [(leave_out, called, unused, context)] = read
    assert (leave_out, called) == (["shop/services.py"], ["open_orders"])
    assert unused == DBT_CONSUMED_KINDS | {AIRFLOW_TASK, DJANGO_MIGRATION_OP, FLOW}
    first, second = "shop.orders.migrations.0001_initial.Migration", "shop.orders.migrations.0002_rename_order_table.Migration"
    assert context == {
        "shop/orders/migrations/0001_initial.py": [("migration", first), ("py_class", first)],
        "shop/orders/migrations/0002_rename_order_table.py": [("migration", second), ("py_class", second)],
        "shop/orders/models.py": [("py_class", "shop.orders.models.Customer"), ("model", "shop.orders.models.Customer"),
                                  ("py_class", "shop.orders.models.Order"), ("model", "shop.orders.models.Order")],
        "shop/repositories.py": [("access", "shop.repositories.OrderRepository.open_orders")],
    }


def _recorded_contexts(monkeypatch) -> list:
    read = []
    whole = ProjectFacts.context

    def recorded(self, leave_out, unused, called):
        context = whole(self, leave_out, unused, called)
        read.append((unused, sorted({f.kind for facts in context.values() for f in facts})))
        return context

    monkeypatch.setattr(ProjectFacts, "context", recorded)
    return read


NIGHTLY_EXPORT = "airflow/dags/nightly_export.py"
INSERT_SELECT = '\n\ndef backfill(cur):\n    cur.execute("INSERT INTO {table} (id) SELECT id FROM raw_events")\n'


def _dag_relinked_alone(tmp_path: Path, monkeypatch, table: str):
    """The warehouse's nightly export DAG writing `table` by INSERT ... SELECT, relinked alone (as
    a full link would link it): the result, the kinds its context left out and those it read."""
    read = _recorded_contexts(monkeypatch)
    project = Project.scan(copied(SAMPLES / "warehouse", tmp_path))
    append(project.root, NIGHTLY_EXPORT, INSERT_SELECT.format(table=table))
    result = assert_same_as_full_link(project, edited(project, [NIGHTLY_EXPORT]))
    assert (result.mode, result.relinked) == (LOCAL, (NIGHTLY_EXPORT,))
    [(unused, kinds)] = read
    return result, unused, kinds


def test_a_dag_file_running_plain_sql_is_linked_without_the_orm_registry_or_dbt(tmp_path, monkeypatch):
    """A DAG file (tasks, a flow, plain SQL; no class, call or model) relinked alone: the ORM
    registry's kinds but the app configs, every dbt fact and the Django operations are left out; its
    flow ends in no dbt relation."""
    result, unused, kinds = _dag_relinked_alone(tmp_path, monkeypatch, "events_backfill")
    assert unused == DBT_CONSUMED_KINDS | {DJANGO_MIGRATION_OP, FLOW, MODEL, TABLE_BINDING, PY_CLASS, PY_OBJECT}
    assert kinds == ["airflow_task"]
    flows = [(f.table, f.extra["to"], f.extra.get("view")) for f in result.by_path[NIGHTLY_EXPORT] if f.kind == FLOW and f.extra["to"] == "events_backfill"]
    assert flows == [("raw_events", "events_backfill", None)] * 2  # the table's flow and the column's


def test_a_flow_into_a_dbt_view_keeps_the_dbt_facts(tmp_path, monkeypatch):
    """The same edit writing into a dbt staging model (a view, `staging.stg_orders`): the dbt
    facts are read, and the flow is marked as one into a view, as a full link marks it."""
    result, unused, kinds = _dag_relinked_alone(tmp_path, monkeypatch, "staging.stg_orders")
    assert unused == frozenset({DJANGO_MIGRATION_OP, FLOW, MODEL, TABLE_BINDING, PY_CLASS, PY_OBJECT})
    assert {"dbt_model", "dbt_project", "dbt_source"} <= set(kinds)
    flows = [(f.table, f.extra.get("view")) for f in result.by_path[NIGHTLY_EXPORT] if f.kind == FLOW and f.extra["to"] == "staging.stg_orders"]
    assert flows == [("raw_events", True)] * 2


def test_the_sql_a_repository_method_runs_reaches_its_callers_in_another_file(shop):
    path = shop.root / "shop/repositories.py"
    path.write_text(path.read_text().replace("SELECT id, status, total FROM sales_order", "SELECT id, status, total, customer_id FROM sales_order"))
    result = assert_same_as_full_link(shop, edited(shop, ["shop/repositories.py"]))
    assert (result.mode, result.relinked) == (CALLERS, ("shop/repositories.py", "shop/services.py"))  # and its callers alone
    call = next(f for f in result.by_path["shop/services.py"] if "inferred_from" in f.extra)
    assert call.columns == ("id", "status", "total", "customer_id")


def test_a_model_imported_under_another_name_is_resolved_when_its_user_alone_changes(shop):
    append(shop.root, "shop/orders/views.py", "\n\ndef paid_total(customer_id):\n    return Purchase.objects.filter(customer_id=customer_id, status=\"paid\").count()\n")
    result = assert_same_as_full_link(shop, edited(shop, ["shop/orders/views.py"]))
    assert (result.mode, result.relinked) == (LOCAL, ("shop/orders/views.py",))
    assert [(f.location.line, f.table, f.columns) for f in result.by_path["shop/orders/views.py"]] == [
        (5, "sales_order", ("customer_id", "status")),
        (9, "sales_order", ("customer_id", "status")),
    ]


def test_editing_a_model_relinks_every_file(shop):
    path = shop.root / "shop/orders/models.py"
    path.write_text(path.read_text().replace('db_table = "sales_order"', 'db_table = "shop_order"'))
    result = assert_same_as_full_link(shop, edited(shop, ["shop/orders/models.py"]))
    assert result.mode == FULL
    assert {f.table for f in result.by_path["shop/orders/views.py"]} == {"shop_order"}


def test_adding_a_migration_relinks_the_migrations_alone(shop):
    (shop.root / "shop/orders/migrations/0003_order_note.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        '    dependencies = [("orders", "0002_rename_order_table")]\n\n'
        "    operations = [\n"
        '        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),\n'
        "    ]\n"
    )
    result = assert_same_as_full_link(shop, edited(shop, ["shop/orders/migrations/0003_order_note.py"]))
    assert result.mode == NARROW
    assert result.relinked == (
        "shop/orders/migrations/0001_initial.py",
        "shop/orders/migrations/0002_rename_order_table.py",
        "shop/orders/migrations/0003_order_note.py",
    )
    added = [(f.kind, f.table, f.columns, f.detail) for f in result.by_path["shop/orders/migrations/0003_order_note.py"] if f.kind == "column_def"]
    assert added == [("column_def", "sales_order", ("note",), "add_column")]


def test_a_migration_that_renames_the_table_again_moves_the_later_migrations(shop):
    (shop.root / "shop/orders/migrations/0003_order_note.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        '    dependencies = [("orders", "0002_rename_order_table")]\n\n'
        "    operations = [\n"
        '        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),\n'
        "    ]\n"
    )
    before = edited(shop, ["shop/orders/migrations/0003_order_note.py"])
    path = shop.root / "shop/orders/migrations/0002_rename_order_table.py"
    path.write_text(path.read_text().replace('table="sales_order"', 'table="orders_archive"'))
    result = assert_same_as_full_link(before, edited(before, ["shop/orders/migrations/0002_rename_order_table.py"]))
    assert result.mode == NARROW
    assert [f.table for f in result.by_path["shop/orders/migrations/0003_order_note.py"] if f.kind == "column_def"] == ["orders_archive"]


def test_deleting_and_adding_plain_files_relinks_them_alone(shop):
    (shop.root / "shop/services.py").unlink()
    (shop.root / "shop/reports.py").write_text(QUERY.format(table="sales_order").lstrip())
    result = assert_same_as_full_link(shop, edited(shop, ["shop/reports.py"]))
    assert (result.mode, result.relinked) == (LOCAL, ("shop/reports.py", "shop/services.py"))
    assert "shop/services.py" not in result.by_path


# -- the bundled samples and a generated repository ------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "path", "mode"),
    [
        ("django_shop", "catalog/views.py", LOCAL),
        ("shop_sql", "shop/repositories/orders.py", LOCAL),
        ("sqlalchemy_service", "billing/repositories.py", LOCAL),
        ("warehouse", "airflow/sql/reporting_views.sql", LOCAL),
        ("django_shop", "orders/models.py", MODELS),  # a model no other file names
        ("warehouse", "airflow/sql/export_paid_orders.sql", FULL),  # a task's `sql=` file
    ],
)
def test_one_edited_file_of_a_sample(tmp_path, sample, path, mode):
    project = Project.scan(copied(SAMPLES / sample, tmp_path))
    if path.endswith(".sql"):
        append(project.root, path, "\nSELECT id, status FROM orders WHERE status = 'late';\n")
    elif path.endswith("models.py"):
        append(project.root, path, "\n\nclass GiftNote(models.Model):\n    message = models.TextField()\n")
    else:
        append(project.root, path, QUERY.format(table="orders"))
    result = assert_same_as_full_link(project, edited(project, [path]))
    assert result.mode == mode
    assert result.mode == FULL or result.relinked == (path,)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "10000"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--lines", "10000", "--out", str(out)], check=True, capture_output=True)
    return out


def test_edits_to_a_generated_repository(generated, tmp_path):
    project = Project.scan(copied(generated, tmp_path))
    root = project.root
    plain = next(p for p in project.order if p.endswith("/repository.py"))
    model = next(p for p in project.order if p.endswith("/models.py") and "models.Model" in (root / p).read_text())
    migration_folder = next(p for p in project.order if p.endswith(".sql") and "migrations" in p).rsplit("/", 1)[0]
    edits = [
        ("query", [plain], lambda: append(root, plain, QUERY.format(table="accounts"))),
        ("add", [f"{plain.rsplit('/', 1)[0]}/audit.py"], lambda: (root / plain).with_name("audit.py").write_text(QUERY.format(table="accounts").lstrip())),
        ("delete", [], lambda: (root / plain).with_name("rules.py").unlink()),
        ("model", [model], lambda: append(root, model, "\n\nclass GiftNote(models.Model):\n    message = models.TextField()\n")),
        ("migration", [f"{migration_folder}/9999_gift_note.sql"], lambda: (root / migration_folder / "9999_gift_note.sql").write_text("ALTER TABLE accounts ADD COLUMN gift_note text;\n")),
    ]
    modes = {}
    for name, paths, edit in edits:
        edit()
        after = edited(project, paths)
        modes[name] = assert_same_as_full_link(project, after).mode
        project = after
    assert modes == {"query": LOCAL, "add": LOCAL, "delete": LOCAL, "model": MODELS, "migration": LOCAL}


@pytest.mark.parametrize("sample", ["django_shop", "shop_sql", "sqlalchemy_service", "warehouse"])
def test_random_edits(tmp_path, sample):
    """Lines dropped, text appended, files copied and deleted at random (seeded): every step gives
    what a full link gives, whichever path it takes."""
    rng = random.Random(f"relink-{sample}")
    project = Project.scan(copied(SAMPLES / sample, tmp_path))
    modes = set()
    for _ in range(15):
        path = rng.choice(project.order)
        target = project.root / path
        action = rng.choice(["drop a line", "drop a line", "append", "copy", "delete"])
        touched = [path]
        if action == "delete":
            target.unlink()
        elif action == "copy":
            copy = target.with_name(f"copy_{rng.randrange(1000)}_{target.name}")
            shutil.copy(target, copy)
            touched = [str(copy.relative_to(project.root))]
        elif action == "append":
            append(project.root, path, QUERY.format(table="orders") if path.endswith(".py") else "\n-- reviewed\n")
        else:
            lines = target.read_text().splitlines(keepends=True)
            if lines:
                del lines[rng.randrange(len(lines))]
            target.write_text("".join(lines))
        after = edited(project, touched)
        modes.add(assert_same_as_full_link(project, after).mode)
        project = after
    assert LOCAL in modes


# -- the predicate ----------------------------------------------------------------------------------


def _access(symbol: str | None, **extra) -> Fact:
    return Fact(ACCESS, "orders", Location("shop/repo.py", 3, 3, symbol=symbol), ("id",), "read", "select", "sql", extra=extra)


def test_sql_in_a_function_or_method_is_project_level_and_at_module_level_local():
    assert is_project_level(_access("shop.repo.OrderRepository.open_orders"), "shop.repo")
    assert is_project_level(_access("shop.repo.open_orders"), "shop.repo")  # its callers read it through the call
    assert not is_project_level(_access("shop.repo"), "shop.repo")
    assert not is_project_level(_access(None), "shop.repo")
    assert not is_project_level(_access("shop.repo.OrderRepository.open_orders", inferred_from="method x"), "shop.repo")
    assert is_project_level(_access("shop.repo.open_orders", routine="refresh_totals"), "shop.repo")


def test_project_level_facts_of_the_shop(shop):
    kinds = {path: sorted({f.kind for f in project_level(path, facts)}) for path, facts in shop.raw.items()}
    assert kinds == {
        "shop/__init__.py": [],
        "shop/orders/__init__.py": [],
        "shop/orders/migrations/0001_initial.py": ["django_migration_op", "migration", "py_class"],
        "shop/orders/migrations/0002_rename_order_table.py": ["django_migration_op", "migration", "py_class"],
        "shop/orders/migrations/__init__.py": [],
        "shop/orders/models.py": ["model", "py_class"],
        "shop/orders/views.py": ["orm_access"],  # in a view function: what calling it reads
        "shop/repositories.py": ["access"],
        "shop/services.py": ["orm_call"],  # which files call what: the callers of a changed function
    }
    assert by_path(shop.linked())["shop/services.py"][0].extra["inferred_from"] == "method shop.repositories.OrderRepository.open_orders"


def test_a_line_added_above_a_class_moves_no_other_files_facts(shop):
    path = shop.root / "shop/repositories.py"
    path.write_text('"""Reads of the orders."""\n\n' + path.read_text())
    result = assert_same_as_full_link(shop, edited(shop, ["shop/repositories.py"]))
    assert (result.mode, result.relinked) == (LOCAL, ("shop/repositories.py",))  # its method's SQL moved: `code` names the file
    path = shop.root / "shop/services.py"
    path.write_text('"""The dashboard."""\n\n\nclass Dashboard(dict):\n    pass\n\n\n' + path.read_text())
    after = edited(shop, ["shop/repositories.py", "shop/services.py"])
    path.write_text('"""The dashboard, with the open orders."""\n\n' + path.read_text())
    result = assert_same_as_full_link(after, edited(after, ["shop/services.py"]))
    assert (result.mode, result.relinked) == (LOCAL, ("shop/services.py",))
    assert [f.extra["code"] for f in result.by_path["shop/services.py"] if "code" in f.extra] == ["shop/repositories.py"]
