"""dbt's YAML: `dbt_project.yml` and properties files (sources, models, seeds, snapshots,
exposures), as symbolic facts for `depmap.frameworks.dbt.link` (see `symbols`).

A properties file is recognised by its top-level keys, since one file does not say which project
it belongs to. Every entry is located at its own line (the loader records each mapping's line).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import yaml

from depmap.model import LOW, PARSE_ERROR, Fact, Location, ScanResult, Skipped, sorted_facts
from depmap.safe_yaml import PlainLoader, YamlRefused, load_plain
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.symbols import (
    DBT_EXPOSURE,
    DBT_MODEL_CONFIG,
    DBT_PROJECT,
    DBT_SOURCE,
    ref_placeholder,
    source_placeholder,
)
from depmap.frameworks.dbt.data_tests import test_reads

_LINE = "__line__"
_PROPERTY_KEYS = ("sources", "models", "seeds", "snapshots", "exposures")
_LOOKS_DBT = re.compile(r"^(sources|models|seeds|snapshots|exposures)\s*:", re.M)
_DEPENDENCY = re.compile(r"""(ref|source)\s*\(\s*(['"][^'"]+['"](?:\s*,\s*['"][^'"]+['"])*)\s*\)""")


class _LineLoader(PlainLoader):  # type: ignore[misc]
    """Safe, plain loading within limits (`depmap.safe_yaml`), plus each mapping's 1-based line
    under `__line__`."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def _load(text: str) -> Any:
    return load_plain(text, _LineLoader)


def _plain(value: Any) -> Any:
    """The value without line markers, as plain JSON."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if k != _LINE}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _yaml_error(path: str, error: yaml.YAMLError) -> Fact:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    message = " ".join(str(error).split())
    return Fact(PARSE_ERROR, "", Location(path, line, line), via="dbt", confidence=LOW, extra={"error": f"YAML not parsed: {message}"})


def _paths(data: dict, key: str, default: list[str]) -> list[str]:
    value = data.get(key, data.get(key.replace("-", "_")))  # older projects: source-paths etc.
    if value is None and key == "model-paths":
        value = data.get("source-paths")
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else default


def scan_dbt_project(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """`dbt_project.yml`: one `dbt_project` fact with the paths and var defaults."""
    try:
        data = _load(text)
    except yaml.YAMLError as error:
        return ScanResult(facts=[_yaml_error(path, error)])
    except YamlRefused as refused:
        return ScanResult(skipped=[Skipped(path, f"YAML not analysed: {refused}")])
    if not isinstance(data, dict):
        return ScanResult()
    root = str(PurePosixPath(path).parent)
    extra = {
        "name": str(data.get("name") or ""),
        "root": "" if root == "." else root,
        "model-paths": _paths(data, "model-paths", ["models"]),
        "seed-paths": _paths(data, "seed-paths", ["seeds"]),
        "snapshot-paths": _paths(data, "snapshot-paths", ["snapshots"]),
        "macro-paths": _paths(data, "macro-paths", ["macros"]),
        "vars": _plain(data.get("vars") or {}),
        "models": _plain(data.get("models") or {}),
    }
    line = data.get(_LINE, 1)
    return ScanResult(facts=[Fact(DBT_PROJECT, "", Location(path, line, line), via="dbt", extra=extra)])


def is_dbt_properties(text: str) -> bool:
    return bool(_LOOKS_DBT.search(text))


def scan_dbt_yaml(path: str, text: str, ctx: ScanContext) -> ScanResult:
    """A properties YAML: sources, model/seed/snapshot configs and exposures."""
    if not is_dbt_properties(text):
        return ScanResult()
    try:
        data = _load(text)
    except yaml.YAMLError as error:
        return ScanResult(facts=[_yaml_error(path, error)])
    except YamlRefused as refused:
        return ScanResult(skipped=[Skipped(path, f"YAML not analysed: {refused}")])
    if not isinstance(data, dict) or not any(isinstance(data.get(k), list) for k in _PROPERTY_KEYS):
        return ScanResult()
    facts: list[Fact] = []
    lines = text.splitlines()
    for source in _entries(data, "sources"):
        for fact in _source_facts(path, source):
            facts.append(fact)
            table = next(t for t in source.get("tables") if isinstance(t, dict) and str(t.get("name")) == fact.extra["name"])
            facts.extend(test_reads(path, lines, table, fact.extra["placeholder"], fact.table))
    for key, resource in (("models", "model"), ("seeds", "seed"), ("snapshots", "snapshot")):
        for entry in _entries(data, key):
            facts.append(_config_fact(path, entry, resource))
            name = str(entry["name"])
            facts.extend(test_reads(path, lines, entry, ref_placeholder(name), name.lower()))
    for exposure in _entries(data, "exposures"):
        facts.append(_exposure_fact(path, exposure))
    return ScanResult(facts=sorted_facts(facts))


def _entries(data: dict, key: str) -> list[dict]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, dict) and e.get("name")]


def _columns(entry: dict) -> list[dict[str, Any]]:
    columns = []
    for column in entry.get("columns") or []:
        if isinstance(column, dict) and column.get("name"):
            data_type = column.get("data_type")
            columns.append(
                {"name": str(column["name"]).lower(), "data_type": None if data_type is None else str(data_type), "line": column.get(_LINE)}
            )
    return columns


def _source_facts(path: str, source: dict) -> list[Fact]:
    facts = []
    source_name = str(source["name"])
    for table in source.get("tables") or []:
        if not isinstance(table, dict) or not table.get("name"):
            continue
        name = str(table["name"])
        config = table.get("config") if isinstance(table.get("config"), dict) else {}
        schema = str(table.get("schema") or config.get("schema") or source.get("schema") or source_name)
        database = table.get("database") or source.get("database")
        identifier = str(table.get("identifier") or name)
        relation = identifier.lower() if schema.lower() == "public" else f"{schema}.{identifier}".lower()
        line = table.get(_LINE, source.get(_LINE, 1))
        extra = {
            "source": source_name,
            "name": name,
            "database": None if database is None else str(database),
            "schema": schema,
            "identifier": identifier,
            "relation": relation,
            "placeholder": source_placeholder(source_name, name),
            "columns": _columns(table),
        }
        facts.append(Fact(DBT_SOURCE, relation, Location(path, line, line), via="dbt", extra=extra))
    return facts


def _config_fact(path: str, entry: dict, resource: str) -> Fact:
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    contract = config.get("contract", entry.get("contract"))
    enforced = contract.get("enforced") if isinstance(contract, dict) else None
    line = entry.get(_LINE, 1)
    extra = {
        "resource": resource,
        "name": str(entry["name"]),
        "columns": _columns(entry),
        "contract_enforced": None if enforced is None else bool(enforced),
        "materialized": config.get("materialized"),
        "alias": config.get("alias"),
        "schema": config.get("schema"),
    }
    return Fact(DBT_MODEL_CONFIG, "", Location(path, line, line), via="dbt", extra=_plain(extra))


def _exposure_fact(path: str, exposure: dict) -> Fact:
    depends_on = []
    for item in exposure.get("depends_on") or []:
        match = _DEPENDENCY.search(str(item))
        if not match:
            continue
        args = [a.strip().strip("'\"") for a in match.group(2).split(",")]
        if match.group(1) == "ref":
            depends_on.append({"ref": args[-1]})
        elif len(args) == 2:
            depends_on.append({"source": args})
    line = exposure.get(_LINE, 1)
    extra = {"name": str(exposure["name"]), "type": exposure.get("type"), "depends_on": depends_on}
    return Fact(DBT_EXPOSURE, "", Location(path, line, line), via="dbt", extra=_plain(extra))
