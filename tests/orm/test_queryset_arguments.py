"""A queryset handed to a helper: the helper's queries on its parameter run, at each call, on the
model of the queryset the caller passes (`graphs.feeding_duration(Feeding.objects.filter(...))`).

Fixture: `nursery/reports.py` builds feeding querysets and passes them to the chart helpers of
`nursery/graphs.py`, which annotate, narrow and iterate their parameter without naming a model.
"""

from __future__ import annotations

from .test_bound_classes import usages

EVERY = ("amount", "child_id", "end", "id", "method", "start")


def test_a_helpers_queries_on_a_queryset_parameter_are_reads_where_a_queryset_is_passed():
    assert usages("nursery_feeding", "nursery/reports.py") == [
        (9, "read", "orm_query", ("child_id", "start")),  # the queryset itself
        # feeding_duration(instances): annotate(date=TruncDate("start")), Count("id"), Sum("amount");
        # `date` and `count` are the annotations' names, not columns, in the later values_list()
        (10, "read", "orm_query", ("amount", "id", "start")),
        (11, "read", "orm_load", EVERY),  # feeding_pattern: first(), last() and a loop load whole rows
        (11, "read", "orm_query", ("child_id", "method")),  # the queryset built in the call
    ]
    # the helpers name no model: their lines are not usages of their own; `tally` is given a list.
    # A row of a given queryset is of unknown class: `child.feeding` is found by its relation's name.
    assert usages("nursery_feeding", "nursery/graphs.py") == [(29, "write", "orm_update", ("child_id",))]


