"""A dbt project over the application's tables: sources YAML, staging models with
`{{ source() }}`, marts with `{{ ref() }}` (some incremental, some with an enforced contract)
and their schema YAML."""

from __future__ import annotations

from synth.repo import Repo, render
from synth.schema import Table, pick_tables

ROOT = "analytics"

_DATA_TYPES = {
    "code": "text", "text": "text", "email": "text", "status": "text", "int": "integer", "money": "bigint",
    "decimal": "numeric", "bool": "boolean", "ts": "timestamptz", "date": "date", "json": "jsonb", "fk": "bigint",
}  # fmt: skip


def _staging(group: str, table: Table, renamed: bool) -> tuple[str, list[tuple[str, str]]]:
    """The staging model's SQL and its output columns (name, data type)."""
    cols = [c for c in table.columns if c.kind != "json" and c.name not in table.late]
    outputs: list[tuple[str, str]] = []
    select: list[str] = []
    for column in cols:
        alias = f"{table.entity}_id" if column.name == "id" and renamed else column.name
        select.append(column.name if alias == column.name else f"{column.name} as {alias}")
        outputs.append((alias, _DATA_TYPES[column.kind]))
    body = ",\n    ".join(select)
    sql = f"-- {table.collection.replace('_', ' ').capitalize()} as loaded from the application database.\n"
    sql += f"select\n    {body}\nfrom {{{{ source('{group}', '{table.name}') }}}}\n"
    return sql, outputs


def _mart(repo: Repo, name: str, parts: list[tuple[str, Table, list[tuple[str, str]]]]) -> tuple[str, list[tuple[str, str]]]:
    rng = repo.rng
    (base_model, base, base_cols), *others = parts
    incremental = rng.random() < 0.3
    key = base_cols[0][0]
    lines: list[str] = []
    if incremental:
        lines += [f"{{{{ config(materialized='incremental', unique_key='{key}') }}}}", ""]
    lines.append(f"-- One row per {base.entity.replace('_', ' ')}, with what the other teams need next to it.")
    head = f"base_{base.entity}"
    ctes = [f"{head} as (\n    select * from {{{{ ref('{base_model}') }}}}\n)"]
    outputs = [(n, t) for n, t in base_cols if n != "updated_at"]
    select = [f"{head}.{n}" for n, _ in outputs]
    joins: list[str] = []
    for model, table, cols in others:
        fk = next((c for c in base.columns if c.target == table.name), None)
        if fk is None:
            continue
        measure = next(((n, t) for n, t in cols if t in ("bigint", "integer", "numeric") and not n.endswith("_id")), None)
        if measure is None:
            continue
        alias = f"{table.entity}_{measure[0]}"
        cte = f"{table.entity}_totals"
        ctes.append(
            f"{cte} as (\n    select {cols[0][0]}, sum({measure[0]}) as {alias}\n"
            f"    from {{{{ ref('{model}') }}}}\n    group by {cols[0][0]}\n)"
        )
        select.append(f"coalesce({cte}.{alias}, 0) as {alias}")
        outputs.append((alias, measure[1]))
        joins.append(f"left join {cte} on {cte}.{cols[0][0]} = {head}.{fk.name}")
    lines.append("with " + ",\n\n".join(ctes))
    lines += ["", "select", "    " + ",\n    ".join(select), f"from {head}", *joins]
    if incremental:
        lines += ["{% if is_incremental() %}", f"where {head}.created_at > (select max(created_at) from {{{{ this }}}})", "{% endif %}"]
    return render(lines), outputs


def _columns_yaml(columns: list[tuple[str, str]], typed: bool, indent: str) -> list[str]:
    out = [f"{indent}columns:"]
    for name, data_type in columns:
        out.append(f"{indent}  - name: {name}")
        if typed:
            out.append(f"{indent}    data_type: {data_type}")
    return out


def unit(repo: Repo) -> None:
    """One folder of the dbt project: a source, 2-4 staging models and a mart."""
    rng = repo.rng
    if f"{ROOT}/dbt_project.yml" not in repo.files:
        _project(repo)
    staged: dict[str, tuple[str, list[tuple[str, str]]]] = repo.state.setdefault("dbt_staged", {})
    group = repo.namer.module("dbt_group", [f"{rng.choice(('app', 'core', 'ops', 'raw'))}_{repo.namer.domain()}"])
    fresh = [t for t in pick_tables(rng, repo.tables, rng.randint(2, 4)) if t.name not in staged]
    sources = ["version: 2", "", "sources:", f"  - name: {group}", "    schema: public", "    tables:"]
    for table in fresh:
        sql, outputs = _staging(group, table, renamed=rng.random() < 0.5)
        model = f"stg_{group}__{table.name}"
        staged[table.name] = (model, outputs)
        repo.state.setdefault("dbt_models", []).append(model)
        repo.add(f"{ROOT}/models/staging/{group}/{model}.sql", "dbt", sql)
        sources.append(f"      - name: {table.name}")
        sources += _columns_yaml([(c.name, _DATA_TYPES[c.kind]) for c in table.columns if c.name not in table.late], True, "        ")
    if fresh:
        repo.add(f"{ROOT}/models/staging/{group}/_{group}__sources.yml", "dbt", render(sources))
    by_name = {t.name: t for t in repo.tables}
    base_name = rng.choice(sorted(staged)) if staged else None
    if base_name is None:
        return
    base = by_name[base_name]
    parts = [(staged[base_name][0], base, staged[base_name][1])]
    for column in base.columns:
        if column.target in staged:
            parts.append((staged[column.target][0], by_name[column.target], staged[column.target][1]))
    mart = repo.namer.module("dbt_mart", [f"fct_{base.collection}", f"dim_{base.collection}", f"fct_{group}_{base.collection}"])
    sql, outputs = _mart(repo, mart, parts)
    repo.add(f"{ROOT}/models/marts/{group}/{mart}.sql", "dbt", sql)
    repo.state.setdefault("dbt_models", []).append(mart)
    contract = rng.random() < 0.3
    schema = ["version: 2", "", "models:", f"  - name: {mart}", f"    description: {base.collection.replace('_', ' ').capitalize()} for the BI tool."]
    if contract:
        schema += ["    config:", "      contract:", "        enforced: true"]
    schema += _columns_yaml(outputs, contract, "    ")
    repo.add(f"{ROOT}/models/marts/{group}/_{group}__models.yml", "dbt", render(schema))


def _project(repo: Repo) -> None:
    name = f"{repo.company}_analytics"
    repo.add(f"{ROOT}/dbt_project.yml", "dbt", render([
        f"name: {name}", 'version: "1.4.0"', "config-version: 2", f"profile: {name}", "",
        'model-paths: ["models"]', 'test-paths: ["tests"]', 'macro-paths: ["macros"]', "", "target-path: target",
        "clean-targets: [target, dbt_packages]", "", "models:", f"  {name}:", "    staging:", "      +schema: staging",
        "      +materialized: view", "    marts:", "      +schema: marts", "      +materialized: table",
    ]))
