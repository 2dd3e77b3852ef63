"""Airflow: which task of which DAG runs which SQL or which project code (DAGs in Python and in
YAML), tied to that SQL's and that code's facts after scanning."""

from __future__ import annotations

from depmap.discover import FileKind
from depmap.frameworks.airflow.dags import AIRFLOW_DAGS
from depmap.frameworks.airflow.link import link_airflow
from depmap.frameworks.airflow.yaml_dags import scan_yaml_dags
from depmap.frameworks.family import Family

AIRFLOW = Family("airflow", python=(AIRFLOW_DAGS,), files={FileKind.YAML: (scan_yaml_dags,)}, linkers=(link_airflow,))
