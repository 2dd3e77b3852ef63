"""`var()` renders with the value in the model's own dbt_project.yml, as `dbt run` would."""

from __future__ import annotations

from depmap.scan_context import ScanContext, dbt_project_vars
from depmap.frameworks.dbt.models import scan_dbt_model

MODEL = "select id from {{ source('shop', 'orders') }}\nwhere placed_at > now() - interval '{{ var(\"lookback_days\", 7) }} days'\n"


def snippet(ctx: ScanContext, path: str) -> str:
    (fact,) = [f for f in scan_dbt_model(path, MODEL, ctx).facts if f.kind == "access" and f.columns]
    return fact.snippet


def test_project_vars_win_over_the_inline_default_and_only_inside_their_project():
    pair = dbt_project_vars("warehouse/dbt/dbt_project.yml", {"name": "acme", "vars": {"lookback_days": 30, "pkg": {"x": 1}}})
    assert pair == ("warehouse/dbt", '{"lookback_days": 30}')
    ctx = ScanContext(dbt_vars=(pair,))
    assert "interval '30 days'" in snippet(ctx, "warehouse/dbt/models/stg.sql")
    assert "interval '7 days'" in snippet(ctx, "other/models/stg.sql")
    assert "interval '7 days'" in snippet(ScanContext(), "warehouse/dbt/models/stg.sql")
