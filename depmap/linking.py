"""The linkers, in the order they run, importable without the scanners.

A cold scan links in the main process while its workers scan; the families (`depmap.registry`)
bring every scanner with them, and with those the SQL parser and the template engine: about 40 MB
the main process held at the highest point of its memory for no use. The linkers' own modules
import none of that, so the main process imports them from here. `depmap.registry` keeps the
families' list, and a test checks that it names these linkers, in this order.
"""

from __future__ import annotations

from typing import Iterable

from depmap.frameworks.airflow.code_link import AIRFLOW_TASK
from depmap.frameworks.airflow.link import link_airflow
from depmap.frameworks.dbt.link import link_dbt
from depmap.frameworks.dbt.seeds import DBT_SEED
from depmap.frameworks.dbt.symbols import DBT_MODEL, DBT_MODEL_CONFIG
from depmap.frameworks.dbt.symbols import SYMBOLIC_KINDS as DBT_SYMBOLIC_KINDS
from depmap.frameworks.family import Linker
from depmap.frameworks.sql_routines.link import link_routines
from depmap.model import Fact
from depmap.orm import link_scope
from depmap.orm.link import link_orm

# The ORM linker, which ranks every migration, runs before the routine linker (the last
# definition of a function wins) and the dbt and Airflow linkers that build on table definitions.
LINKERS: tuple[Linker, ...] = (link_orm, link_routines, link_dbt, link_airflow)

# The families' symbolic kinds that relinking asks about (`depmap.index.relink`): a task, a dbt
# model and its properties, every fact the dbt linker consumes.
DBT_CONSUMED_KINDS = DBT_SYMBOLIC_KINDS | {DBT_SEED}

__all__ = ["AIRFLOW_TASK", "DBT_CONSUMED_KINDS", "DBT_MODEL", "DBT_MODEL_CONFIG", "LINKERS", "link_facts"]


def link_facts(facts: list[Fact], located_at: Iterable[str] | None = None, *, consume: bool = False) -> list[Fact]:
    """Every file's facts through every linker: symbolic facts become tables, columns and accesses.
    With `located_at`, only the facts placed at those files are asked for: a linker may leave out
    what it would place elsewhere (`depmap.orm.link_scope`), so other files' facts may be missing.
    With `consume`, `facts` is the caller's no longer: the ORM linker empties it as it goes
    (`link_orm`); each later linker's input is this function's own anyway."""
    with link_scope.located_at(located_at):
        for linker in LINKERS:
            facts = link_orm(facts, consume=consume) if linker is link_orm else linker(facts)
    return facts
