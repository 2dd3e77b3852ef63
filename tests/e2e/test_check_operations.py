"""`depmap check` judges the rest of a migration: indexes, constraints, SET NOT NULL.

The sample shop's 0003 migration builds three indexes without CONCURRENTLY and makes a column NOT
NULL without a lock timeout: every one of those is a finding at its own line, and the check says
so in every format. depmap's own rollout plan, written out as migrations, raises none of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.impact.engine import run_impact
from depmap.impact.registry import RULES
from tests.e2e.conftest import SAMPLE
from tests.impact.helpers import context_for, operation_contexts, write_files

MIGRATION = "migrations/0003_order_status_index.sql"


def test_check_judges_every_locking_operation_of_a_migration(depmap) -> None:
    run = depmap("check", MIGRATION, "--no-cache", "--format", "json", cwd=SAMPLE)
    assert run.code == 0, run.err  # warnings only: --fail-on breaking passes
    document = run.json()
    assert document["columns"] == []
    assert [(o["description"], o["line"], o["verdict"]) for o in document["operations"]] == [
        ("index orders_status_idx on orders (status)", 4, "needs care"),
        ("index orders_customer_placed_idx on orders (customer_id, placed_at)", 5, "needs care"),
        ("index payments_order_id_idx on payments (order_id)", 6, "needs care"),
        ("orders.placed_at SET NOT NULL", 11, "needs care"),
    ]
    assert [(f["rule"], f["line"]) for f in document["findings"]] == [
        ("blocking-index", 4), ("lock-timeout", 4), ("blocking-index", 5), ("blocking-index", 6), ("not-null-scan", 11),
    ]
    assert document["problems"] == []
    assert document["verdict"] == "needs care"


def test_check_text_opens_with_one_row_per_change(depmap) -> None:
    run = depmap("check", MIGRATION, "--no-cache", cwd=SAMPLE)
    lines = run.out.splitlines()
    assert lines[0] == "Checked 1 file(s): 0 column(s) added, 4 other operation(s) with findings; overall verdict: needs care"
    assert [line.split("  ")[0] for line in lines[2:6]] == [
        "index orders_status_idx on orders (status)",
        "index orders_customer_placed_idx on orders (customer_id, placed_at)",
        "index payments_order_id_idx on payments (order_id)",
        "orders.placed_at SET NOT NULL",
    ]
    assert ("    Building index payments_order_id_idx on payments (order_id) takes a SHARE lock on payments until the "
            "index is complete: the 3 statements that write payments (first: shop/repositories/payments.py:15) wait, "
            "longer the bigger the table.") in lines
    assert "      CREATE INDEX CONCURRENTLY payments_order_id_idx ON payments (order_id);" in lines


ORDERS = """
CREATE TABLE customers (id bigserial PRIMARY KEY, email text);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, total numeric(12, 2));
"""


@pytest.mark.parametrize("server_version", ["11", "16"])
@pytest.mark.parametrize("spec", [
    {"type": "bigint", "not_null": True, "default": "0", "references": "customers(id)"},
    {"type": "text", "not_null": True, "default": "'web'", "unique": True},
    {"type": "integer", "not_null": True, "default": "1", "check": "quantity > 0"},
])
def test_the_rollout_plan_never_emits_a_locking_form(tmp_path: Path, spec: dict, server_version: str) -> None:
    """Each plan step, written out as the migration it stands for, passes every operation rule."""
    root = write_files(tmp_path, {"migrations/0001_initial.sql": ORDERS})
    column = "quantity" if "check" in spec else "source"
    ctx = context_for(root, f"orders.{column}", dialect="postgres", server_version=server_version, **spec)
    steps = [step for step in run_impact(ctx).plan if step.sql]
    assert len(steps) >= 2
    written = []
    for number, step in enumerate(steps, start=2):
        path = f"migrations/{number:04d}_step.sql"
        (root / path).write_text("".join(f"{sql.rstrip(';')};\n" for sql in step.sql), encoding="utf-8")
        written.append(path)
    contexts = operation_contexts(root, written, dialect="postgres", server_version=server_version)
    assert contexts, "the plan adds constraints or indexes: there is something to judge"
    findings = [f for c in contexts for rule in RULES for f in rule.check_operation(c)]
    assert findings == []


def test_a_table_less_drop_index_finds_its_table_before_the_change(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "migrations/0001_initial.sql": ORDERS + "CREATE INDEX orders_total_idx ON orders (total);\n",
        "migrations/0002_drop.sql": "SET lock_timeout = '1s';\nDROP INDEX orders_total_idx;\n",
    })
    [ctx] = operation_contexts(root, ["migrations/0002_drop.sql"], dialect="postgres")
    assert (ctx.table, ctx.op.detail, ctx.op.location.line) == ("orders", "drop_index", 2)


def test_an_operation_finding_takes_an_inline_suppression(depmap, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "shop"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".depmap"))
    migration = root / MIGRATION
    text = migration.read_text(encoding="utf-8").replace(
        "CREATE INDEX orders_status_idx ON orders (status);",
        "-- depmap: ignore[blocking-index] -- orders is small; built in the nightly window\n"
        "CREATE INDEX orders_status_idx ON orders (status);",
    )
    migration.write_text(text, encoding="utf-8")
    document = depmap("check", MIGRATION, "--no-cache", "--format", "json", cwd=root).json()
    assert [(f["rule"], f["line"]) for f in document["findings"]] == [
        ("lock-timeout", 5), ("blocking-index", 6), ("blocking-index", 7), ("not-null-scan", 12),
    ]
    [item] = document["suppressed"]
    assert (item["finding"]["rule"], item["finding"]["line"], item["suppressed_by"], item["reason"]) == (
        "blocking-index", 5, f"{MIGRATION}:4", "orders is small; built in the nightly window")
