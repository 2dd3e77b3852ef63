"""The repository being generated: its files, its tables, and how many lines each layer has."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from synth.names import COMPANIES, Namer
from synth.schema import Table

# The layers of the summary, in the order it prints them.
KINDS: tuple[str, ...] = ("django", "sqlalchemy", "raw_sql", "sql_migrations", "dbt", "airflow", "plain", "config")


@dataclass
class Repo:
    """Everything generated so far; every layer's unit adds to it through the one seeded `rng`."""

    rng: random.Random
    namer: Namer
    company: str  # the top-level package of the plain application code
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (kind, text)
    tables: list[Table] = field(default_factory=list)
    views: list[str] = field(default_factory=list)  # SQL views created by the migrations
    lines: Counter[str] = field(default_factory=Counter)  # kind -> lines written
    django_apps: list[str] = field(default_factory=list)
    plain_helpers: list[tuple[str, str]] = field(default_factory=list)  # (module, function) taking one str
    state: dict[str, Any] = field(default_factory=dict)  # per-layer bookkeeping between units

    @classmethod
    def start(cls, seed: int) -> Repo:
        rng = random.Random(seed)
        return cls(rng=rng, namer=Namer(rng), company=rng.choice(COMPANIES))

    def add(self, path: str, kind: str, text: str) -> None:
        """Record a file; `text` ends with a newline unless it is empty."""
        if path in self.files:
            raise ValueError(f"generated twice: {path}")
        self.files[path] = (kind, text)
        self.lines[kind] += text.count("\n")

    @property
    def total_lines(self) -> int:
        return sum(self.lines.values())

    def tables_of(self, layer: str) -> list[Table]:
        return [t for t in self.tables if t.layer == layer]


def render(lines: list[str]) -> str:
    """Source lines as file text: no trailing blank lines, one final newline."""
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def docstring(text: str, indent: str = "") -> list[str]:
    """A docstring, wrapped at about 96 columns."""
    words, rows, row = text.split(), [], ""
    width = 92 - len(indent)
    for word in words:
        if row and len(row) + 1 + len(word) > width:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}" if row else word
    rows.append(row)
    if len(rows) == 1:
        return [f'{indent}"""{rows[0]}"""']
    return [f'{indent}"""{rows[0]}', *(f"{indent}{r}" for r in rows[1:]), f'{indent}"""']


def defined_name(lines: list[str]) -> str:
    """The name a generated definition binds (`def name(` or `class Name`), to skip repeats."""
    for line in lines:
        for keyword in ("def ", "class "):
            if line.startswith(keyword):
                return line[len(keyword):].split("(")[0].split(":")[0]
    return lines[0]
