"""Neutralise bind parameters and template holes so that sqlglot can parse the SQL around them.

Every hole becomes an identifier (`__depmap_hole_N`): in a value position it parses as a column
reference that the extractor ignores, in a table position (`FROM {table}`) as a table name that
no table can match, so it is dropped: a dynamic table name cannot be attributed statically. Line structure is preserved exactly, so statement lines stay true.

>>> neutralise("SELECT * FROM t WHERE a = %s AND b = :b").text
'SELECT * FROM t WHERE a = __depmap_hole_1 AND b = __depmap_hole_2'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HOLE_PREFIX = "__depmap_hole_"
_ANY_HOLE = re.compile(rf"{HOLE_PREFIX}(\w+)")

# Order matters: template blocks first (they may contain anything), then driver placeholders.
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_JINJA_STATEMENT = re.compile(r"\{%-?.*?-?%\}", re.S)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_PLACEHOLDER = re.compile(
    r"""
      %\([A-Za-z_][A-Za-z0-9_]*\)s     # pyformat: %(name)s
    | %s                                # format: %s
    | (?<![:\w]):[A-Za-z_][A-Za-z0-9_]*  # named: :name (not a ::cast)
    | \$\d+                             # numeric: $1
    | \{[A-Za-z0-9_.\[\]'"!:]*\}        # str.format / f-string hole: {}, {0}, {name}, {obj.attr}
    | (?<![?\w])\?(?![?|&\w]|\s*')     # qmark: ? (not a JSON operator: `data ? 'key'`)
    """,
    re.X,
)


@dataclass(frozen=True)
class Neutralised:
    text: str
    holes: int  # how many placeholders or template expressions were replaced
    # 1-based lines where a `{% ... %}` tag stood: templates often hold one whole statement per
    # `{% if %}` branch, so these are where a failed statement may be cut and retried.
    tag_lines: tuple[int, ...] = ()
    originals: tuple[str, ...] = ()  # what hole N replaced, at N - 1 (`%s`, `:name`, `{{ var("x") }}`)

    def restore(self, message: str) -> str:
        """`message` (a parser's error about the neutralised text) as the user wrote the SQL: each
        hole back to its placeholder, a hole of no known placeholder to `…`. Internal names never
        reach a report."""

        def original(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.isdigit() and 0 < int(key) <= len(self.originals):
                return " ".join(self.originals[int(key) - 1].split())
            return "…"

        return _ANY_HOLE.sub(original, message) if HOLE_PREFIX in message else message


def _blank(match: re.Match[str]) -> str:
    """Template statements and comments vanish but keep their newlines."""
    return "\n" * match.group(0).count("\n")


def neutralise(sql: str) -> Neutralised:
    counter = 0
    originals: list[str] = []

    def hole(match: re.Match[str]) -> str:
        nonlocal counter
        counter += 1
        originals.append(match.group(0))
        return f"{HOLE_PREFIX}{counter}" + "\n" * match.group(0).count("\n")

    text = _JINJA_COMMENT.sub(_blank, sql)
    tag_lines = tuple(text.count("\n", 0, m.start()) + 1 for m in _JINJA_STATEMENT.finditer(text))
    text = _JINJA_STATEMENT.sub(_blank, text)
    text = _JINJA_EXPRESSION.sub(hole, text)
    text = text.replace("%%", "%")
    text = _PLACEHOLDER.sub(hole, text)
    return Neutralised(text=text, holes=counter, tag_lines=tag_lines, originals=tuple(originals))


def is_hole(name: str) -> bool:
    return HOLE_PREFIX in name
