"""Library classes bound to a model by `model = X` or `Meta.model`, reached through the project's
own base classes: generic views, django-filter FilterSets, django-import-export resources.

The fixture `nursery` is written the way such apps are: `FeedingAdd(NurseryAddView)` where
`NurseryAddView(PermissionRequiredMixin, SuccessMessageMixin, CreateView)`, FilterSets whose
`Meta(Base.Meta)` adds to the base's list of fields, resources over a project base. No line of
these classes runs a query; each usage is the class naming its model.
"""

from __future__ import annotations

from pathlib import Path

from depmap.model import ACCESS
from depmap.registry import link_facts, scan_python_file
from depmap.scan_context import ScanContext

ROOT = Path(__file__).parent / "fixtures" / "nursery"
FEEDING = ("amount", "child_id", "end", "id", "method", "start")


def usages(table: str, path: str) -> list[tuple]:
    facts = []
    for file in sorted(ROOT.rglob("*.py")):
        facts.extend(scan_python_file(file.relative_to(ROOT).as_posix(), file.read_text(), ScanContext()).facts)
    linked = [f for f in link_facts(facts) if f.kind == ACCESS and f.table == table and f.location.path == path]
    return sorted((f.location.line, f.access, f.detail, tuple(sorted(f.columns))) for f in linked)


def test_generic_views_through_the_projects_own_base_views_read_and_write_their_model():
    assert usages("nursery_feeding", "nursery/views.py") == [
        (27, "read", "orm_query", FEEDING),  # django-filter's FilterView lists the rows whole
        (32, "read", "orm_query", FEEDING),  # NurseryAddView -> CreateView
        (32, "write", "orm_create", FEEDING),  # Django's INSERT names every column, whatever the form's `fields`
        (37, "read", "orm_query", FEEDING),
        (37, "write", "orm_create", FEEDING),
        (41, "read", "orm_query", FEEDING),  # NurseryUpdateView -> UpdateView
        (41, "write", "orm_update", ("end", "start")),  # an UPDATE of the form's literal `fields`
        (46, "read", "orm_query", FEEDING),  # NurseryDeleteView -> DeleteView
        (46, "write", "orm_delete", ()),
    ]
    child = ("birth_date", "first_name", "id")
    assert usages("nursery_child", "nursery/views.py") == [
        (50, "read", "orm_query", child),
        (58, "read", "orm_query", child),  # NurseryFilterView, in another module, is a FilterView
    ]


def test_filtersets_read_the_fields_they_filter_by_including_those_added_to_a_bases_list():
    assert usages("nursery_feeding", "nursery/filters.py") == [(22, "read", "orm_query", ("amount", "method"))]
    # `fields` as a dict of lookups: its keys
    assert usages("nursery_child", "nursery/filters.py") == [(28, "read", "orm_query", ("birth_date", "first_name"))]


def test_import_export_resources_read_on_export_and_write_on_import():
    assert usages("nursery_child", "nursery/admin.py") == [
        (20, "read", "orm_query", ("birth_date", "first_name", "id")),
        (20, "write", "orm_create", ("birth_date", "first_name", "id")),
    ]
    feeding = [row for row in usages("nursery_feeding", "nursery/admin.py") if row[0] == 15]
    assert feeding == [(15, "read", "orm_query", FEEDING), (15, "write", "orm_create", FEEDING)]  # through a project base
