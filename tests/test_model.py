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


def test_facts_and_locations_pickle_equal_at_every_protocol_and_stay_frozen():
    import pickle
    from dataclasses import FrozenInstanceError

    import pytest

    location = Location("shop/db.py", 3, 9, 2, "shop.db.load", 1)
    fact = Fact("access", "shop.orders", location, ("id", "total"), "read", "select", "sql", "medium",
                "SELECT id, total FROM shop.orders", {"sink": "execute", "n": [1, {"z": 2}]})
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copy = pickle.loads(pickle.dumps(fact, protocol=protocol))
        assert (copy, copy.location, copy.sort_key()[:-1], copy.to_json()) == (fact, location, fact.sort_key()[:-1], fact.to_json())
        assert pickle.loads(pickle.dumps(location, protocol=protocol)) == location
    assert not hasattr(fact, "__dict__") and not hasattr(location, "__dict__")  # slots: no dict per fact
    with pytest.raises(FrozenInstanceError):
        fact.table = "other"  # type: ignore[misc]


def test_merged_per_table_keeps_the_first_fact_of_each_key_with_every_column_once():
    from depmap.model import merged_per_table

    def access(table, columns, access="read", detail="select", line=1):
        return Fact("access", table, Location("billing/invoices.py", line), tuple(columns), access, detail)

    alone = access("payments", ["id", "id"], line=2)  # met once: kept as it is, its columns too
    facts = [access("invoices", ["id", "total"]), alone, access("invoices", ["total", "paid_at"], line=5),
             access("invoices", ["status"], "write", "update", 7), access("invoices", [], line=9),
             access("invoices", ["id", "due"], line=11), access("invoices", ["*"], "read", "select_star", 12)]
    merged = merged_per_table(facts)
    assert [(f.table, f.access, f.detail, f.columns, f.location.line) for f in merged] == [
        ("invoices", "read", "select", ("id", "total", "paid_at", "due"), 1),
        ("payments", "read", "select", ("id", "id"), 2),
        ("invoices", "write", "update", ("status",), 7),
        ("invoices", "read", "select_star", ("*",), 12),
    ]
    assert merged[1] is alone


def test_merged_per_table_keeps_each_first_fact_with_every_column_in_order():
    from depmap.model import merged_per_table

    def access(line, table, columns, access="read", detail="select"):
        return Fact("access", table, Location("shop/orders.py", line, line, None, "shop.orders.place"), columns, access, detail,
                    "sql", "high", f"line {line}", {"line": line})  # fmt: skip

    once = access(1, "shop.orders", ("id", "id"))  # named once: the fact itself, as it came
    first = access(2, "shop.lines", ("order_id", "qty"))
    facts = [once, first, access(3, "shop.lines", ("qty", "price")), access(4, "shop.lines", ("sku",), "write", "update"),
             access(5, "shop.lines", ("price", "order_id", "discount"))]  # fmt: skip
    merged = merged_per_table(facts)
    assert [(f.table, f.location.line, f.columns, f.access) for f in merged] == [
        ("shop.orders", 1, ("id", "id"), "read"),
        ("shop.lines", 2, ("order_id", "qty", "price", "discount"), "read"),
        ("shop.lines", 4, ("sku",), "write"),
    ]
    assert merged[0] is once
    assert merged[1].snippet == "line 2" and merged[1].extra == {"line": 2}
    assert first.columns == ("order_id", "qty")  # the facts given are left as they were
