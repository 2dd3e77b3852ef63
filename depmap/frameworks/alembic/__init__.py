"""Alembic revisions: the revision header and the schema operations of `upgrade()`, ordered by
the `down_revision` chain in `depmap.orm.migrations`. Builds on `frameworks.sqlalchemy` for
column expressions. Registered in `family.py`."""
