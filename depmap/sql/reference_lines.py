"""Where a statement names each table and column it touches, so a usage points at its own line.

A 30-line query that joins `payments` on its 22nd line is a usage of `payments` at that line, not
at the `WITH` that opens the statement: reports, code-scanning annotations and reviewers look for
the name. sqlglot keeps each identifier's token line in `meta`; this module reads them back from
the parsed statement and places every observation:

- `line`: the first line naming the table, the statement's target (INSERT INTO, UPDATE, DELETE,
  MERGE, CREATE, ALTER) for writes and schema changes, another naming for reads when there is one
  (`INSERT INTO t SELECT ... FROM t` reads at its FROM);
- `extra["lines"]`: every line naming the table, when there are several (one usage per statement
  and table keeps precision simple; every naming stays findable);
- `extra["column_lines"]`: the line naming each column, for columns named on another line than the
  usage's: its first reference qualified by the table's name or alias (`i.due_on`), else its first
  unqualified reference, else its first reference of any qualifier. Unqualified names are not
  resolved here, so in a self-join the first `id` may be the other table's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlglot import exp

from depmap.model import ACCESS, COLUMN_DEF, READ
from depmap.sql.names import identifier
from depmap.sql.types import Observation

# Statement kinds whose `this` is the table they change.
_TARGETED = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Alter, exp.Copy)


def place_observations(
    statement: exp.Expression,
    observations: Iterable[Observation],
    table_of: Callable[[exp.Table], str | None],
    line_base: int = 0,
) -> list[Observation]:
    """`observations` with their naming lines; `line_base` is added to token lines (a statement
    parsed from its own text counts lines from 1, one parsed from the whole text's tokens does not)."""
    namings: dict[str, list[int]] = {}
    targets: dict[str, list[int]] = {}
    aliases: dict[str, str] = {}
    target_nodes = {id(node) for node in _target_tables(statement)}  # identity: tree nodes compare by value
    for node in statement.find_all(exp.Table):
        line = _line(node.this, line_base)
        name = table_of(node)
        if name:
            aliases[node.alias_or_name.lower()] = name
        if name and line:
            namings.setdefault(name, []).append(line)  # type: ignore[arg-type]
            if id(node) in target_nodes:
                targets.setdefault(name, []).append(line)  # type: ignore[arg-type]
    observations = list(observations)
    # Walked only when an observation needs them: most statements define no column.
    columns = _column_lines(statement, line_base, aliases) if any(o.kind == ACCESS and o.columns for o in observations) else {}
    definitions = _definition_lines(statement, line_base) if any(o.kind == COLUMN_DEF for o in observations) else {}
    placed = []
    for observation in observations:
        lines = sorted(set(namings.get(observation.table, ())))
        line = _usage_line(observation, lines, sorted(targets.get(observation.table, ())))
        if observation.kind == COLUMN_DEF and len(observation.columns) == 1:
            line = definitions.get(observation.columns[0], line)
        extra = dict(observation.extra)
        if len(lines) > 1:
            extra["lines"] = lines
        if observation.kind == ACCESS:
            named = {c: at for c in observation.columns if (at := _column_line(columns, observation.table, c)) and at != line}
            if named:
                extra["column_lines"] = named
        o = observation  # built whole: `dataclasses.replace` cost more than the rest of this loop
        placed.append(Observation(o.kind, o.table, o.columns, o.access, o.detail, o.confidence, extra, line))
    return placed


def _usage_line(observation: Observation, lines: list[int], targets: list[int]) -> int | None:
    if not lines:
        return None
    if observation.access == READ:
        others = [line for line in lines if line not in targets]
        return (others or lines)[0]
    return (targets or lines)[0]


def _target_tables(statement: exp.Expression) -> list[exp.Table]:
    found: list[exp.Table] = []
    if isinstance(statement, _TARGETED):
        target = statement.this
        if isinstance(target, exp.Schema):
            target = target.this
        if isinstance(target, exp.Table):
            found.append(target)
    if isinstance(statement, exp.Delete):
        found.extend(t for t in statement.args.get("tables") or [] if isinstance(t, exp.Table))
    if isinstance(statement, exp.TruncateTable):
        found.extend(t for t in statement.expressions if isinstance(t, exp.Table))
    return found


ColumnLines = dict[tuple[str | None, str], list[int]]


def _column_lines(statement: exp.Expression, line_base: int, aliases: dict[str, str]) -> ColumnLines:
    """Lines of the identifiers that can name a column, keyed by (table or None, name)."""
    found: dict[tuple[str | None, str], set[int]] = {}
    for node in statement.find_all(exp.Identifier):
        parent = node.parent
        if isinstance(parent, (exp.Table, exp.TableAlias)) or (isinstance(parent, exp.Column) and node is not parent.this):
            continue  # a table, an alias, or the qualifier of a column
        line = _line(node, line_base)
        if line:
            qualifier = parent.table.lower() if isinstance(parent, exp.Column) and parent.table else ""
            found.setdefault((aliases.get(qualifier, qualifier) or None, identifier(node)), set()).add(line)
    return {key: sorted(lines) for key, lines in found.items()}


def _column_line(columns: ColumnLines, table: str, column: str) -> int | None:
    lines = columns.get((table, column)) or columns.get((None, column))
    if not lines:
        lines = sorted({at for (_, name), ats in columns.items() if name == column for at in ats})
    return lines[0] if lines else None


def _definition_lines(statement: exp.Expression, line_base: int) -> dict[str, int]:
    """The line of each column definition (CREATE TABLE, ALTER TABLE ADD COLUMN)."""
    found: dict[str, int] = {}
    for node in statement.find_all(exp.ColumnDef):
        line = _line(node.this, line_base)
        if line:
            found.setdefault(identifier(node.this), line)
    return found


def _line(node: exp.Expression | None, line_base: int) -> int | None:
    meta = getattr(node, "_meta", None)  # reading `.meta` would create an empty dict on every node
    line = meta.get("line") if meta else None
    return line + line_base if isinstance(line, int) and line > 0 else None
