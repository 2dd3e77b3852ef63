"""Place the SQL engine's statement results in a file: the one bridge from observations to Facts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Iterable

from depmap.model import FLOW, Fact, Location, weaker
from depmap.sql.types import StatementResult

SNIPPET_LIMIT = 160


def snippet_of(text: str) -> str:
    """The statement on one line, comments dropped, trimmed for listings."""
    lines = [raw.split("--", 1)[0] if raw.lstrip().startswith("--") else raw for raw in text.splitlines()]
    line = " ".join(" ".join(lines).split())
    return line if len(line) <= SNIPPET_LIMIT else line[: SNIPPET_LIMIT - 1] + "…"


def to_facts(
    results: Iterable[StatementResult],
    *,
    path: str,
    line_of: Callable[[int], int] = lambda line: line,
    symbol: str | None = None,
    via: str = "sql",
    confidence: str = "high",
    extra: dict[str, Any] | None = None,
) -> list[Fact]:
    """Turn statement results into Facts: each usage at the line naming its table, each flow
    (data moving through the whole statement) at the statement's first line.

    `line_of` maps a 1-based line of the analysed text to the line in the file (SQL embedded in
    Python starts mid-file, and implicitly concatenated literals may skip lines). `confidence`
    caps every observation: SQL not seen reaching a database call is itself a guess.
    """
    facts: list[Fact] = []
    for result in results:
        start, end = line_of(result.line), line_of(result.end_line)
        statement = Location(path=path, line=start, end_line=end, symbol=symbol)
        snippet = snippet_of(result.text)
        for obs in result.observations:
            merged = _file_lines(dict(obs.extra), line_of)
            if extra:
                merged.update(extra)
            location = statement
            routine = obs.extra.get("routine")
            if isinstance(routine, str) and routine:  # a statement of a function body: named after the function
                location = replace(statement, symbol=routine)
            if obs.kind != FLOW and obs.line is not None and (line := line_of(obs.line)) != start:
                location = Location(path=path, line=line, end_line=max(end, line), symbol=location.symbol, statement_line=start)
            if result.kind == "unparsed" and result.error:
                merged.setdefault("error", result.error)
            facts.append(
                Fact(
                    kind=obs.kind,
                    table=obs.table,
                    location=location,
                    columns=obs.columns,
                    access=obs.access,
                    detail=obs.detail,
                    via=via,
                    confidence=weaker(obs.confidence, confidence),
                    snippet=snippet,
                    extra=merged,
                )
            )
    return facts


def _file_lines(extra: dict[str, Any], line_of: Callable[[int], int]) -> dict[str, Any]:
    """The naming lines of `reference_lines` moved from the analysed text to the file."""
    if "lines" in extra:
        extra["lines"] = sorted({line_of(line) for line in extra["lines"]})
        if len(extra["lines"]) < 2:
            del extra["lines"]
    if "column_lines" in extra:
        extra["column_lines"] = {name: line_of(line) for name, line in extra["column_lines"].items()}
    return extra
