"""What the SQL engine returns: per statement, observations without a file location.

The engine knows nothing about files; scanners place its results with `to_facts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from depmap.model import HIGH

# A view of known tables: normalised table name -> normalised column names.
Schema = Mapping[str, "frozenset[str] | set[str]"]


@dataclass(frozen=True)
class Observation:
    """One table touched by one statement (a Fact minus location, via and snippet).

    `line` is the line of the analysed text where the statement names the table (None when
    unknown: the statement's first line stands for it).
    """

    kind: str
    table: str
    columns: tuple[str, ...] = ()
    access: str | None = None
    detail: str | None = None
    confidence: str = HIGH
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    line: int | None = None


@dataclass(frozen=True)
class StatementResult:
    """One statement of an analysed text.

    `line`/`end_line` are 1-based within the analysed text. `kind` is the statement family
    (select, insert, update, delete, merge, copy, truncate, create_table, create_table_as,
    create_view, create_index, alter_table, drop_table, other) or "unparsed".
    """

    line: int
    end_line: int
    kind: str
    text: str
    observations: tuple[Observation, ...] = ()
    error: str | None = None
