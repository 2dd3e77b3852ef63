"""Which lines the facts of a table explain, which other tables' statements hold a line, and
which lines are inside SQL that did not parse."""

from __future__ import annotations

from depmap.mentions.claims import Claims
from depmap.model import ACCESS, COLUMN_DEF, FLOW, PARSE_ERROR, TABLE_DEF, Fact, Location

FACTS = [
    Fact(ACCESS, "orders", Location("app/db.py", 12, 14, statement_line=10)),  # the statement spans 10..14
    Fact(FLOW, "payments", Location("app/db.py", 20, 22), extra={"to": "orders"}),  # INSERT INTO orders SELECT .. payments
    Fact(TABLE_DEF, "customers", Location("app/models.py", 5, 30), via="orm"),
    Fact(COLUMN_DEF, "customers", Location("app/models.py", 8, 8), via="orm"),
    Fact(ACCESS, "customers", Location("app/models.py", 8, 8)),
    Fact(ACCESS, "lines", Location("app/models.py", 8, 8)),
    Fact(PARSE_ERROR, "orders", Location("app/raw.py", 3, 4), extra={"error": "Invalid expression"}),
    Fact(PARSE_ERROR, "", Location("app/raw.py", 9, 9), extra={"error": "Required keyword: 'this' missing"}),  # no table seen
    Fact(TABLE_DEF, "marts.fct_orders", Location("models/fct_orders.sql", 1, 20), via="dbt",
         extra={"declared_at": {"path": "models/_marts.yml", "line": 7}}),
    Fact("model", "", Location("app/models.py", 40, 60), via="orm"),  # symbolic: names no table
]


def test_a_fact_claims_its_whole_statement_and_a_flow_claims_its_target():
    claims = Claims(FACTS, {"orders"})
    assert [n for n in range(8, 24) if claims.explains("app/db.py", n)] == [10, 11, 12, 13, 14, 20, 21, 22]
    assert not claims.explains("app/other.py", 12)


def test_the_narrowest_statements_of_other_tables():
    claims = Claims(FACTS, {"orders"})
    assert claims.others("app/models.py", 8) == [("definition", "customers"), ("usage", "customers"), ("usage", "lines")]
    assert claims.others("app/models.py", 9) == [("definition", "customers")]
    assert claims.others("app/models.py", 45) == []


def test_unparsed_sql_is_not_a_claim():
    claims = Claims(FACTS, {"orders"})
    assert not claims.explains("app/raw.py", 4)
    assert claims.unparsed("app/raw.py", 4) == "Invalid expression"
    assert claims.unparsed("app/raw.py", 5) is None
    assert claims.unparsed("app/raw.py", 9) == "Required keyword: 'this' missing"


def test_where_a_dbt_model_s_columns_are_declared_is_a_definition():
    claims = Claims(FACTS, {"marts.fct_orders"})
    assert claims.explains("models/_marts.yml", 7)
    assert not claims.explains("models/_marts.yml", 8)


def test_lines_asked_in_any_order_get_what_every_span_says():
    """Spans of every length, nested, repeated, one wider than the rest, stored as lists or
    tuples, asked about in random order: the answers of a plain pass over every span."""
    import random

    rng = random.Random(21)
    spans = {}
    for path in ("a.py", "b.sql"):
        rows = []
        for _ in range(400):
            start = rng.randint(1, 600)
            rows.append([start, start + rng.choice([0, 0, 1, 3, 8, 40]), rng.choice(["usage", "definition"]),
                         rng.choice(["orders", "payments", "lines"]), rng.choice([None, None, "orders"]), None])
        rows.append((5, 590, "definition", "customers", None, None))
        spans[path] = rows
    claims = Claims.from_stored(spans, {"orders"})
    for path in ["a.py", "b.sql", "c.py"]:
        rows = spans.get(path, [])
        for line in rng.sample(range(0, 700), 700):
            holding_own = [s for s in rows if s[0] <= line <= s[1] and ("orders" in (s[3], s[4]))]
            holding = [s for s in rows if s[0] <= line <= s[1] and "orders" not in (s[3], s[4])]
            assert claims.explains(path, line) == bool(holding_own)
            narrowest = min((s[1] - s[0] for s in holding), default=None)
            assert claims.others(path, line) == sorted({(s[2], s[3]) for s in holding if s[1] - s[0] == narrowest})
