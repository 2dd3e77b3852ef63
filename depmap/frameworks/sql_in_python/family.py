"""SQL written inside Python strings (what reaches a database call, or looks like SQL), and the
libraries that load a table by its name (dlt, dataset, sqlite-utils)."""

from __future__ import annotations

from depmap.frameworks.family import Family
from depmap.frameworks.sql_in_python.loaders import LOADERS
from depmap.frameworks.sql_in_python.strings import SQL_STRINGS

SQL_IN_PYTHON = Family("sql in python", python=(SQL_STRINGS, LOADERS))
