"""Airflow: which task of which DAG runs which SQL (`dags`), tied to that SQL's own facts once
every file is scanned (`link`). Registered in `family.py`."""
