"""What every ORM family shares: the symbolic facts per-file analyses emit before the whole
project is seen (`symbols`), the model registry across files (`registry`, `naming`), and the
linker that turns symbols into tables, columns and accesses (`link`, `accesses`, `migrations`,
which also ranks Alembic and Django migrations in the order they run).

Framework-neutral by design: the Django and SQLAlchemy packages import it, never the reverse.
May import `depmap.model` and `depmap.python`.
"""
