"""Render a dbt model's Jinja statically: `ref`/`source`/`this` become placeholder relations,
`config()` is captured, `var()` yields its default, and every unknown macro or name renders as a
neutral `NULL` and is recorded. Nothing of the scanned project runs: the template is rendered in
jinja2's sandbox with only the stand-ins defined here.

`is_incremental()` answers what the caller asks, so a model is rendered once per branch.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from jinja2 import ChainableUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from depmap.frameworks.dbt.symbols import THIS, ref_placeholder, source_placeholder

NEUTRAL = "NULL"  # what an unknown macro renders as: valid wherever an expression is

_THIS_IN_EXPRESSION = re.compile(r"\{\{[^}]*?\bthis\b")
_SNAPSHOT_TAG = re.compile(r"\{%-?\s*snapshot\s+(\w+)\s*-?%\}|\{%-?\s*endsnapshot\s*-?%\}")


@dataclass
class Rendering:
    """One rendering of a model and what the template asked for on the way."""

    sql: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # placeholder -> model name
    sources: dict[str, list[str]] = field(default_factory=dict)  # placeholder -> [source, table]
    unknown: set[str] = field(default_factory=set)
    vars: set[str] = field(default_factory=set)
    star_except: dict[str, list[str]] = field(default_factory=dict)  # placeholder -> excluded columns
    snapshot: str | None = None
    lines: dict[str, set[int]] = field(default_factory=dict)  # placeholder -> template lines calling it


class Relation(str):
    """A placeholder relation that also answers dbt Relation attributes used in templates."""

    @property
    def identifier(self) -> str:
        return str(self)

    name = table = identifier

    @property
    def schema(self) -> str:
        return "public"

    database = schema


class _Opaque:
    """Anything unknown: callable, attribute-chainable, iterable (empty), renders as NULL."""

    def __init__(self, name: str, sink: Rendering) -> None:
        self._name, self._sink = name, sink

    def __call__(self, *args: Any, **kwargs: Any) -> _Opaque:
        self._sink.unknown.add(self._name)
        return self

    def __getattr__(self, attr: str) -> _Opaque:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Opaque(f"{self._name}.{attr}", self._sink)

    def __str__(self) -> str:
        self._sink.unknown.add(self._name)
        return NEUTRAL

    def __iter__(self):
        return iter(())

    def __bool__(self) -> bool:
        return False


def _undefined_class(sink: Rendering) -> type[ChainableUndefined]:
    class Unknown(ChainableUndefined):
        __slots__ = ()

        def __str__(self) -> str:
            sink.unknown.add(self._undefined_name or "?")
            return NEUTRAL

        def __call__(self, *args: Any, **kwargs: Any) -> Unknown:  # type: ignore[override]
            sink.unknown.add(self._undefined_name or "?")
            return self

    return Unknown


def _plain(value: Any, depth: int = 0) -> Any:
    """A config value as data: `config(materialized=ref)` passes a callable, which no fact can
    hold; what is not a string, number, boolean, None, list or dict becomes None."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if depth > 20:
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item, depth + 1) for key, item in value.items()}
    return None


class _Config:
    """`{{ config(...) }}` records its arguments; `config.get()` answers from them."""

    def __init__(self, sink: Rendering) -> None:
        self._sink = sink

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        for arg in args:
            if isinstance(arg, dict):
                self._sink.config.update({str(key): _plain(value) for key, value in arg.items()})
        self._sink.config.update({key: _plain(value) for key, value in kwargs.items()})
        return ""

    def get(self, key: str, default: Any = None) -> Any:
        return self._sink.config.get(key, default)

    require = get


class _DbtUtils:
    """The dbt_utils macros that shape a model's columns; the rest are opaque."""

    def __init__(self, sink: Rendering) -> None:
        self._sink = sink

    def __getattr__(self, attr: str) -> _Opaque:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Opaque(f"dbt_utils.{attr}", self._sink)

    def star(self, from_: Any = None, except_: Any = (), relation_alias: Any = None, *args: Any, **kwargs: Any) -> str:
        relation = kwargs.get("from", from_)
        excluded = kwargs.get("except", except_) or []
        if relation is not None and isinstance(excluded, (list, tuple)) and excluded:
            self._sink.star_except[str(relation)] = [str(c) for c in excluded]
        # A bare `*` is right for `select {{ star(ref('x')) }} from {{ ref('x') }}`; naming the
        # relation would not resolve once the query aliases it.
        alias = kwargs.get("relation_alias", relation_alias)
        return f"{alias}.*" if alias else "*"

    def generate_surrogate_key(self, field_list: Any = (), *args: Any) -> str:
        fields = list(field_list) if isinstance(field_list, (list, tuple)) else [field_list, *args]
        return f"md5(concat({', '.join(str(f) for f in fields)}))" if fields else NEUTRAL

    surrogate_key = generate_surrogate_key


class _Target:
    name = "dev"
    schema = "public"
    database = ""
    profile_name = "default"
    threads = 1

    def __init__(self, dialect: str) -> None:
        self.type = dialect


def render_model(text: str, *, incremental: bool, dialect: str = "postgres", project_vars: dict[str, Any] | None = None) -> Rendering:
    """Render `text` once. Raises jinja2's errors (TemplateSyntaxError and the like) for the
    caller to report; everything unknown renders as NULL instead of failing."""
    sink = Rendering()

    def snapshot_tag(match: re.Match[str]) -> str:
        if match.group(1):
            sink.snapshot = match.group(1)
        return ""

    text = _SNAPSHOT_TAG.sub(snapshot_tag, text)

    def called_at(placeholder: str) -> None:
        line = _template_line(template)
        if line is not None:
            sink.lines.setdefault(placeholder, set()).add(line)

    def ref(*args: Any, **kwargs: Any) -> Relation:
        name = str(args[-1]) if args else str(kwargs.get("model_name", kwargs.get("name", "")))
        placeholder = ref_placeholder(name)
        sink.refs[placeholder] = name
        called_at(placeholder)
        return Relation(placeholder)

    def source(source_name: Any, table_name: Any) -> Relation:
        placeholder = source_placeholder(str(source_name), str(table_name))
        sink.sources[placeholder] = [str(source_name), str(table_name)]
        called_at(placeholder)
        return Relation(placeholder)

    def var(name: Any, default: Any = None) -> Any:
        sink.vars.add(str(name))
        if project_vars and str(name) in project_vars:  # dbt_project.yml wins over the inline default
            return project_vars[str(name)]
        return NEUTRAL if default is None else default

    def env_var(name: Any, default: Any = "") -> Any:
        return default

    env = SandboxedEnvironment(undefined=_undefined_class(sink), keep_trailing_newline=True)
    env.globals.update(
        ref=ref,
        source=source,
        var=var,
        env_var=env_var,
        config=_Config(sink),
        this=Relation(THIS),
        is_incremental=lambda: incremental,
        should_full_refresh=lambda: not incremental,
        dbt_utils=_DbtUtils(sink),
        target=_Target(dialect),
        execute=False,
        log=lambda *a, **k: "",
        print=lambda *a, **k: "",
        return_=lambda value: value,
    )
    template = env.from_string(text)
    sink.sql = template.render()
    if THIS in sink.sql:  # a global, never called: its mentions in `{{ }}` are its lines
        sink.lines[THIS] = {text.count("\n", 0, m.start()) + 1 for m in _THIS_IN_EXPRESSION.finditer(text)}
    return sink


def _template_line(template: Template) -> int | None:
    """The template line of the call being made: rendered lines are not file lines (blocks
    collapse), but jinja2 maps the compiled template's code lines back to the source's."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == "<template>":
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None
