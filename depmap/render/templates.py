"""Jinja2 environment over the top-level `templates/` folder (installed as `depmap/templates`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from depmap.render.markdown_escape import FILTERS as MARKDOWN_FILTERS


def templates_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("depmap's templates folder is missing from this installation")


def _dot_id(value: object) -> str:
    """A DOT double-quoted identifier: escape backslashes and quotes."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html", "htm", "xml", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["dot_id"] = _dot_id
    env.filters.update(MARKDOWN_FILTERS)
    return env


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
