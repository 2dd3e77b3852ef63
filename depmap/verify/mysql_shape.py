"""What a table on a MariaDB/MySQL server is, asked of information_schema (see `table_shape`).

MariaDB stores JSON as LONGTEXT with a `json_valid(column)` CHECK: such a column is given the type
`json` here (so the fill writes JSON) and that CHECK is left to the engine, which it then passes.
"""

from __future__ import annotations

import re
from typing import Any

from depmap.verify.table_shape import CheckShape, ColumnShape, ForeignKeyShape, TableShape

_COLUMNS = """
SELECT column_name, column_type, is_nullable = 'NO', extra LIKE '%%auto_increment%%',
       extra LIKE '%%GENERATED%%' OR extra LIKE '%%VIRTUAL%%' OR extra LIKE '%%STORED%%' OR extra LIKE '%%PERSISTENT%%'
FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s ORDER BY ordinal_position
"""
_UNIQUE = """
SELECT index_name, column_name FROM information_schema.statistics
WHERE table_schema = DATABASE() AND table_name = %s AND non_unique = 0 AND sub_part IS NULL
ORDER BY index_name <> 'PRIMARY', index_name, seq_in_index
"""
_FOREIGN_KEYS = """
SELECT constraint_name, column_name, referenced_table_name, referenced_column_name
FROM information_schema.key_column_usage
WHERE table_schema = DATABASE() AND table_name = %s AND referenced_table_name IS NOT NULL
ORDER BY constraint_name, ordinal_position
"""
_CHECKS = """
SELECT c.constraint_name, c.check_clause FROM information_schema.check_constraints c
JOIN information_schema.table_constraints t
  ON t.constraint_schema = c.constraint_schema AND t.constraint_name = c.constraint_name AND t.constraint_type = 'CHECK'
WHERE c.constraint_schema = DATABASE() AND t.table_name = %s ORDER BY c.constraint_name
"""
_JSON_VALID = re.compile(r"^\s*json_valid\(\s*[`\"]?(\w+)[`\"]?\s*\)\s*$", re.I)
_ENUM = re.compile(r"^enum\((.*)\)$", re.I | re.S)


def mysql_shape(connection: Any, table: str) -> TableShape | None:
    rows = connection.execute(_COLUMNS, (table,)).fetchall()
    if not rows:
        return None
    shape = TableShape(table)
    checks = []
    json_columns = set()
    for name, clause in _distinct(connection.execute(_CHECKS, (table,)).fetchall()):
        json = _JSON_VALID.match(clause)
        if json:
            json_columns.add(json.group(1))
        else:
            checks.append(CheckShape(name, _backticked(clause)))
    for name, type_, not_null, auto, generated in rows:
        type_ = "json" if name in json_columns else str(type_)
        shape.columns.append(ColumnShape(name, type_, bool(not_null), bool(auto), generated=bool(generated),
                                         labels=_labels(type_)))
    unique: dict[str, list[str]] = {}
    for index, column in connection.execute(_UNIQUE, (table,)).fetchall():
        unique.setdefault(index, []).append(column)
    shape.unique_sets.extend(tuple(columns) for columns in unique.values())
    keys: dict[str, list[tuple[str, str, str]]] = {}
    for name, column, parent, parent_column in connection.execute(_FOREIGN_KEYS, (table,)).fetchall():
        keys.setdefault(name, []).append((column, parent, parent_column))
    for parts in keys.values():
        shape.foreign_keys.append(ForeignKeyShape(tuple(p[0] for p in parts), parts[0][1], tuple(p[2] for p in parts)))
    shape.checks.extend(checks)
    return shape


def _backticked(clause: str) -> str:
    """A session with ANSI_QUOTES (the fill's) reads identifiers back in double quotes, which
    MySQL's own parser takes for strings: write them in backticks again."""
    return re.sub(r'"((?:[^"]|"")*)"', lambda m: "`" + m.group(1).replace('""', '"') + "`", clause)


def _distinct(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys((str(name), str(clause)) for name, clause in rows))


def _labels(column_type: str) -> tuple[str, ...]:
    """`enum('web','phone')` -> ('web', 'phone')."""
    match = _ENUM.match(column_type.strip())
    if not match:
        return ()
    return tuple(value.replace("''", "'") for value in re.findall(r"'((?:[^']|'')*)'", match.group(1)))
