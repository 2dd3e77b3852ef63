"""A cold scan hands its raw facts over to the linkers (`link.HandedOver`): `link_orm` lets go of
each one once handled, keeping only the calls it reads again at the end. The links are those of
the same facts in a list the linker must leave alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from depmap.orm.link import HandedOver
from depmap.orm.symbols import ORM_ACCESS, ORM_CALL
from depmap.registry import link_facts
from tests.index.relink_support import Project

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.mark.parametrize("sample", ["django_shop", "sqlalchemy_service", "warehouse", "shop_sql"])
def test_handed_over_facts_link_as_kept_ones_do(tmp_path, sample):
    root = tmp_path / sample
    shutil.copytree(SAMPLES / sample, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    project = Project.scan(root)
    raw = [fact for path in project.order for fact in project.raw[path]]
    kept = list(raw)
    handed = HandedOver(raw)
    assert link_facts(handed) == link_facts(kept)
    assert kept == raw  # a plain list is left as it was
    assert len(handed) == len(raw)
    assert [fact for fact in handed if fact is not None] == [fact for fact in raw if fact.kind == ORM_CALL]


def test_the_django_sample_has_accesses_and_calls_to_let_go_of(tmp_path):
    root = tmp_path / "django_shop"
    shutil.copytree(SAMPLES / "django_shop", root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    project = Project.scan(root)
    kinds = [fact.kind for path in project.order for fact in project.raw[path]]
    assert kinds.count(ORM_ACCESS) > 10 and kinds.count(ORM_CALL) > 0
