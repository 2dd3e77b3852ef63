"""`depmap impact --format json` on every sample, byte for byte (`pytest --update-golden` rewrites)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import REPO, depmap, user_cache  # noqa: F401  (the fixtures)

GOLDEN = REPO / "tests" / "render" / "golden" / "json"
TARGETS = {
    "shop_sql": ["orders.discount_code", "--type", "text", "--not-null"],
    "django_shop": ["sales_order.priority", "--type", "integer", "--not-null"],
    "sqlalchemy_service": ["invoices.po_number", "--type", "text", "--not-null"],
    "warehouse": ["customers.loyalty_tier", "--type", "text"],
}


@pytest.mark.parametrize("sample", sorted(TARGETS))
def test_impact_json_matches_golden(depmap, sample: str, update_golden: bool):
    run = depmap("impact", *TARGETS[sample], "--path", f"samples/{sample}", "--format", "json")
    assert run.code == 0, run.err
    assert str(REPO) not in run.out  # paths are relative to the scanned root
    again = depmap("impact", *TARGETS[sample], "--path", f"samples/{sample}", "--format", "json")
    assert again.out == run.out
    golden = GOLDEN / f"{sample}.json"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(run.out, encoding="utf-8")
    assert run.out == golden.read_text(encoding="utf-8")
