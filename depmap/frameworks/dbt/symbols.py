"""Symbolic dbt facts: what per-file scanners can know before the whole dbt project is seen.

A model's relation depends on its config (in its own file, in a properties YAML, in
`dbt_project.yml`), and `ref('orders')`/`source('shop', 'orders')` name other files' objects. So
the dbt scanners render model SQL with placeholder relation names and emit the facts below;
`depmap.frameworks.dbt.link.link_dbt` replaces them by concrete `table_def`/`column_def`/`access`/
`flow` facts once every file is scanned. All symbolic facts have `via="dbt"` and plain JSON extras.

DBT_PROJECT — one per `dbt_project.yml`, table "". extra: name, root (the file's folder, "" at the
    scanned root), model-paths, seed-paths, snapshot-paths, macro-paths, vars (defaults), models
    (the raw `models:` config block).
DBT_SOURCE — one per source table in a properties YAML, table = the physical relation
    (`schema.identifier`, schema defaulting to the source name, `public` dropped, lower case).
    extra: source, name, database, schema, identifier, relation, placeholder, columns
    ([{name, data_type, line}]).
DBT_MODEL_CONFIG — one per entry of `models:`/`seeds:`/`snapshots:` in a properties YAML, table "".
    extra: resource ("model"/"seed"/"snapshot"), name, columns ([{name, data_type, line}]),
    contract_enforced, materialized, alias, schema.
DBT_EXPOSURE — one per exposure, table "". extra: name, type, depends_on ([{"ref": name} or
    {"source": [source, table]}]).
DBT_MODEL — one per rendered model SQL file, table = `__dbt_model__<file stem>`. extra: name,
    path, materialized, alias, schema, contract_enforced, projection (as the SQL engine reports it,
    placeholders included), columns, refs ({placeholder: name}), sources ({placeholder: [s, t]}),
    unknown_macros, macro_calls ({macro: first line calling it}), vars, incremental. The model's
    accesses and flows are ordinary facts naming placeholder tables.
DBT_MACRO — one per macro that calls ref() or source(), table "". extra: name, reads
    ([placeholder, name as written, line]).
"""

from __future__ import annotations

import re

DBT_PROJECT = "dbt_project"
DBT_SOURCE = "dbt_source"
DBT_MODEL_CONFIG = "dbt_model_config"
DBT_EXPOSURE = "dbt_exposure"
DBT_MODEL = "dbt_model"
DBT_MACRO = "dbt_macro"
SYMBOLIC_KINDS = frozenset({DBT_PROJECT, DBT_SOURCE, DBT_MODEL_CONFIG, DBT_EXPOSURE, DBT_MODEL, DBT_MACRO})

REF_PREFIX = "__dbt_ref__"
SOURCE_PREFIX = "__dbt_source__"
MODEL_PREFIX = "__dbt_model__"
THIS = "__dbt_this__"

_NOT_WORD = re.compile(r"\W")


def _word(name: str) -> str:
    return _NOT_WORD.sub("_", str(name)).lower()


def ref_placeholder(model: str) -> str:
    return REF_PREFIX + _word(model)


def source_placeholder(source: str, table: str) -> str:
    return f"{SOURCE_PREFIX}{_word(source)}__{_word(table)}"


def model_placeholder(model: str) -> str:
    return MODEL_PREFIX + _word(model)
