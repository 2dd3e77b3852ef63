"""dbt seeds: a CSV under a project's seed paths is a table named after the file, its header the
columns; `ref()` reaches it; a CSV anywhere else is not a table."""

from __future__ import annotations

from depmap.catalog import Catalog
from depmap.discover import FileKind, classify
from depmap.model import Fact, Location
from depmap.frameworks.dbt.link import link_dbt
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.seeds import scan_dbt_seed
from tests.frameworks.dbt.helpers import FIXTURES, scan_tree, summary

ROOT = FIXTURES / "seeds"
COUNTRIES = "data/country_codes.csv"
STATUSES = "data/statuses.csv"
MODEL = "models/dim_countries.sql"


def _linked() -> list[Fact]:
    facts = scan_tree(ROOT)
    for csv_file in sorted(ROOT.rglob("*.csv")):
        path = csv_file.relative_to(ROOT).as_posix()
        facts.extend(scan_dbt_seed(path, csv_file.read_text(), ScanContext()).facts)
    return link_dbt(facts)


def test_csv_is_its_own_file_kind() -> None:
    assert classify("country_codes.csv") == classify("X.CSV") == FileKind.CSV


def test_header_becomes_a_seed_fact() -> None:
    (fact,) = scan_dbt_seed("data/country_codes.csv", "Country_Code, Country_Name ,\r\nFR,France\r\n", ScanContext()).facts
    assert fact == Fact(
        "dbt_seed",
        "",
        Location("data/country_codes.csv", 1, 1),
        via="dbt",
        extra={"name": "country_codes", "columns": ["country_code", "country_name"], "path": "data/country_codes.csv"},
    )


def test_no_header_line_no_fact() -> None:
    for text in ("", "\n", "\nFR,France\n", " , \n"):
        assert scan_dbt_seed("data/x.csv", text, ScanContext()).facts == [], text


def test_seeds_under_seed_paths_become_tables() -> None:
    facts = _linked()
    assert summary(facts, "table_def", "column_def") == [
        ("column_def", "country_codes", ("country_code",), "schema", "dbt_seed", COUNTRIES, 1),
        ("column_def", "country_codes", ("country_name",), "schema", "dbt_seed", COUNTRIES, 1),
        ("column_def", "country_codes", ("dial_prefix",), "schema", "dbt_seed", COUNTRIES, 1),
        ("column_def", "dim_countries", ("country_code",), "schema", "dbt_model", MODEL, 1),
        ("column_def", "dim_countries", ("country_name",), "schema", "dbt_model", MODEL, 1),
        ("column_def", "dim_countries", ("label",), "schema", "dbt_model", MODEL, 1),
        # schema and alias from the seed's properties YAML, as for a model
        ("column_def", "reference.status_labels", ("code",), "schema", "dbt_seed", STATUSES, 1),
        ("column_def", "reference.status_labels", ("label",), "schema", "dbt_seed", STATUSES, 1),
        ("table_def", "country_codes", ("country_code", "country_name", "dial_prefix"), "schema", "dbt_seed", COUNTRIES, 1),
        ("table_def", "dim_countries", ("country_code", "country_name", "label"), "schema", "dbt_model", MODEL, 1),
        ("table_def", "reference.status_labels", ("code", "label"), "schema", "dbt_seed", STATUSES, 1),
    ]
    seed_def = next(f for f in facts if f.kind == "table_def" and f.table == "country_codes")
    assert (seed_def.via, seed_def.extra) == ("dbt", {"seed": "country_codes"})
    column = next(f for f in facts if f.kind == "column_def" and f.table == "country_codes")
    assert column.extra == {"type": None, "nullable": None, "default": None, "seed": "country_codes"}
    # exports/customer_totals.csv is outside the seed paths: no table, and no symbolic leftovers
    assert not [f for f in facts if "customer_totals" in f.table or f.kind == "dbt_seed"]


def test_ref_to_a_seed_reads_the_seed_relation() -> None:
    reads = sorted((f.table, f.columns) for f in _linked() if f.kind == "access" and f.access == "read")
    assert reads == [("country_codes", ("country_code", "country_name")), ("reference.status_labels", ("label",))]


def test_catalog_shows_the_seed_table() -> None:
    table = Catalog.from_facts(_linked()).get("country_codes")
    assert table is not None and not table.view
    assert list(table.columns) == ["country_code", "country_name", "dial_prefix"]
    assert [d.to_json() for d in table.defined_at] == [{"path": COUNTRIES, "line": 1, "via": "dbt"}]


def test_seed_without_a_project_is_dropped() -> None:
    facts = scan_dbt_seed("seeds/country_codes.csv", "code\nFR\n", ScanContext()).facts
    assert link_dbt(facts) == []
