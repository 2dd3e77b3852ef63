"""dbt: `dbt_project.yml`, properties YAML, model SQL rendered statically, seeds; linked into
relations, table definitions and lineage once the whole project is seen."""

from __future__ import annotations

from depmap.discover import FileKind
from depmap.frameworks.dbt.link import link_dbt
from depmap.frameworks.dbt.macros import scan_dbt_macros
from depmap.frameworks.dbt.models import scan_dbt_model
from depmap.frameworks.dbt.python_models import DBT_PYTHON_MODELS
from depmap.frameworks.dbt.seeds import scan_dbt_seed
from depmap.frameworks.dbt.yaml_files import scan_dbt_project, scan_dbt_yaml
from depmap.frameworks.family import Family

DBT = Family(
    "dbt",
    python=(DBT_PYTHON_MODELS,),
    files={
        FileKind.SQL: (scan_dbt_model, scan_dbt_macros),
        FileKind.YAML: (scan_dbt_yaml,),
        FileKind.DBT_PROJECT: (scan_dbt_project,),
        FileKind.CSV: (scan_dbt_seed,),
    },
    linkers=(link_dbt,),
)
