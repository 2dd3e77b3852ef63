"""A cold scan hands its raw facts over to the linkers (`link_facts(..., consume=True)`): the ORM
linker empties the list and lets go of each fact once handled. The links are those of the same
facts in a list the linkers must leave alone."""

from __future__ import annotations

import pytest

from depmap.orm.symbols import ORM_ACCESS, ORM_CALL
from depmap.registry import link_facts
from tests.index.relink_support import sample_project


@pytest.mark.parametrize("sample", ["django_shop", "sqlalchemy_service", "warehouse", "shop_sql"])
def test_consumed_facts_link_as_kept_ones_do(tmp_path, sample):
    _, raw = sample_project(tmp_path, sample)
    kept = list(raw)
    handed = list(raw)
    assert link_facts(handed, consume=True) == link_facts(kept)
    assert kept == raw  # a list not handed over is left as it was
    assert handed == []


def test_the_django_sample_has_accesses_and_calls_to_let_go_of(tmp_path):
    kinds = [fact.kind for fact in sample_project(tmp_path, "django_shop")[1]]
    assert kinds.count(ORM_ACCESS) > 10 and kinds.count(ORM_CALL) > 0
