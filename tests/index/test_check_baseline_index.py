"""A warm `check` reads only what its migrations' tables need, a warm `baseline` one table at a time:
both answer exactly what the whole index answers."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import depmap.cli.judge as judge
from depmap.cli.main import cli
from depmap.index.build import Index, build_index
from depmap.index.check_index import migrations_index, with_tables
from tests.index.test_impact_index import CASES, SAMPLES, warm, whole_or_rows
from tests.index.test_query_index import copy


def _migrations(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.suffix in (".py", ".sql") and p.name != "__init__.py"
                  and any(part in ("migrations", "versions") for part in p.relative_to(root).parts[:-1]))


SAMPLE_MIGRATIONS = [(sample, path) for sample in ("shop_sql", "django_shop", "sqlalchemy_service") for path in _migrations(SAMPLES / sample)]
CHECK_CASES = sorted(
    (folder, case)
    for folder in CASES.glob("*/*")
    if (folder / "case.toml").is_file() and (case := tomllib.loads((folder / "case.toml").read_text())).get("check_change", case.get("check"))
)


@pytest.fixture
def checked(monkeypatch):
    """Run `check` on the whole index (as every run did before) or from the rows, and say which."""
    real_reports = judge._check_reports
    seen: list[str] = []
    load = whole_or_rows(monkeypatch)

    def run(root: Path, args: list[str], output_format: str, whole: bool) -> tuple[int, str, str]:
        load(whole)
        seen.clear()
        done = CliRunner().invoke(cli, ["-q", "check", *args, "--path", str(root), "--format", output_format, "--no-pager"])
        assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
        return done.exit_code, done.stdout.replace(str(root), "<ROOT>"), done.stderr

    def reports(obj, index, *rest):  # noqa: ANN001
        seen.append("rows" if index.store is not None else "whole")
        return real_reports(obj, index, *rest)

    monkeypatch.setattr(judge, "_check_reports", reports)
    run.seen = seen  # type: ignore[attr-defined]
    return run


@pytest.mark.parametrize("output_format", ["json", "text"])
@pytest.mark.parametrize(("sample", "migration"), SAMPLE_MIGRATIONS, ids=[f"{s}:{m}" for s, m in SAMPLE_MIGRATIONS])
def test_a_warm_check_answers_what_the_whole_index_answers(tmp_path, checked, sample, migration, output_format):
    root = warm(copy(SAMPLES / sample, tmp_path / sample))
    whole = checked(root, [str(root / migration)], output_format, whole=True)
    assert checked.seen == ["whole"]
    focused = checked(root, [str(root / migration)], output_format, whole=False)
    assert checked.seen == ["rows"]
    assert focused == whole
    assert whole[1].strip()


def test_a_warm_check_of_every_migration_at_once_answers_what_the_whole_index_answers(tmp_path, checked):
    root = warm(copy(SAMPLES / "django_shop", tmp_path / "django_shop"))
    args = [str(root / path) for path in _migrations(root)]
    whole = checked(root, args, "json", whole=True)
    focused = checked(root, args, "json", whole=False)
    assert checked.seen == ["rows"]
    assert focused == whole
    answer = json.loads(whole[1])
    assert (len(answer["columns"]), len(answer["findings"]), len(answer["problems"])) == (1, 4, 4)


@pytest.mark.parametrize(("folder", "case"), CHECK_CASES, ids=[f"{f.parent.name}/{f.name}" for f, _ in CHECK_CASES])
def test_every_migration_rule_case_checked_warm_is_judged_as_on_the_whole_index(tmp_path, checked, folder, case):
    dialect = case.get("dialect", "postgres")
    root = warm(copy(folder, tmp_path / "case"), "--dialect", dialect)
    args = [str(root / case.get("check_change", case.get("check"))), "--dialect", dialect]
    args += ["--server-version", str(case["server_version"])] if "server_version" in case else []
    whole = checked(root, args, "json", whole=True)
    focused = checked(root, args, "json", whole=False)
    assert checked.seen == ["rows"]
    assert focused == whole


def test_a_warm_check_decodes_the_catalogs_input_and_its_tables_not_their_readers_elsewhere(tmp_path):
    """The schema's facts and the migration's tables' facts are read; the usages of the other
    tables are not."""
    root = warm(copy(SAMPLES / "shop_sql", tmp_path / "shop"))
    whole = build_index(root, jobs=1, use_cache=False)
    partial = build_index(root, jobs=1, use_cache=True, partial=True)
    first = migrations_index(partial, ["migrations/0004_customer_marketing.sql"])
    focused = with_tables(first, ["customers"])
    kept = {json.dumps(f.to_json(), sort_keys=True) for f in focused.facts}
    expected = [f for f in whole.facts if json.dumps(f.to_json(), sort_keys=True) in kept]
    assert [f.to_json() for f in focused.facts] == [f.to_json() for f in expected]  # canonical order kept
    assert len(focused.facts) < len(whole.facts)
    assert focused.graph.readers("customers") == whole.graph.readers("customers")
    assert Counter(f.kind for f in focused.facts) == {"column_def": 52, "schema_op": 19, "access": 15, "table_def": 8, "parse_error": 1}
    assert {f.table for f in focused.facts if f.kind == "access"} == {"customers", "orders"}  # orders: reads whose columns may be customers'
    assert Counter(f.kind for f in whole.facts) == {"access": 79, "column_def": 52, "schema_op": 19, "table_def": 8, "flow": 5, "parse_error": 1}


def test_a_damaged_row_met_by_a_warm_check_means_the_whole_index(tmp_path, checked):
    root = warm(copy(SAMPLES / "shop_sql", tmp_path / "shop"))
    args = [str(root / "migrations/0004_customer_marketing.sql")]
    whole = checked(root, args, "json", whole=True)
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    db.execute("UPDATE linked_facts SET fact = '{\"kind\": 1}' WHERE kind = 'column_def'")
    db.commit()
    db.close()
    focused = checked(root, args, "json", whole=False)
    assert checked.seen == ["whole"]  # the rows were found damaged before any report
    assert focused == whole


def _baseline(root: Path, *options: str) -> tuple[str, str]:
    done = CliRunner().invoke(cli, [*options, "baseline", "--path", str(root)])
    assert done.exit_code == 0, done.output
    written = (root / ".depmap-baseline.json").read_text()
    (root / ".depmap-baseline.json").unlink()
    return done.stderr, written


@pytest.mark.parametrize(("sample", "message"), [
    ("shop_sql", "depmap: wrote .depmap-baseline.json: 6 finding(s) of 8 table(s) accepted\n"),
    ("django_shop", "depmap: wrote .depmap-baseline.json: 4 finding(s) of 8 table(s) accepted\n"),
    ("sqlalchemy_service", "depmap: wrote .depmap-baseline.json: 0 finding(s) of 5 table(s) accepted\n"),
    ("warehouse", "depmap: wrote .depmap-baseline.json: 3 finding(s) of 16 table(s) accepted\n"),
])
def test_a_warm_baseline_judges_table_by_table_what_the_whole_index_judges(tmp_path, monkeypatch, sample, message):
    root = warm(copy(SAMPLES / sample, tmp_path / sample))
    whole = _baseline(root, "--no-cache")
    real = Index.for_impact
    asked: list[str] = []

    def focus(self: Index, table: str) -> Index:
        asked.append(table)
        return real(self, table)

    monkeypatch.setattr(Index, "for_impact", focus)
    assert _baseline(root) == whole
    assert whole[0] == message
    assert asked == sorted(build_index(root, jobs=1).catalog.tables)  # one table at a time, each read from its rows


def test_a_cold_baseline_judges_from_the_rows_it_just_stored(tmp_path, monkeypatch):
    root = copy(SAMPLES / "shop_sql", tmp_path / "shop")
    whole = _baseline(root, "--no-cache")
    asked: list[str] = []
    real = Index.for_impact
    monkeypatch.setattr(Index, "for_impact", lambda self, table: asked.append(table) or real(self, table))
    assert _baseline(root) == whole
    assert asked == ['audit_log', 'customers', 'order_items', 'order_totals', 'orders', 'payments', 'products', 'shipments']
