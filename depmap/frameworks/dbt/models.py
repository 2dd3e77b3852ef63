"""dbt model SQL: render the Jinja statically, then analyse the SELECT like any view definition.

A `.sql` file is taken for a dbt model when it calls `ref(`, `source(` or `config(` inside `{{ }}`
(a scanner sees one file, so it cannot know the file lives under a project's model-paths). The
rendered SELECT is analysed as `CREATE VIEW __dbt_model__<stem> AS <select>`, which gives the
model's projection, its reads and its column lineage from the one SQL engine; the linker
(`depmap.frameworks.dbt.link`) then names the real relations.

Lines: rendering collapses `{% %}` blocks, so rendered lines are not file lines. A model's statement
spans the file's first `with`/`select` outside Jinja and comments (line 1 when there is none) to its
last non-blank line; a read of a `ref()`/`source()` relation is placed at the template line of its
first call (jinja2 maps it back), inside that span; everything else at the statement's first line.

Incremental models are rendered twice (`is_incremental()` true and false); facts seen in only one
rendering carry `extra["is_incremental"]` = True/False.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import PurePosixPath

from jinja2 import TemplateSyntaxError

from depmap.model import ACCESS, COLUMN_DEF, FLOW, LOW, PARSE_ERROR, TABLE_DEF, Fact, Location, ScanResult, sorted_facts
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.jinja import Rendering, render_model
from depmap.frameworks.dbt.symbols import DBT_MODEL, THIS, model_placeholder
from depmap.sql import analyze_sql, to_facts
from depmap.sql.facts import snippet_of

_DBT_MARKER = re.compile(r"\{\{-?\s*(?:ref|source|config)\s*\(|\{%-?\s*snapshot\s")
_JINJA_OR_COMMENT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|--[^\n]*|/\*.*?\*/", re.S)
_FIRST_QUERY_WORD = re.compile(r"\b(?:with|select)\b", re.I)
_NOT_A_MODEL_DIR = re.compile(r"(^|/)(tests|analyses|analysis|macros)/")


def is_dbt_model(text: str) -> bool:
    """Whether a `.sql` file is dbt Jinja SQL (plain SQL scanners should leave it to this one)."""
    return bool(_DBT_MARKER.search(text))


def first_query_line(text: str) -> int:
    """The file line of the first `with`/`select` outside Jinja and comments, or 1."""
    blanked = _JINJA_OR_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    match = _FIRST_QUERY_WORD.search(blanked)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def scan_dbt_model(path: str, text: str, ctx: ScanContext) -> ScanResult:
    if not is_dbt_model(text):
        return ScanResult()
    line = first_query_line(text)
    end_line = max(line, len(text.rstrip().splitlines()) or 1)
    location = Location(path, line, end_line)
    branches = (False, True) if "is_incremental" in text else (False,)
    renderings: list[Rendering] = []
    for incremental in branches:
        try:
            renderings.append(render_model(text, incremental=incremental, dialect=ctx.dialect, project_vars=ctx.dbt_vars_for(path)))
        except TemplateSyntaxError as error:
            return ScanResult(facts=[_render_error(path, error.lineno or 1, error.message or str(error))])
        except Exception as error:  # undefined filters, bad arguments, sandbox refusals: report it
            return ScanResult(facts=[_render_error(path, line, f"{type(error).__name__}: {error}")])
    name = renderings[0].snapshot or PurePosixPath(path).stem
    model = model_placeholder(name)
    per_branch = [_analyse(r.sql, model, location, path, ctx.dialect) for r in renderings]
    facts = _at_call_lines(_merge_branches(per_branch), renderings, model)
    definition = next((f for f in facts if f.kind == TABLE_DEF and f.table == model), None)
    facts = [f for f in facts if f.table != model or f.kind in (ACCESS, PARSE_ERROR)]
    if _NOT_A_MODEL_DIR.search(path):  # a data test or analysis reads, but builds nothing
        facts = [f for f in facts if f.kind != FLOW]
    else:
        model_fact = _model_fact(name, model, path, location, renderings, definition)
        calls = {macro: line_of_call for macro in model_fact.extra["unknown_macros"] if (line_of_call := _call_line(text, macro))}
        facts.append(replace(model_fact, extra={**model_fact.extra, "macro_calls": calls}))
    return ScanResult(facts=sorted_facts(facts))


def _call_line(text: str, macro: str) -> int | None:
    """The first line of the model that calls `macro` (`{{ macro(...) }}`, `{% set x = macro() %}`)."""
    match = re.search(rf"(?<![\w.]){re.escape(macro)}\s*\(", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _render_error(path: str, line: int, message: str) -> Fact:
    return Fact(
        PARSE_ERROR, "", Location(path, line, line), via="dbt", confidence=LOW,
        extra={"error": f"dbt Jinja not rendered: {message}"},
    )


def _analyse(sql: str, model: str, location: Location, path: str, dialect: str) -> list[Fact]:
    body = sql.strip().rstrip(";").strip()
    if not body:
        return []
    results = analyze_sql(f"CREATE VIEW {model} AS {body}", dialect)
    facts = []
    snippet = snippet_of(body.replace(THIS, model))
    for fact in to_facts(results, path=path, via="dbt"):
        if fact.kind == COLUMN_DEF:
            continue  # the model fact carries the projection; the linker defines the columns
        if fact.kind == FLOW and fact.table in (THIS, model):
            continue  # an incremental model reading itself is not lineage
        table = model if fact.table == THIS else fact.table
        extra = {k: v for k, v in fact.extra.items() if k not in ("lines", "column_lines")}  # rendered lines
        if extra.get("statement") == "create_view":
            extra["statement"] = "dbt_model"
        if extra.get("candidates"):
            extra["candidates"] = [model if c == THIS else c for c in extra["candidates"]]
        facts.append(replace(fact, table=table, location=location, snippet=snippet, extra=extra))
    return facts


def _at_call_lines(facts: list[Fact], renderings: list[Rendering], model: str) -> list[Fact]:
    """Each read of a ref/source relation moved to the first line that calls `ref()`/`source()`,
    every such line listed in `extra["lines"]` when there are several."""
    lines: dict[str, set[int]] = {}
    for rendering in renderings:
        for placeholder, called in rendering.lines.items():
            lines.setdefault(placeholder, set()).update(called)
    placed = []
    for fact in facts:
        table = THIS if fact.table == model else fact.table
        called = sorted(lines.get(table) or ()) if fact.kind == ACCESS else []  # a flow is the whole model's
        if called:
            loc, line = fact.location, called[0]
            start = loc.line if loc.line < line else None
            loc = replace(loc, line=line, end_line=max(called[-1], loc.end_line or line), statement_line=start)
            extra = {**fact.extra, "lines": called} if len(called) > 1 else fact.extra
            fact = replace(fact, location=loc, extra=extra)
        placed.append(fact)
    return placed


def _merge_branches(per_branch: list[list[Fact]]) -> list[Fact]:
    """One fact per observation. What only one `is_incremental()` branch reads says which, so a
    column read in both branches is one fact and the incremental filter's columns another."""
    if len(per_branch) == 1:
        return _dedupe(per_branch[0])
    full, incremental = (_dedupe(facts) for facts in per_branch)
    full_by_key = {_key(f, with_columns=False): f for f in full}
    incremental_by_key = {_key(f, with_columns=False): f for f in incremental}
    merged: list[Fact] = []
    for key, fact in full_by_key.items():
        other = incremental_by_key.get(key)
        if other is None:
            merged.append(_mark(fact, False))
        elif fact.columns == other.columns:
            merged.append(fact)
        else:
            shared = tuple(c for c in fact.columns if c in other.columns)
            merged.append(replace(fact, columns=shared))
            merged.extend(_split(fact, tuple(c for c in fact.columns if c not in shared), False))
            merged.extend(_split(other, tuple(c for c in other.columns if c not in shared), True))
    merged += [_mark(f, True) for key, f in incremental_by_key.items() if key not in full_by_key]
    return merged


def _split(fact: Fact, columns: tuple[str, ...], incremental: bool) -> list[Fact]:
    return [_mark(replace(fact, columns=columns), incremental)] if columns else []


def _mark(fact: Fact, incremental: bool) -> Fact:
    if fact.kind == TABLE_DEF:
        return fact
    return replace(fact, extra={**fact.extra, "is_incremental": incremental})


def _key(fact: Fact, with_columns: bool = True) -> str:
    data = fact.to_json()
    data.pop("snippet")
    if not with_columns:
        data.pop("columns")
    return json.dumps(data, sort_keys=True, default=str)


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen: dict[str, Fact] = {}
    for fact in facts:
        seen.setdefault(_key(fact), fact)
    return list(seen.values())


def _model_fact(
    name: str, model: str, path: str, location: Location, renderings: list[Rendering], definition: Fact | None
) -> Fact:
    config: dict = {}
    refs: dict[str, str] = {}
    sources: dict[str, list[str]] = {}
    unknown: set[str] = set()
    variables: set[str] = set()
    star_except: dict[str, list[str]] = {}
    for rendering in renderings:
        config.update(rendering.config)
        refs.update(rendering.refs)
        sources.update(rendering.sources)
        unknown |= rendering.unknown
        variables |= rendering.vars
        star_except.update(rendering.star_except)
    contract = config.get("contract")
    enforced = contract.get("enforced") if isinstance(contract, dict) else None
    materialized = config.get("materialized") or ("snapshot" if renderings[0].snapshot else None)
    extra = {
        "name": name,
        "path": path,
        "materialized": materialized,
        "alias": _text_or_none(config.get("alias")),
        "schema": _text_or_none(config.get("schema") or config.get("target_schema")),
        "contract_enforced": enforced,
        "projection": list(definition.extra.get("projection") or definition.columns) if definition else [],
        "columns": list(definition.columns) if definition else [],
        "refs": dict(sorted(refs.items())),
        "sources": dict(sorted(sources.items())),
        "unknown_macros": sorted(unknown),
        "vars": sorted(variables),
        "incremental": len(renderings) > 1,
    }
    if star_except:
        extra["star_except"] = dict(sorted(star_except.items()))
    return Fact(DBT_MODEL, model, location, via="dbt", snippet=definition.snippet if definition else "", extra=extra)


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)
