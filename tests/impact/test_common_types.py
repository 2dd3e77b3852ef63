"""`--type` spellings answered without sqlglot are exactly what sqlglot answers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlglot import exp

from depmap.impact import spec
from depmap.impact.common_types import SPELLINGS, common_type

SIZE, SCALE = "7919", "7907"


def _sqlglot_spelling(shape: str, dialect: str) -> str:
    written = shape.replace("(n,m)", f"({SIZE},{SCALE})").replace("(n)", f"({SIZE})")
    return exp.DataType.build(written, dialect=dialect).sql(dialect).replace(SIZE, "{size}").replace(SCALE, "{scale}")


@pytest.mark.parametrize("dialect", sorted(SPELLINGS))
def test_the_table_is_what_sqlglot_writes(dialect):
    assert {shape: _sqlglot_spelling(shape, dialect) for shape in SPELLINGS[dialect]} == SPELLINGS[dialect]


@pytest.mark.parametrize("dialect", sorted(SPELLINGS))
@pytest.mark.parametrize("written", ["text", "TEXT", "Integer", "double precision", "timestamp with time zone", "varchar(20)",
                                     "VARCHAR(255)", "character varying(64)", "numeric(10,2)", "Numeric(12, 4)", "decimal(5)", "char(1)"])
def test_parse_type_answers_as_sqlglot_does(monkeypatch, dialect, written):
    fast = spec.parse_type(written, dialect)
    monkeypatch.setattr(spec, "common_type", lambda text, dialect: None)  # the path through sqlglot
    assert fast == spec.parse_type(written, dialect)


def test_only_plain_types_of_known_dialects_are_answered():
    assert common_type("varchar(20)", "postgres") == "VARCHAR(20)"
    assert common_type("numeric(10, 2)", "mysql") == "DECIMAL(10, 2)"
    assert common_type("double precision", "mysql") == "DOUBLE"
    assert common_type("text", "sqlite") is None  # SQLite keeps the declared type as written
    assert common_type("text", "snowflake") is None
    assert common_type("citext", "postgres") is None  # a domain or an extension's type
    assert common_type("varchar(20) not null", "postgres") is None  # a constraint: sqlglot reads it and the error says so
    assert common_type("varchar( 20 )", "postgres") is None
    assert common_type("bigserial", "mysql") is None  # sqlglot does not read it for MySQL


def test_a_common_type_does_not_load_sqlglot():
    program = (
        "import sys\n"
        "from depmap.impact.spec import parse_type\n"
        "print(parse_type('varchar(20)', 'postgres'), 'sqlglot' in sys.modules)\n"
        "print(parse_type('citext', 'postgres'), 'sqlglot' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["VARCHAR(20) False", "citext True"]
