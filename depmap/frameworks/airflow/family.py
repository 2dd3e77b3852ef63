"""Airflow: which task of which DAG runs which SQL, tied to that SQL's facts after scanning."""

from __future__ import annotations

from depmap.frameworks.airflow.dags import AIRFLOW_DAGS
from depmap.frameworks.airflow.link import link_airflow
from depmap.frameworks.family import Family

AIRFLOW = Family("airflow", python=(AIRFLOW_DAGS,), linkers=(link_airflow,))
