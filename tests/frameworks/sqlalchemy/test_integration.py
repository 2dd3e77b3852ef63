"""The SQLAlchemy analyses as the project runs them: beside the SQL-strings analysis on one parse,
with facts that survive the cache's JSON round trip and come out the same on every run."""

from __future__ import annotations

import json

from depmap.model import Fact
from depmap.orm.symbols import ORM_ACCESS
from depmap.scan_context import ScanContext
from depmap.python.scanner import scan_python
from depmap.frameworks.sql_in_python.strings import SQL_STRINGS
from depmap.frameworks.sqlalchemy.models import SQLALCHEMY_MODELS
from depmap.frameworks.sqlalchemy.queries import SQLALCHEMY_QUERIES

from .helpers import FIXTURES

FILES = ["shop/models.py", "shop/tables.py", "shop/legacy.py", "shop/service.py", "shop/reports.py", "shop/schemas.py",
         "shop/negatives.py", "blog/models.py", "blog/views.py", "heroes/app.py"]  # fmt: skip
ANALYSES = (SQL_STRINGS, SQLALCHEMY_MODELS, SQLALCHEMY_QUERIES)


def scan(relative: str):
    return scan_python(relative, (FIXTURES / relative).read_text(encoding="utf-8"), ScanContext(), analyses=ANALYSES)


def test_facts_round_trip_through_json_and_are_deterministic():
    for relative in FILES:
        facts = scan(relative).facts
        assert facts, relative
        text = json.dumps([fact.to_json() for fact in facts], sort_keys=True)
        assert [Fact.from_json(data) for data in json.loads(text)] == facts
        assert json.dumps([fact.to_json() for fact in scan(relative).facts], sort_keys=True) == text


def test_raw_sql_in_text_is_left_to_the_sql_strings_analysis():
    facts = scan("shop/negatives.py").facts
    assert [(f.kind, f.via, f.table, f.columns, f.access) for f in facts] == [("access", "sql", "orders", ("id", "status"), "read")]
    assert not [f for f in facts if f.kind == ORM_ACCESS]
