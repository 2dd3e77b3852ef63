"""A warm `impact` reads the stored rows of its table, and answers exactly what the whole index answers."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import depmap.cli.judge as judge
from depmap.cli.main import cli
from depmap.index.build import Index, build_index
from depmap.index.stored_tables import FocusedCatalog, _table_json, table_from_json
from tests.index.test_query_index import DJANGO, REPO, SHOP, copy

SAMPLES = REPO / "samples"
CASES = REPO / "tests" / "impact" / "cases"

# Every change `impact --help` offers, on the bundled samples: a new column (nullable, NOT NULL
# with a default), and a drop, a rename and a type change of an existing one.
SAMPLE_CHANGES = [
    ("shop_sql", ["orders.email", "--type", "text", "--not-null"]),  # ambiguous-column, view-star-frozen, unparsed-sql
    ("shop_sql", ["orders.gift_note", "--type", "integer", "--not-null", "--default", "0"]),
    ("shop_sql", ["order_totals.item_count", "--drop"]),  # no-remaining-use: the column's mentions
    ("shop_sql", ["customers.email", "--rename", "email_address"]),
    ("shop_sql", ["orders.status", "--set-type", "varchar(20)"]),
    ("django_shop", ["sales_order.note", "--type", "text"]),  # exposes-all-fields, the Django plan
    ("django_shop", ["Order.status", "--drop"]),
    ("django_shop", ["catalog_product.name", "--set-type", "varchar(400)"]),
    ("sqlalchemy_service", ["accounts.nickname", "--type", "varchar(40)", "--not-null"]),
    ("sqlalchemy_service", ["account_notes.created_on", "--rename", "noted_on"]),
    ("warehouse", ["staging.stg_customers.segment", "--type", "text"]),  # downstream-propagation through dbt
    ("warehouse", ["reporting.order_payments.order_id", "--drop"]),
]


def invoke(root: Path, args: list[str], output_format: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(cli, ["-q", "impact", *args, "--path", str(root), "--format", output_format, "--no-pager"])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.stdout, done.stderr


def whole_or_rows(monkeypatch):
    """A switch: the judging commands load the whole index (as every run did before) or, as now,
    what their tables need from the rows."""
    real_load = judge.load_index

    def load(whole: bool) -> None:
        monkeypatch.setattr(judge, "load_index", lambda path, dialect, debug, partial=False: real_load(path, dialect, debug, partial and not whole))

    return load


@pytest.fixture
def judged(monkeypatch):
    """Run `impact` on the whole index (as every run did before) or focused, and say which catalog answered."""
    real_focus = Index.for_impact
    seen: list[str] = []
    load = whole_or_rows(monkeypatch)

    def run(root: Path, args: list[str], output_format: str, whole: bool) -> tuple[int, str, str]:
        load(whole)
        seen.clear()
        return invoke(root, args, output_format)

    def focus(self: Index, table: str) -> Index:
        found = real_focus(self, table)
        seen.append(type(found.catalog).__name__)
        return found

    monkeypatch.setattr(Index, "for_impact", focus)
    run.seen = seen  # type: ignore[attr-defined]
    return run


def warm(root: Path, *options: str) -> Path:
    for _ in range(2):  # the second run stores the discovery snapshot
        assert CliRunner().invoke(cli, ["-q", "scan", "--path", str(root), *options]).exit_code == 0
    return root


@pytest.mark.parametrize("output_format", ["json", "text"])
@pytest.mark.parametrize(("sample", "args"), SAMPLE_CHANGES, ids=[f"{s}:{' '.join(a)}" for s, a in SAMPLE_CHANGES])
def test_warm_impact_answers_what_the_whole_index_answers(tmp_path, judged, sample, args, output_format):
    root = warm(copy(SAMPLES / sample, tmp_path / sample))
    whole = judged(root, args, output_format, whole=True)
    assert judged.seen == ["Catalog"]  # the whole index, as before
    focused = judged(root, args, output_format, whole=False)
    assert judged.seen == ["FocusedCatalog"]
    assert focused == whole
    assert whole[1].strip()


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_a_sqlite_type_change_rebuilds_the_table_and_recreates_its_views_as_the_whole_index_does(tmp_path, judged, output_format):
    """SQLite changes a type by rebuilding the table: the plan lists every view and reads each
    one's last CREATE VIEW from the schema operations, which the focused catalog reads when asked."""
    root = warm(copy(SHOP, tmp_path / "shop"), "--dialect", "sqlite")
    args = ["orders.status", "--set-type", "varchar(20)", "--dialect", "sqlite"]
    whole = judged(root, args, output_format, whole=True)
    focused = judged(root, args, output_format, whole=False)
    assert judged.seen == ["FocusedCatalog"]
    assert focused == whole
    assert "CREATE VIEW order_totals" in whole[1]


def _case_arguments(case: dict) -> list[str] | None:
    """The `impact` command line of a rule case that judges one proposed change (not a migration)."""
    if {"changed", "check", "check_change", "operations", "spec"} & set(case) or "target" not in case:
        return None
    args = [case["target"]]
    change = case.get("change", "add")
    if change == "drop":
        args.append("--drop")
    elif change == "rename":
        args += ["--rename", case.get("new_name", "renamed_by_test")]
    elif change == "set_type":
        args += ["--set-type", case["set_type"]]
    else:
        args += ["--type", case.get("type", "text")] + (["--not-null"] if case.get("not_null") else [])
        args += ["--default", case["default"]] if "default" in case else []
    if "server_version" in case:
        args += ["--server-version", str(case["server_version"])]
    return args


RULE_CASES = sorted(
    (folder, args)
    for folder in CASES.glob("*/*")
    if (folder / "case.toml").is_file() and (args := _case_arguments(tomllib.loads((folder / "case.toml").read_text()))) is not None
)


@pytest.mark.parametrize(("folder", "args"), RULE_CASES, ids=[f"{f.parent.name}/{f.name}" for f, _ in RULE_CASES])
def test_every_rule_case_judged_warm_is_judged_as_on_the_whole_index(tmp_path, judged, folder, args):
    """Each rule's bad and good cases: the rules that ask about other files than the table's
    (a statement's other facts, DDL files, the column's mentions) read them from the rows."""
    dialect = tomllib.loads((folder / "case.toml").read_text()).get("dialect", "postgres")
    root = warm(copy(folder, tmp_path / "case"), "--dialect", dialect)
    args = [*args, "--dialect", dialect]
    whole = judged(root, args, "json", whole=True)
    focused = judged(root, args, "json", whole=False)
    assert focused == whole
    if whole[0] != 2:  # exit 2: the table is unknown (said before reading its rows) or the column exists
        assert judged.seen == ["FocusedCatalog"]


def test_a_warm_impact_decodes_a_part_of_the_index(tmp_path):
    root = warm(copy(DJANGO, tmp_path / "django"))
    whole = build_index(root, jobs=1, use_cache=False)
    partial = build_index(root, jobs=1, use_cache=True, partial=True)
    focused = partial.for_impact("sales_order")
    assert isinstance(focused.catalog, FocusedCatalog)
    assert partial.store.decoded < len(whole.facts) // 2
    assert focused.catalog.get("sales_order").to_json() == whole.catalog.get("sales_order").to_json()
    assert focused.catalog.referencing("sales_order") == whole.catalog.referencing("sales_order")
    assert focused.catalog.to_json() == whole.catalog.to_json()  # what is not asked for is read when asked
    assert partial.store.frameworks == frozenset({"django"})


@pytest.mark.parametrize("sample", ["shop_sql", "django_shop", "sqlalchemy_service", "warehouse"])
def test_every_stored_table_reads_back_as_it_was_linked(sample):
    catalog = build_index(SAMPLES / sample, jobs=1).catalog
    for name, table in catalog.tables.items():
        row = json.dumps(_table_json(table))
        read = table_from_json(row, name)
        assert _table_json(read) == json.loads(row)
        assert read.to_json() == table.to_json()


@pytest.mark.parametrize("damage", [
    "UPDATE linked_tables SET data = '{\"name\": 1}' WHERE name = 'orders'",
    "DELETE FROM linked_tables WHERE name = 'customers'",  # a table another rule asks about
    "UPDATE linked_facts SET fact = '{\"kind\": 1}' WHERE id IN (SELECT id FROM linked_names WHERE name = 't:orders')",
    "UPDATE linked_facts SET fact = '[]' WHERE id IN (SELECT id FROM linked_names WHERE name = 'p:shop/reports/sales.py')",
    # the facts about products and shipments of a file that names `orders`: only the mention search reads them
    "UPDATE linked_facts SET fact = '[]' WHERE id IN (SELECT id FROM linked_names WHERE name = 'p:shop/reports/sales.py') "
    "AND id NOT IN (SELECT id FROM linked_names WHERE name IN ('t:orders', 't:order_totals', 't:order_items', 't:payments', 't:customers'))",
    "DELETE FROM linked_meta WHERE name = 'impact'",
    "DROP TABLE linked_tables",
])
def test_damaged_rows_still_give_the_answer_of_the_whole_index(tmp_path, judged, damage):
    root = warm(copy(SHOP, tmp_path / "shop"))
    args = ["orders.email", "--type", "text", "--not-null"]
    expected = judged(root, args, "json", whole=True)
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    db.execute(damage)
    db.commit()
    db.close()
    assert judged(root, args, "json", whole=False) == expected
    assert judged(root, args, "json", whole=False) == expected  # linked again and stored anew
    assert judged.seen == ["FocusedCatalog"]
