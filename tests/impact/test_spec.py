"""Parsing what the user proposes (`depmap impact TABLE.COLUMN --type ... --default ...`): the exact
value each rule sees, and the exact one-line error for input that cannot be a column."""

from __future__ import annotations

import pytest

from depmap.impact.spec import SpecError, parse_default, parse_target, parse_type

HINT_TYPE = "write a SQL type such as text, integer, numeric(10,2)"
HINT_DEFAULT = "write a constant or function, e.g. --default 0, --default \"'new'\" or --default 'now()'"


# -- parse_type ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dialect", "expected"),
    [
        ("varchar(32)", "postgres", "VARCHAR(32)"),
        ("  character varying(20) ", "postgres", "VARCHAR(20)"),
        ("numeric(10,2)", "postgres", "DECIMAL(10, 2)"),
        ("integer", "postgres", "INT"),
        ("timestamptz", "postgres", "TIMESTAMPTZ"),
        ("citext", "postgres", "citext"),  # an extension's type, kept as written
        ("billing.money_amount", "postgres", "billing.money_amount"),  # a domain in a schema
        ("varchar(32)", "mysql", "VARCHAR(32)"),
        ("int unsigned", "mysql", "INT UNSIGNED"),
        # SQLite keeps the declared type as written: no TEXT(32) for varchar(32), no REAL for numeric.
        ("varchar(32)", "sqlite", "varchar(32)"),
        ("  Varchar( 32 ) ", "sqlite", "Varchar( 32 )"),
        ("numeric(10,2)", "sqlite", "numeric(10,2)"),
        ("double precision", "sqlite", "double precision"),
        ("boolean", "sqlite", "boolean"),
        ("citext", "sqlite", "citext"),
    ],
)
def test_parse_type(text: str, dialect: str, expected: str) -> None:
    assert parse_type(text, dialect) == expected


def test_no_type_is_none() -> None:
    assert parse_type(None, "postgres") is None


@pytest.mark.parametrize(
    ("text", "dialect", "message"),
    [
        ("", "postgres", "empty --type; give a SQL type such as text, integer or varchar(20)"),
        ("   ", "sqlite", "empty --type; give a SQL type such as text, integer or varchar(20)"),
        ("varchar(", "postgres", f"malformed type 'varchar(' for postgres; {HINT_TYPE}"),
        ("varchar(", "sqlite", f"malformed type 'varchar(' for sqlite; {HINT_TYPE}"),
        ("not a type", "postgres", f"malformed type 'not a type' for postgres; {HINT_TYPE}"),
        ("text); DROP TABLE orders; --", "sqlite", f"malformed type 'text); DROP TABLE orders; --' for sqlite; {HINT_TYPE}"),
        # a word next to a type's name is a typo, not a domain: said with the closest types
        ("texxt", "postgres", "unknown type 'texxt' for postgres; did you mean text?"),
        ("timestampz", "postgres", "unknown type 'timestampz' for postgres; did you mean timestamptz or timestamp?"),
        ("integr", "mysql", "unknown type 'integr' for mysql; did you mean integer?"),
    ],
)
def test_malformed_type(text: str, dialect: str, message: str) -> None:
    with pytest.raises(SpecError) as error:
        parse_type(text, dialect)
    assert str(error.value) == message


ALONE = "give the type alone, with --not-null for NOT NULL and --default EXPR for a default"


@pytest.mark.parametrize(
    ("text", "dialect", "message"),
    [
        ("text NOT NULL", "postgres", f"type 'text NOT NULL' carries NOT NULL; {ALONE}"),
        ("varchar(20) null", "mysql", f"type 'varchar(20) null' carries NULL; {ALONE}"),
        ("text NOT NULL", "sqlite", f"type 'text NOT NULL' carries NOT NULL; {ALONE}"),
        ("integer DEFAULT 0 NOT NULL", "postgres", f"type 'integer DEFAULT 0 NOT NULL' carries DEFAULT 0, NOT NULL; {ALONE}"),
        ("citext UNIQUE", "postgres", f"type 'citext UNIQUE' carries UNIQUE; {ALONE}"),
        ("integer PRIMARY KEY", "sqlite", f"type 'integer PRIMARY KEY' carries PRIMARY KEY; {ALONE}"),
        ("int REFERENCES customers (id)", "postgres", f"type 'int REFERENCES customers (id)' carries REFERENCES customers (id); {ALONE}"),
    ],
)
def test_a_type_with_constraints_is_refused_not_read_as_the_bare_type(text: str, dialect: str, message: str) -> None:
    with pytest.raises(SpecError) as error:
        parse_type(text, dialect)
    assert str(error.value) == message


# -- parse_default ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", "0"),
        (" 'new' ", "'new'"),
        ("now()", "now()"),
        ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        ("localtimestamp", "localtimestamp"),  # a niladic function, not a column
        ("gen_random_uuid()", "gen_random_uuid()"),
    ],
)
def test_parse_default(text: str, expected: str) -> None:
    assert parse_default(text, "postgres") == expected


def test_no_default_is_none() -> None:
    assert parse_default(None, "postgres") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"empty --default; {HINT_DEFAULT}"),
        ("1, 2", f"malformed default '1, 2': one expression expected; {HINT_DEFAULT}"),
        ("1 FROM t", f"malformed default '1 FROM t': one expression expected; {HINT_DEFAULT}"),
        ("other_col", f"malformed default 'other_col': a default cannot refer to columns or run a query; {HINT_DEFAULT}"),
        ("(select 1)", f"malformed default '(select 1)': a default cannot refer to columns or run a query; {HINT_DEFAULT}"),
        ("0 AS zero", f"malformed default '0 AS zero': a default cannot refer to columns or run a query; {HINT_DEFAULT}"),
        ("'unterminated", f"malformed default ''unterminated' for postgres (Error tokenizing 'SELECT 'unterminate'); {HINT_DEFAULT}"),
    ],
)
def test_malformed_default(text: str, message: str) -> None:
    with pytest.raises(SpecError) as error:
        parse_default(text, "postgres")
    assert str(error.value) == message


# -- parse_target ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("orders.discount_code", ("orders", "discount_code")),
        ("public.orders.discount_code", ("public.orders", "discount_code")),
        (" orders . Discount ", ("orders", "discount")),  # unquoted names fold to lower case
        ('orders."Discount"', ("orders", "Discount")),  # a quoted name keeps its case
        ("warehouse.crm.customers.tier", ("warehouse.crm.customers", "tier")),
    ],
)
def test_parse_target(target: str, expected: tuple[str, str]) -> None:
    assert parse_target(target) == expected


@pytest.mark.parametrize("target", ["orders", "orders.", ".discount_code", "my orders.discount_code", "a..b.c.d"])
def test_malformed_target(target: str) -> None:
    with pytest.raises(SpecError) as error:
        parse_target(target)
    assert str(error.value) == f"malformed column '{target}'; write TABLE.COLUMN or Model.field, e.g. orders.discount_code"


def test_a_model_target_may_be_longer_than_a_table_target() -> None:
    """`shop.customers.models.Customer.nickname`: the model's qualified name, resolved later."""
    assert parse_target("shop.customers.models.Customer.nickname") == ("shop.customers.models.Customer", "nickname")
