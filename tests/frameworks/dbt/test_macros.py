"""A dbt project whose macro calls ref() and source(): the reads sit at the macro's lines and at
every model line that calls the macro; an incremental model builds its relation; a relationships
test reads its target."""

from __future__ import annotations

from pathlib import Path

from depmap.index.build import build_index

PROJECT = Path(__file__).parent / "fixtures" / "finance"


def _reads(index, table: str) -> list[tuple]:
    return sorted(
        (f.location.path, f.location.line, f.detail, f.confidence, f.extra.get("inferred_from"))
        for f in index.graph.readers(table)
    )


def test_macro_reads_at_the_macro_and_at_each_caller() -> None:
    index = build_index(PROJECT)
    assert _reads(index, "stg_fx_rates") == [
        ("macros/rates.sql", 4, "macro_ref", "medium", None),
        ("models/fct_payments.sql", 5, "macro_ref", "medium", "macro latest_rate"),
    ]
    # a macro no model calls still shows its read at its own line
    assert _reads(index, "erp.audit_events") == [("macros/rates.sql", 12, "macro_ref", "medium", None)]


def test_incremental_model_builds_its_relation_and_the_test_reads_its_target() -> None:
    index = build_index(PROJECT)
    builds = [(f.location.path, f.location.line, f.detail, f.extra.get("materialized")) for f in index.graph.writers("fct_payments")]
    assert builds == [("models/fct_payments.sql", 1, "dbt_build", "incremental")]
    payments = [(f.location.path, f.location.line, f.detail) for f in index.graph.readers("erp.payments")]
    assert ("models/schema.yml", 15, "dbt_test") in payments  # relationships: to: source('erp', 'payments')
    assert ("models/fct_payments.sql", 6, "select") in payments
