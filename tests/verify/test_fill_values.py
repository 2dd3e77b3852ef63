"""Types reduced to value kinds, CHECK conditions read as hints, and the values they lead to."""

from __future__ import annotations

import sqlite3

import pytest

from depmap.verify.check_hints import Hint, hints
from depmap.verify.fill_values import Kind, kind_of, value


@pytest.mark.parametrize(
    ("declared", "kind"),
    [
        ("bigint", Kind("int", size="bigint")),
        ("BIGSERIAL", Kind("int", size="bigint")),
        ("smallint", Kind("int", size="smallint")),
        ("INTEGER", Kind("int")),
        ("character varying(32)", Kind("text", length=32)),
        ("CHAR(3)", Kind("text", length=3)),
        ("numeric(10,2)", Kind("numeric", precision=10, scale=2)),
        ("DECIMAL(5, 2)", Kind("numeric", precision=5, scale=2)),
        ("double precision", Kind("float")),
        ("timestamp with time zone", Kind("timestamptz")),
        ("TIMESTAMPTZ", Kind("timestamptz")),
        ("datetime", Kind("timestamp")),
        ("date", Kind("date")),
        ("time without time zone", Kind("time")),
        ("interval", Kind("interval")),
        ("BOOLEAN", Kind("bool")),
        ("jsonb", Kind("json")),
        ("uuid", Kind("uuid")),
        ("bytea", Kind("bytes")),
        ("text[]", Kind("other")),
        ("", Kind("text")),  # SQLite lets a column go without a type: it stores text
    ],
)
def test_declared_types_reduce_to_value_kinds(declared, kind):
    assert kind_of(declared) == kind


def test_check_conditions_become_hints_in_both_spellings():
    found = hints(
        [
            "((status = ANY (ARRAY['pending'::text, 'paid'::text])))",  # PostgreSQL's stored form of IN
            "((quantity > 0))",
            "price_cents >= 0 AND price_cents <= 100000",
            "length(code) <= 5",
            "discount BETWEEN 5 AND 50",
            "0 < weight",
            "ends_at > starts_at",  # two columns: no hint
        ],
        "postgres",
    )
    assert found == {
        "status": Hint(values=["'pending'", "'paid'"]),
        "quantity": Hint(low=1.0),
        "price_cents": Hint(low=0.0, high=100000.0),
        "code": Hint(max_length=5),
        "discount": Hint(low=5.0, high=50.0),
        "weight": Hint(low=1.0),
    }


def _evaluate(expression: str) -> object:
    connection = sqlite3.connect(":memory:")
    try:
        return connection.execute(f"SELECT {expression.replace('{r}', '41')}").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("kind", "column", "expected"),
    [
        (Kind("text"), "email", "user41@example.com"),
        (Kind("text"), "full_name", "full_name 41"),
        (Kind("text", length=3), "currency", "ABP"),  # 41 = 1*26 + 15: letters, one-to-one in r
        (Kind("text", length=8), "reference", "rence 41"),  # cut to the declared length from the left
        (Kind("int"), "total_cents", 141),  # money starts at 100 cents
        (Kind("int"), "quantity", 2),  # small counts stay between 1 and 20
        (Kind("numeric", precision=10, scale=2), "price", 0.41),
        (Kind("bool"), "active", 1),
        (Kind("date"), "born_on", "2020-02-11"),
        (Kind("timestamptz"), "created_at", "2020-01-01 00:25:17"),  # 41 × 37 s
    ],
)
def test_values_on_sqlite(kind, column, expected):
    assert _evaluate(value(kind, column, "{r}", "sqlite")) == expected


def test_bounds_from_a_check_move_the_range():
    assert _evaluate(value(Kind("int"), "level", "{r}", "sqlite", low=10, high=12)) == 10 + 41 % 3
    assert _evaluate(value(Kind("text"), "code", "{r}", "sqlite", max_length=4)) == "AABP"
