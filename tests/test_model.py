"""Facts as JSON: every field, in declaration order, round-tripping through `from_json`."""

from dataclasses import asdict, fields

from depmap.model import Fact, Location


def test_fact_json_has_every_field_and_round_trips():
    fact = Fact("access", "shop.orders", Location("shop/db.py", 3, 4, 2, "shop.db.load"), ("id", "total"), "read",
                "select", "sql", "medium", "SELECT id, total FROM shop.orders", {"sink": "execute", "n": [1, {"z": 2}]})  # fmt: skip
    expected = asdict(fact)
    expected["columns"] = ["id", "total"]
    assert fact.to_json() == expected
    assert list(fact.to_json()) == [f.name for f in fields(Fact)]
    assert list(fact.to_json()["location"]) == [f.name for f in fields(Location)]
    assert Fact.from_json(fact.to_json()) == fact
