"""`streamed_dumps` writes the bytes `dumps` writes, an item of the streamed list at a time."""

from __future__ import annotations

import pytest

from depmap.render.json import dumps, streamed_dumps


@pytest.mark.parametrize("items", [[], [1], [{"name": "orders", "columns": [], "history": {"upgrades": [{"op": "ä"}]}}, "x", None, [[]]]])
def test_the_same_text_as_dumps(items):
    document = {"schema_version": 2, "query": {"table": "orders"}}
    assert "".join(streamed_dumps(document, "tables", iter(items))) == dumps({**document, "tables": items})


def test_items_are_made_as_the_text_is_written():
    taken = []

    def tables():
        for number in range(10):
            taken.append(number)
            yield {"name": f"t{number}", "text": "x" * 40_000}

    pieces = streamed_dumps({"schema_version": 2}, "tables", tables())
    first = next(pieces)
    assert first.startswith('{\n  "schema_version": 2,\n  "tables": [\n') and len(taken) <= 3
    rest = "".join(pieces)
    assert len(taken) == 10
    assert first + rest == dumps({"schema_version": 2, "tables": [{"name": f"t{n}", "text": "x" * 40_000} for n in range(10)]})
