"""One package per input family: the ORMs, migration tools and pipeline tools depmap reads, and
the places raw SQL is written.

Each package holds everything its family needs, from the per-file analyses to the project-level
linker, and declares what it contributes in its `family.py` (a `Family`: Python analyses,
scanners of other file kinds, linkers); `depmap.registry` lists the families. Supporting another
ORM or pipeline tool is one new package here and one line in the registry.

A family may import `depmap.model`, `depmap.scan_context`, `depmap.discover` (file kinds),
`depmap.safe_yaml` (YAML within limits),
`depmap.python` (the shared tree tools), `depmap.sql` (the SQL engine) and `depmap.orm` (the
framework-neutral ORM symbols and linker). Families do not import one another, except where one
builds on the other: `alembic` reads SQLAlchemy column expressions (`sqlalchemy`), `sql_files`
leaves dbt models to `dbt`, and `sql_in_configs` recognises SQL text as `sql_in_python` does.
Nothing here imports the index, the registry, impact, rendering or the command line.
"""
