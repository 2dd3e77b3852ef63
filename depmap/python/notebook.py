"""Jupyter notebooks: their code cells as one Python text, their SQL cells apart, every line
mapped back to the notebook file.

A notebook is JSON; its cells' `source` lines are JSON strings, one per line of the file as
Jupyter writes them (`"source": [` then one string per line). A fact found in the joined Python
points at the notebook file's own line for that source line (what an editor opens), and says
which cell and which line of the cell (`extra["cell"]`, `extra["cell_line"]`, 1-based), which is
how a reader finds it in Jupyter.

IPython syntax is kept out of the Python: a line magic (`%time`, `!pip install`) becomes an empty
line; `%sql SELECT ...` and a `%%sql` (or `%%bigquery`) cell are SQL, returned as `SqlPiece`s.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from depmap.model import Fact

_SOURCE_KEY = re.compile(r'^\s*"source"\s*:\s*(\[)?', re.M)
_CELL_SQL = re.compile(r"^%%(?:sql|bigquery|spark\.sql|snowflake)\b[^\n]*\n?", re.I)
_LINE_SQL = re.compile(r"^(\s*)%sql\s+(?:\S+://\S+\s+)?(?P<sql>.*)$", re.I)
_MAGIC = re.compile(r"^\s*[%!]")


@dataclass(frozen=True)
class Cell:
    index: int  # 1-based, counting every cell (markdown included) as Jupyter shows them
    kind: str
    lines: tuple[str, ...]
    file_lines: tuple[int, ...]  # the notebook file's line of each source line


@dataclass(frozen=True)
class SqlPiece:
    text: str
    cell: int
    lines: tuple[int, ...]  # file line of each line of text
    cell_lines: tuple[int, ...]


@dataclass
class Notebook:
    python: str = ""
    file_line: list[int] = field(default_factory=list)  # python line (1-based) -> file line
    cell_of: list[tuple[int, int]] = field(default_factory=list)  # python line -> (cell, cell line)
    sql: list[SqlPiece] = field(default_factory=list)


def read_notebook(text: str) -> Notebook:
    """The notebook's Python and SQL; raises ValueError when the text is not a notebook."""
    cells = notebook_cells(text)
    notebook = Notebook()
    python_lines: list[str] = []
    for cell in cells:
        if cell.kind != "code" or not cell.lines:
            continue
        source = "".join(cell.lines)
        if match := _CELL_SQL.match(source):
            skip = source[: match.end()].count("\n")
            body = cell.lines[skip:]
            notebook.sql.append(SqlPiece("".join(body), cell.index, cell.file_lines[skip:], tuple(range(skip + 1, len(cell.lines) + 1))))
            continue
        for number, (line, file_line) in enumerate(zip(cell.lines, cell.file_lines), start=1):
            content = line.rstrip("\n")
            if sql := _LINE_SQL.match(content):
                notebook.sql.append(SqlPiece(sql.group("sql"), cell.index, (file_line,), (number,)))
                content = ""
            elif _MAGIC.match(content):
                content = ""
            python_lines.append(content)
            notebook.file_line.append(file_line)
            notebook.cell_of.append((cell.index, number))
    notebook.python = "\n".join(python_lines) + "\n"
    return notebook


def notebook_cells(text: str) -> list[Cell]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not a notebook: invalid JSON at line {error.lineno}") from error
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook: no `cells` list")
    keys = list(_SOURCE_KEY.finditer(text))
    found: list[Cell] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", [])
        lines = source if isinstance(source, list) else str(source).splitlines(keepends=True)
        lines = [str(line) for line in lines]
        file_lines = _file_lines(text, keys[index] if index < len(keys) else None, lines, isinstance(source, list))
        found.append(Cell(index + 1, str(cell.get("cell_type", "")), tuple(lines), file_lines))
    return found


def _file_lines(text: str, key: re.Match[str] | None, lines: list[str], listed: bool) -> tuple[int, ...]:
    """Jupyter writes one source string per file line after `"source": [`; anything else (one
    string, a minified file) puts every line at the key's line."""
    if key is None:
        return tuple(1 for _ in lines)
    at = text.count("\n", 0, key.start()) + 1
    if listed and key.group(1) and text[key.end() :].lstrip(" \t").startswith("\n"):
        return tuple(at + offset for offset in range(1, len(lines) + 1))
    return tuple(at for _ in lines)


def relocate(fact: Fact, notebook: Notebook) -> Fact:
    """A fact of the joined Python (or of a SQL piece, already on file lines) on the notebook file."""
    location = fact.location
    if not notebook.file_line:
        return fact

    def moved(line: int | None) -> int | None:
        if line is None:
            return None
        return notebook.file_line[min(max(line, 1), len(notebook.file_line)) - 1]

    cell, cell_line = notebook.cell_of[min(max(location.line, 1), len(notebook.cell_of)) - 1]
    extra = {**fact.extra, "cell": cell, "cell_line": cell_line}
    if "lines" in extra:
        extra["lines"] = sorted({moved(line) for line in extra["lines"]})
    if "column_lines" in extra:
        extra["column_lines"] = {name: moved(line) for name, line in extra["column_lines"].items()}
    line = moved(location.line) or 1
    new = replace(location, line=line, end_line=max(moved(location.end_line) or line, line), statement_line=moved(location.statement_line))
    return replace(fact, location=new, extra=extra)
