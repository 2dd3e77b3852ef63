"""The other files' project-level facts a relink reads: every kind it can meet, and the bodies of
the names the relinked files call, transitively; the stored groups give what the dict gives."""

from __future__ import annotations

import shutil
from pathlib import Path

from depmap.index.build import build_index
from depmap.index.linked_store import LinkedStore
from depmap.index.project_facts import ProjectFacts, body_names
from depmap.index.row_update import StoredState
from depmap.model import ACCESS, Fact, Location
from depmap.orm.symbols import ORM_CALL, PY_CLASS
from depmap.registry import AIRFLOW_TASK, DBT_CONSUMED_KINDS

SHOP = Path(__file__).resolve().parent / "relink_shop"


def _at(path: str, line: int, symbol: str | None) -> Location:
    return Location(path, line, line, symbol=symbol)


def _sql(path: str, line: int, symbol: str, table: str) -> Fact:
    return Fact(ACCESS, table, _at(path, line, symbol), ("id",), "read", "select", "sql")


def _call(path: str, line: int, symbol: str, function: str) -> Fact:
    return Fact(ORM_CALL, "", _at(path, line, symbol), via="orm", extra={"function": function})


REPO = "shop/repo.py"
HELPERS = "shop/helpers.py"
REPORTS = "shop/reports.py"
ORDER_REPO = Fact(PY_CLASS, "", _at(REPO, 1, "shop.repo.OrderRepository"), extra={"class": "shop.repo.OrderRepository", "bases": []})
OPEN_ORDERS = _call(REPO, 4, "shop.repo.open_orders", "shop.helpers.fetch_rows")
FETCH_ROWS = _sql(HELPERS, 2, "shop.helpers.fetch_rows", "orders")
LATE = _sql(REPORTS, 3, "shop.reports.late_invoices", "invoices")
NIGHTLY = Fact(AIRFLOW_TASK, "", _at("dags/nightly.py", 5, None), extra={"task_id": "nightly"})
PROJECT = {REPO: [ORDER_REPO, OPEN_ORDERS], HELPERS: [FETCH_ROWS], REPORTS: [LATE], "dags/nightly.py": [NIGHTLY]}


def test_the_bodies_of_what_is_called_are_read_transitively_and_no_other():
    context = ProjectFacts(PROJECT).context({"shop/services.py"}, frozenset({AIRFLOW_TASK}), {"open_orders"})
    # open_orders calls fetch_rows: its body comes too; late_invoices is called by nothing relinked
    assert context == {HELPERS: [FETCH_ROWS], REPO: [ORDER_REPO, OPEN_ORDERS]}


def test_kinds_are_read_whole_unless_left_out():
    context = ProjectFacts(PROJECT).context({"shop/services.py"}, frozenset(), set())
    assert context == {REPO: [ORDER_REPO], "dags/nightly.py": [NIGHTLY]}


def test_the_relinked_files_themselves_are_never_context():
    context = ProjectFacts(PROJECT).context({REPO}, frozenset(), {"open_orders", "fetch_rows"})
    assert context == {HELPERS: [FETCH_ROWS], "dags/nightly.py": [NIGHTLY]}


def test_callers_by_callee_name():
    assert sorted(ProjectFacts(PROJECT).calling({"fetch_rows"})) == [(REPO, "open_orders")]
    assert list(ProjectFacts(PROJECT).calling({"late_invoices"})) == []


def test_the_stored_groups_answer_as_the_dict_does(tmp_path):
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    build_index(root, jobs=1, use_cache=True)
    store = LinkedStore.open(root)
    assert store is not None
    try:
        state = StoredState(store)
        whole = state.project()
        stored, in_memory = state.project_facts(), ProjectFacts(whole)
        assert dict(stored.everything()) == whole
        names = {fact.extra.get("method") or fact.extra.get("function", "").rsplit(".", 1)[-1] for facts in whole.values() for fact in facts if fact.kind == ORM_CALL}
        assert names  # the shop's services call its repository's methods
        for leave_out, called in [(set(), set()), ({"shop/services.py"}, names), (set(), {"open_orders"}), ({"shop/repositories.py"}, names)]:
            assert stored.context(leave_out, frozenset(), called) == in_memory.context(leave_out, frozenset(), called)
        every_callable = {name for facts in whole.values() for fact in facts for name in body_names(fact.kind, fact.detail, fact.location.symbol, fact.extra)}
        assert stored.context(set(), frozenset(), every_callable) == whole  # every callable called: every fact
        assert sorted(stored.calling(names)) == sorted(set(in_memory.calling(names)))
        assert stored.of_kinds({PY_CLASS}) == in_memory.of_kinds({PY_CLASS})
        assert stored.get("shop/repositories.py") == whole["shop/repositories.py"]
    finally:
        store.close()


def test_names_are_looked_up_in_the_stored_dbt_facts_as_in_the_dict(tmp_path):
    """Whether a relinked flow's target or task's function may be a dbt relation or model: any
    case, in the dbt facts alone (a model's name, a config's alias, the project's schemas)."""
    root = tmp_path / "warehouse"
    shutil.copytree(Path(__file__).resolve().parents[2] / "samples" / "warehouse", root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    build_index(root, jobs=1, use_cache=True)
    store = LinkedStore.open(root)
    assert store is not None
    try:
        state = StoredState(store)
        stored, in_memory = state.project_facts(), ProjectFacts(state.project())
        for words, expected in [({"stg_orders"}, True), ({"STG_Orders"}, True), ({"raw_events"}, False), ({"copy_staged_events"}, False),
                                ({"raw_events", "dim_customers"}, True), ({"caf\u00e9"}, True), ({""}, True)]:
            assert (stored.mentions(DBT_CONSUMED_KINDS, words), in_memory.mentions(DBT_CONSUMED_KINDS, words)) == (expected, expected), words
    finally:
        store.close()
