"""first_lines: where a statement first names each field, keyword, string or attribute."""

from __future__ import annotations

import ast
import textwrap

from depmap.python.name_lines import call_arguments, first_lines

SOURCE = textwrap.dedent('''\
    (Order.objects.filter(
        status="open",
        total__gte=F("discount"),
    ).values("id", Order.created_at)
    .update(
        status="closed",
    ))
''')


def test_first_naming_of_each_kind_and_unnamed_names_left_out():
    node = ast.parse(SOURCE).body[0].value
    names = ["status", "total__gte", "discount", "id", "created_at", "note"]
    assert first_lines(names, [node]) == {"status": 2, "total__gte": 3, "discount": 3, "id": 4, "created_at": 4}


def test_preferred_nodes_are_searched_first():
    node = ast.parse(SOURCE).body[0].value  # the update() call
    assert first_lines(["status", "id"], call_arguments(node), [node]) == {"status": 6, "id": 4}
    assert call_arguments(ast.parse("x").body[0].value) == []


def test_no_names_wanted_finds_nothing():
    node = ast.parse(SOURCE).body[0].value
    assert first_lines([], [node]) == {}
    assert first_lines(["status"], []) == {}
