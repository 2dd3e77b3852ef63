"""A link asked for some files' facts (`link_facts(..., located_at=...)`, `depmap.orm.link_scope`)
gives those files exactly the facts a link of every file gives them, and leaves out the
definitions it would place elsewhere."""

from __future__ import annotations

import pytest

from depmap.model import TABLE_DEF
from depmap.registry import link_facts
from tests.index.relink_support import by_path, sample_project


@pytest.mark.parametrize("sample", ["django_shop", "sqlalchemy_service", "warehouse", "shop_sql"])
def test_every_file_linked_alone_gets_what_a_whole_link_gives_it(tmp_path, sample):
    project, raw = sample_project(tmp_path, sample)
    whole = by_path(link_facts(raw))
    for path in project.order:
        assert by_path(link_facts(raw, located_at={path})).get(path, []) == whole.get(path, []), path


def test_the_definitions_of_models_elsewhere_are_left_out(tmp_path):
    _, raw = sample_project(tmp_path, "django_shop")

    def model_tables(facts):
        return sorted({(f.location.path, f.table) for f in facts if f.kind == TABLE_DEF and f.detail == "model_definition"})

    everywhere = model_tables(link_facts(raw))
    models = sorted({path for path, _ in everywhere})
    assert len(models) >= 2  # the sample defines models in more than one file
    first = models[0]
    assert model_tables(link_facts(raw, located_at={first})) == [item for item in everywhere if item[0] == first]
    assert model_tables(link_facts(raw, located_at={"orders/views.py"})) == []
    assert model_tables(link_facts(raw)) == everywhere  # outside the scope, every file's again
