"""Building blocks of the synthetic repositories that `benchmarks/generate.py` writes.

One module a layer of a typical application (Django apps, SQLAlchemy services, raw SQL modules,
SQL migrations, a dbt project, Airflow DAGs, plain code), all drawing identifiers from one seeded
`random.Random`, so the same seed always gives the same bytes.
"""
