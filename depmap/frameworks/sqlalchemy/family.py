"""SQLAlchemy, Flask-SQLAlchemy and SQLModel: declarative models, Core tables, schemas, and the
queries and sessions that use them. Models of every file are linked by the shared ORM linker."""

from __future__ import annotations

from depmap.frameworks.family import Family
from depmap.frameworks.sqlalchemy.models import SQLALCHEMY_MODELS
from depmap.frameworks.sqlalchemy.queries import SQLALCHEMY_QUERIES
from depmap.orm.link import link_orm
from depmap.orm.objects import OBJECTS

SQLALCHEMY = Family("sqlalchemy", python=(SQLALCHEMY_MODELS, SQLALCHEMY_QUERIES, OBJECTS), linkers=(link_orm,))
