"""Generic views bound to a model by `model = X` through base classes of other modules.

`class FeedingList(PermissionRequiredMixin, NurseryFilterView): model = Feeding`, with
`NurseryFilterView(FilterView)` in another module, lists feedings: no line runs the query, and the
scanner of the view's module cannot see that its base is a generic view
(`depmap.frameworks.django.bound_classes` follows the bases defined in the module itself). Here,
with every class's bases known (PY_CLASS facts), such a class gets the ORM_ACCESS facts the
scanner gives one whose generic base it can see: a read of every column, and the write of a create,
update or delete view, at its `model = X` line.
"""

from __future__ import annotations

from typing import Callable, Iterable

from depmap.model import HIGH, READ, WRITE, Fact, Location
from depmap.orm.symbols import ORM_ACCESS, ORM_CREATE, ORM_DELETE, ORM_QUERY, ORM_UPDATE, PY_CLASS

# Django's generic views (and django-filter's and django-tables2's list views), by the name a base
# is written with, and what each writes besides loading the rows.
GENERIC_VIEWS = {
    **dict.fromkeys(("ListView", "DetailView", "ArchiveIndexView", "YearArchiveView", "MonthArchiveView",
                     "WeekArchiveView", "DayArchiveView", "TodayArchiveView", "DateDetailView", "BaseListView",
                     "BaseDetailView", "FilterView", "SingleTableView"), None),
    **dict.fromkeys(("CreateView", "BaseCreateView"), ORM_CREATE),
    **dict.fromkeys(("UpdateView", "BaseUpdateView"), ORM_UPDATE),
    **dict.fromkeys(("DeleteView", "BaseDeleteView"), ORM_DELETE),
}  # fmt: skip


def view_ops(kinds: Iterable[str | None], fields: list[str] | tuple[str, ...] | None) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(access, detail, fields, every field) of a generic view: a read of every column, and the
    write of a create/update/delete view (its literal `fields`, else every field)."""
    ops = [(READ, ORM_QUERY, (), True)]
    write = next((kind for kind in kinds if kind), None)
    if write is not None:
        ops.append((WRITE, write, tuple(fields or ()), fields is None and write != ORM_DELETE))
    return ops


def inherited_views(classes: Iterable[Fact], mro: Callable[[str], list[str]], seen: set[tuple[str, int]]) -> list[Fact]:
    """ORM_ACCESS facts of each class with `model = X` whose bases, followed across modules, reach
    a generic view; `seen`: the (path, line) of facts the scanners already gave."""
    found = []
    for fact in classes:
        extra = fact.extra
        model, line = (extra.get("class_names") or {}).get("model"), extra.get("model_line")
        if fact.kind != PY_CLASS or not model or line is None or (fact.location.path, line) in seen:
            continue
        views = [base for base in mro(extra["class"])[1:] if base.rsplit(".", 1)[-1] in GENERIC_VIEWS]
        if not views:
            continue
        how = f"{extra['class'].rsplit('.', 1)[-1]} is a {views[0].rsplit('.', 1)[-1]}"
        location = Location(fact.location.path, line, line, symbol=extra["class"])
        for access, detail, fields, every in view_ops([GENERIC_VIEWS[v.rsplit(".", 1)[-1]] for v in views], extra.get("view_fields")):
            data = {"model": model, "model_name": model.rsplit(".", 1)[-1], "relation": [], "fields": list(fields),
                    "all_fields": every, "aliases": [], "inferred_from": how}
            found.append(Fact(ORM_ACCESS, "", location, (), access, detail, "orm", HIGH, model.rsplit(".", 1)[-1], data))
    return found
