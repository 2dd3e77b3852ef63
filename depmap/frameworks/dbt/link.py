"""Link symbolic dbt facts into concrete relations, table definitions and lineage.

Runs once per scan, after every file is scanned (like `depmap.orm.link.link`): a pure function of
all facts. Model SQL was analysed with placeholder relations (`__dbt_ref__orders`,
`__dbt_source__shop__orders`, `__dbt_model__stg_orders`, see `depmap.frameworks.dbt.symbols`); here
they become the relations dbt would build or read:

- a model is `alias` or its name, prefixed by `schema.` only when a custom schema is configured
  (in its `config()`, its properties YAML, or `+schema` in `dbt_project.yml`, that precedence).
  dbt's default `generate_schema_name` would build `<target schema>_<custom>`: the custom schema
  is kept as written, since the target is not known statically;
- a source table is `schema.identifier` (schema defaults to the source name, identifier to the
  table name; `public` is dropped, as the SQL engine drops it);
- a seed (a CSV under a project's `seed-paths`, see `depmap.frameworks.dbt.seeds`) is named like a
  model, from its properties YAML's `alias`/`schema`; `ref()` reaches seeds as it reaches models.
  The `seeds:` block of `dbt_project.yml` is not read (the `dbt_project` fact does not carry it);
- a `ref()` to a model not in the scan (another package) is the name itself.

Each model becomes a `table_def` (detail "dbt_model", via "dbt") with its projection's columns and
a `column_def` per column; a seed likewise (detail "dbt_seed", its CSV header, no types; a CSV
outside every seed path is not a table and is dropped); a model selecting `*` says which upstream
relations it takes every column of in `extra["star_from"]`. Source tables become `table_def`/`column_def` facts (detail
"dbt_source") with the columns the YAML lists; exposures become whole-table reads (detail
"dbt_exposure"). The SQL engine's `flow` facts (table and column lineage) are renamed with the
rest, so lineage runs source table → staging model → mart. Symbolic facts are consumed, except
`dbt_project`, kept (table "") for later rules.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from depmap.model import ACCESS, COLUMN_DEF, FLOW, MEDIUM, READ, SCHEMA, TABLE_DEF, WRITE, Fact, Location
from depmap.frameworks.dbt.seeds import DBT_SEED
from depmap.frameworks.dbt.symbols import (
    DBT_EXPOSURE,
    DBT_MACRO,
    DBT_MODEL,
    DBT_MODEL_CONFIG,
    DBT_PROJECT,
    DBT_SOURCE,
    SYMBOLIC_KINDS,
    model_placeholder,
    ref_placeholder,
    source_placeholder,
)

_CONFIG_KEYS = ("materialized", "schema", "alias", "contract")
_CONSUMED = SYMBOLIC_KINDS | {DBT_SEED}


def link_dbt(facts: list[Fact]) -> list[Fact]:
    """Every fact with dbt placeholders resolved, dbt symbolic facts turned into concrete ones."""
    projects = sorted((f for f in facts if f.kind == DBT_PROJECT), key=lambda f: f.location.path)
    models = {f.extra["name"]: f for f in sorted((f for f in facts if f.kind == DBT_MODEL), key=Fact.sort_key)}
    if not models and not any(f.kind in _CONSUMED for f in facts):
        return facts
    yaml_configs = {
        f.extra["name"]: f
        for f in sorted((f for f in facts if f.kind == DBT_MODEL_CONFIG and f.extra.get("resource") == "model"), key=Fact.sort_key)
    }
    sources = [f for f in facts if f.kind == DBT_SOURCE]
    settings = {name: _settings(model, yaml_configs.get(name), projects) for name, model in models.items()}
    seeds = _seeds(facts, projects)
    relations = _relations(models, settings, sources, seeds)
    for fact in facts:  # a Python model (`depmap.frameworks.dbt.python_models`) is named like a SQL one
        if fact.kind == ACCESS and fact.detail == "dbt_build" and fact.table not in relations:
            name = fact.extra["model"]
            relations[fact.table] = _relation_name(name, _settings(fact, yaml_configs.get(name), projects))

    views = {relations[model_placeholder(name)] for name, config in settings.items() if (config.get("materialized") or "view") == "view"}
    linked: list[Fact] = []
    for fact in facts:
        if fact.kind in _CONSUMED:
            if fact.kind == DBT_PROJECT:
                linked.append(fact)
            continue
        fact = _rename(fact, relations)
        if fact.kind == FLOW and fact.extra.get("to") in views:  # a view model: its readers read through it
            fact = replace(fact, extra={**fact.extra, "view": True})
        linked.append(fact)
    flows_into: dict[tuple[Any, str], list[Fact]] = {}  # (relation, file) -> flows: one pass, not one per model
    for fact in linked:
        if fact.kind == FLOW:
            flows_into.setdefault((fact.extra.get("to"), fact.location.path), []).append(fact)
    for name, model in models.items():
        defined = _model_definition(model, settings[name], yaml_configs.get(name), relations, flows_into)
        linked.extend(defined)
        for fact in defined:
            if fact.kind == FLOW:
                flows_into.setdefault((fact.extra.get("to"), fact.location.path), []).append(fact)
    for source in sources:
        linked.extend(_source_definition(source))
    for seed, relation in seeds.values():
        linked.extend(_seed_definition(seed, relation))
    for exposure in (f for f in facts if f.kind == DBT_EXPOSURE):
        linked.extend(_exposure_reads(exposure, relations))
    linked.extend(_macro_reads(models, [f for f in facts if f.kind == DBT_MACRO], relations))
    return linked


def _macro_reads(models: dict[str, Fact], macros: list[Fact], relations: dict[str, str]) -> list[Fact]:
    """A macro's ref()/source() reads, at each model line that calls the macro."""
    by_name: dict[str, Fact] = {}
    for macro in sorted(macros, key=Fact.sort_key):
        by_name.setdefault(macro.extra["name"], macro)
    reads = []
    for model in models.values():
        for name, line in (model.extra.get("macro_calls") or {}).items():
            macro = by_name.get(name)
            if macro is None:
                continue
            location = Location(model.location.path, int(line), int(line), symbol=model.extra["name"])
            origin = f"{macro.location.path}:{macro.location.line}"
            for placeholder, written, _ in macro.extra["reads"]:
                table = relations.get(placeholder, written)
                extra = {"inferred_from": f"macro {name}", "macro": origin}
                reads.append(Fact(ACCESS, table, location, (), READ, "macro_ref", "dbt", MEDIUM, f"{{{{ {name}(...) }}}}", extra))
    return reads


# --- names ------------------------------------------------------------------------------------


def _relations(
    models: dict[str, Fact], settings: dict[str, dict[str, Any]], sources: list[Fact], seeds: dict[str, tuple[Fact, str]]
) -> dict[str, str]:
    """placeholder -> relation, for every model, seed, ref, this and source the scan knows of."""
    relations: dict[str, str] = {}
    for model in models.values():  # refs and sources the scan has no definition for
        for placeholder, name in model.extra.get("refs", {}).items():
            relations[placeholder] = str(name).lower()
        for placeholder, (source, table) in model.extra.get("sources", {}).items():
            relations[placeholder] = f"{source}.{table}".lower()
    for source in sources:
        relations[source.extra["placeholder"]] = source.table
    for name, (_, relation) in seeds.items():  # a model of the same name wins, below
        relations[ref_placeholder(name)] = relation
    for name, config in settings.items():
        relations[model_placeholder(name)] = relations[ref_placeholder(name)] = _relation_name(name, config)
    return relations


def _relation_name(name: str, config: dict[str, Any]) -> str:
    """`alias` or the name, after `schema.` when a custom schema is configured."""
    relation = str(config.get("alias") or name)
    if config.get("schema"):
        relation = f"{config['schema']}.{relation}"
    return relation.lower()


def _seeds(facts: list[Fact], projects: list[Fact]) -> dict[str, tuple[Fact, str]]:
    """name -> (seed, relation) for the CSV files under a project's seed paths; the first by path
    wins a name clash (dbt refuses the project). Config comes from a `seeds:` properties entry."""
    configs = {
        f.extra["name"]: f.extra for f in sorted(facts, key=Fact.sort_key) if f.kind == DBT_MODEL_CONFIG and f.extra.get("resource") == "seed"
    }
    seeds: dict[str, tuple[Fact, str]] = {}
    for seed in sorted((f for f in facts if f.kind == DBT_SEED), key=Fact.sort_key):
        name = seed.extra["name"]
        if name not in seeds and any(_in_seed_path(seed.location.path, project) for project in projects):
            seeds[name] = (seed, _relation_name(name, configs.get(name, {})))
    return seeds


def _in_seed_path(path: str, project: Fact) -> bool:
    parts = PurePosixPath(path).parts
    for seed_path in project.extra.get("seed-paths", ["seeds"]):
        prefix = PurePosixPath(project.extra.get("root", ""), seed_path).parts
        if len(parts) > len(prefix) and parts[: len(prefix)] == prefix:
            return True
    return False


def _settings(model: Fact, yaml_config: Fact | None, projects: list[Fact]) -> dict[str, Any]:
    """The model's config: dbt_project.yml folders, then its properties YAML, then `config()`."""
    config: dict[str, Any] = {}
    project = _project_of(model.location.path, projects)
    if project is not None:
        config.update(_folder_config(model.location.path, project))
    if yaml_config is not None:
        for key in ("materialized", "schema", "alias"):
            if yaml_config.extra.get(key) is not None:
                config[key] = yaml_config.extra[key]
        if yaml_config.extra.get("contract_enforced") is not None:
            config["contract"] = {"enforced": yaml_config.extra["contract_enforced"]}
    for key in ("materialized", "schema", "alias"):
        if model.extra.get(key) is not None:
            config[key] = model.extra[key]
    if model.extra.get("contract_enforced") is not None:
        config["contract"] = {"enforced": model.extra["contract_enforced"]}
    return config


def _project_of(path: str, projects: list[Fact]) -> Fact | None:
    """The project whose root is the nearest folder above the file."""
    best = None
    for project in projects:
        root = project.extra.get("root", "")
        if root == "" or path.startswith(root + "/"):
            if best is None or len(root) > len(best.extra.get("root", "")):
                best = project
    return best


def _folder_config(path: str, project: Fact) -> dict[str, Any]:
    """`models: {project: {+materialized: ..., staging: {+schema: ...}}}` applied down the folders."""
    root = project.extra.get("root", "")
    relative = PurePosixPath(path[len(root) + 1 :] if root else path)
    parts = list(relative.parent.parts)
    for model_path in project.extra.get("model-paths", ["models"]):
        prefix = list(PurePosixPath(model_path).parts)
        if parts[: len(prefix)] == prefix:
            parts = parts[len(prefix) :]
            break
    else:
        return {}
    config: dict[str, Any] = {}
    node = (project.extra.get("models") or {}).get(project.extra.get("name"))
    for folder in [None, *parts]:
        if folder is not None:
            node = node.get(folder) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            break
        for key, value in node.items():
            bare = key[1:] if key.startswith("+") else key
            if bare in _CONFIG_KEYS and (key.startswith("+") or not isinstance(value, dict) or bare == "contract"):
                config[bare] = value
    return config


def _rename(fact: Fact, relations: dict[str, str]) -> Fact:
    if "__dbt_" not in fact.table and "__dbt_" not in fact.snippet and not _extra_has_placeholder(fact.extra):
        return fact
    extra = dict(fact.extra)
    if isinstance(extra.get("to"), str):
        extra["to"] = relations.get(extra["to"], extra["to"])
    if isinstance(extra.get("candidates"), list):
        extra["candidates"] = [relations.get(c, c) for c in extra["candidates"]]
    table = relations.get(fact.table, extra.get("dbt_name", fact.table))  # a test on a relation the scan does not build
    return replace(fact, table=table, snippet=_substitute(fact.snippet, relations), extra=extra)


def _extra_has_placeholder(extra: dict[str, Any]) -> bool:
    return any("__dbt_" in str(extra.get(key, "")) for key in ("to", "candidates"))


def _substitute(text: str, relations: dict[str, str]) -> str:
    if "__dbt_" not in text:
        return text
    return re.sub(r"__dbt_\w+", lambda m: relations.get(m.group(0), m.group(0)), text)


# --- definitions ------------------------------------------------------------------------------


def _model_definition(
    model: Fact, config: dict[str, Any], yaml_config: Fact | None, relations: dict[str, str],
    flows_into: dict[tuple[Any, str], list[Fact]],
) -> list[Fact]:
    relation = relations[model_placeholder(model.extra["name"])]
    projection = [_resolve_star_item(item, relations) for item in model.extra.get("projection", [])]
    flows_in = flows_into.get((relation, model.location.path), [])
    columns = tuple(c for c in model.extra.get("columns", []) if not c.endswith("*"))
    # `select * from a_cte` keeps a star in the projection; column lineage still names its columns.
    columns += tuple(sorted({str(f.extra["to_column"]) for f in flows_in if f.extra.get("to_column")} - set(columns)))
    contract = config.get("contract")
    enforced = bool(contract.get("enforced")) if isinstance(contract, dict) else False
    declared = {c["name"]: c for c in (yaml_config.extra.get("columns", []) if yaml_config else [])}
    extra: dict[str, Any] = {
        "model": model.extra["name"],
        "materialized": config.get("materialized") or "view",
        "alias": config.get("alias"),
        "schema": config.get("schema"),
        "contract_enforced": enforced,
        "projection": projection,
    }
    star_from = sorted({f.table for f in flows_in if f.detail == "star" and f.table != relation})
    if star_from:  # every column of these relations reaches the model (the SQL engine's star lineage)
        extra["star_from"] = star_from
    if yaml_config is not None:
        extra["declared_columns"] = [c["name"] for c in yaml_config.extra.get("columns", [])]
        extra["declared_at"] = {"path": yaml_config.location.path, "line": yaml_config.location.line}
    if model.extra.get("unknown_macros"):
        extra["unknown_macros"] = model.extra["unknown_macros"]
    snippet = _substitute(model.snippet, relations)
    facts = [Fact(TABLE_DEF, relation, model.location, columns, SCHEMA, "dbt_model", "dbt", snippet=snippet, extra=extra)]
    if yaml_config is not None:  # the properties YAML entry documenting the model: a definition site
        where = Location(yaml_config.location.path, yaml_config.location.line, yaml_config.location.line, symbol=model.extra["name"])
        facts.append(Fact(TABLE_DEF, relation, where, (), SCHEMA, "dbt_declared", "dbt", snippet=f"- name: {model.extra['name']}"))
    if extra["materialized"] != "ephemeral":  # `dbt run` (re)builds the relation from this file
        built = Location(model.location.path, 1, 1, symbol=model.extra["name"])
        note = {"model": model.extra["name"], "materialized": extra["materialized"]}
        facts.append(Fact(ACCESS, relation, built, columns, WRITE, "dbt_build", "dbt", snippet=f"materialized: {extra['materialized']}", extra=note))
    for column in columns:
        data_type = declared.get(column, {}).get("data_type")
        column_extra = {"type": data_type, "nullable": None, "default": None, "model": model.extra["name"]}
        facts.append(Fact(COLUMN_DEF, relation, model.location, (column,), SCHEMA, "dbt_model", "dbt", extra=column_extra))
        line = declared.get(column, {}).get("line")
        if yaml_config is not None and line:  # documented in the properties YAML: a definition site too
            where = Location(yaml_config.location.path, int(line), int(line), symbol=model.extra["name"])
            facts.append(Fact(COLUMN_DEF, relation, where, (column,), SCHEMA, "dbt_declared", "dbt", extra=column_extra))
    return facts


def _resolve_star_item(item: str, relations: dict[str, str]) -> str:
    if item.endswith(".*") and item[:-2] in relations:
        return relations[item[:-2]] + ".*"
    return item


def _source_definition(source: Fact) -> list[Fact]:
    extra = {key: source.extra[key] for key in ("source", "name", "database", "schema", "identifier")}
    columns = tuple(c["name"] for c in source.extra.get("columns", []))
    facts = [Fact(TABLE_DEF, source.table, source.location, columns, SCHEMA, "dbt_source", "dbt", extra=extra)]
    for column in source.extra.get("columns", []):
        line = column.get("line") or source.location.line
        location = Location(source.location.path, line, line)
        column_extra = {"type": column.get("data_type"), "nullable": None, "default": None, "source": source.extra["source"]}
        facts.append(Fact(COLUMN_DEF, source.table, location, (column["name"],), SCHEMA, "dbt_source", "dbt", extra=column_extra))
    return facts


def _seed_definition(seed: Fact, relation: str) -> list[Fact]:
    name = seed.extra["name"]
    columns = tuple(seed.extra.get("columns", []))
    facts = [Fact(TABLE_DEF, relation, seed.location, columns, SCHEMA, "dbt_seed", "dbt", extra={"seed": name})]
    for column in columns:
        column_extra = {"type": None, "nullable": None, "default": None, "seed": name}
        facts.append(Fact(COLUMN_DEF, relation, seed.location, (column,), SCHEMA, "dbt_seed", "dbt", extra=column_extra))
    return facts


def _exposure_reads(exposure: Fact, relations: dict[str, str]) -> list[Fact]:
    facts = []
    for dependency in exposure.extra.get("depends_on", []):
        if "ref" in dependency:
            name = str(dependency["ref"])
            relation = relations.get(ref_placeholder(name), name.lower())
        else:
            source, table = dependency["source"]
            relation = relations.get(source_placeholder(source, table), f"{source}.{table}".lower())
        extra = {"exposure": exposure.extra["name"], "type": exposure.extra.get("type")}
        location = replace(exposure.location, symbol=f"exposure:{exposure.extra['name']}")
        facts.append(Fact(ACCESS, relation, location, (), READ, "dbt_exposure", "dbt", extra=extra))
    return facts
