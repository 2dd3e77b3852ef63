"""SQL routines: the bodies the SQL scanners read are bound here to the triggers that fire them
and the queries that call them. Its linker runs after the ORM linker, which ranks the migrations
(Alembic chains, Django dependencies) that may define a function more than once."""

from __future__ import annotations

from depmap.frameworks.family import Family
from depmap.frameworks.sql_routines.link import link_routines

SQL_ROUTINES = Family("sql routines", linkers=(link_routines,))
