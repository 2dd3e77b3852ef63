"""Alembic revisions: their place in the `down_revision` chain (ordered by the shared ORM linker,
which ranks every migration) and the schema operations of `upgrade()`."""

from __future__ import annotations

from depmap.frameworks.alembic.migrations import ALEMBIC_MIGRATIONS
from depmap.frameworks.family import Family
from depmap.orm.link import link_orm

ALEMBIC = Family("alembic", python=(ALEMBIC_MIGRATIONS,), linkers=(link_orm,))
