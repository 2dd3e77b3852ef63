"""The catalog's tables as MariaDB/MySQL (InnoDB) DDL: what differs from `schema_writer`'s.

- Types in MariaDB/MySQL's words (`column_types`), a numbered column as AUTO_INCREMENT.
- InnoDB cannot key a TEXT or BLOB column without a length: one in a primary key, a unique
  constraint or a foreign key is declared VARCHAR(255) / VARBINARY(255) instead (the generated
  values are far shorter), and a plain index takes the first 255 characters. Each is noted.
- A default that is not a literal is written `DEFAULT (expression)`, the form both accept;
  CURRENT_TIMESTAMP stays bare, as on a DATETIME it must.
- A partial index (`WHERE`) has no MariaDB/MySQL form: left out with a note.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from depmap.catalog import Column, Table
from depmap.schema_objects import FOREIGN_KEY, INDEX, PRIMARY_KEY, UNIQUE
from depmap.verify.column_types import EngineType, engine_type
from depmap.verify.schema_writer import SchemaWriter

KEY_LENGTH = 255
_UNKEYABLE = ("TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "JSON")
_BARE_DEFAULTS = (exp.Literal, exp.Boolean, exp.Null, exp.CurrentTimestamp)


class MySQLWriter(SchemaWriter):
    def column_type(self, table: Table, column: Column) -> EngineType:
        kind = engine_type(column, "mysql", self.dialect)
        base = kind.sql.split("(")[0].strip().upper()
        if base in _UNKEYABLE and column.name in _key_columns(self.catalog, table):
            keyable = "VARBINARY" if "BLOB" in base else "VARCHAR"
            self.notes.append(f"{table.name}.{column.name}: {kind.sql} in a key declared {keyable}({KEY_LENGTH}): InnoDB "
                              "keys no TEXT/BLOB column without a length")
            return replace(kind, sql=f"{keyable}({KEY_LENGTH})")
        return kind

    def _default(self, table: Table, column: Column, kind: EngineType) -> str | None:
        text = super()._default(table, column, kind)
        if text is None:
            return None
        parsed = self._parse(text) if self.dialect == "mysql" else None
        parsed = parsed or self._parse_as(text, "mysql")
        if parsed is None or isinstance(parsed, _BARE_DEFAULTS) or (isinstance(parsed, exp.Neg) and isinstance(parsed.this, exp.Literal)):
            return text
        return f"({text})"

    def _parse_as(self, text: str, dialect: str) -> exp.Expression | None:
        import sqlglot
        from sqlglot.errors import ParseError, TokenError

        try:
            return sqlglot.parse_one(text, read=dialect)
        except (ParseError, TokenError, ValueError):
            return None

    def indexes(self, table: Table) -> list[str]:
        statements = []
        types = {name: engine_type(column, "mysql", self.dialect).sql.split("(")[0].strip().upper()
                 for name, column in table.columns.items()}
        for item in table.objects.of_kind(INDEX):
            name = item.name or f"{table.name}_{'_'.join(item.columns)}_idx"
            if item.expressions:
                self.notes.append(f"{table.name}: index {name} on expressions left out: the catalog keeps its columns only")
                continue
            if item.where:
                self.notes.append(f"{table.name}: partial index {name} left out: MariaDB/MySQL has no index WHERE clause")
                continue
            keyed = set(_key_columns(self.catalog, table))
            parts = [f"{self.q(c)}({KEY_LENGTH})" if types.get(c) in _UNKEYABLE and c not in keyed else self.q(c)
                     for c in item.columns]
            unique = "UNIQUE " if item.unique else ""
            statements.append(f"CREATE {unique}INDEX {self.q(name)} ON {self.table(table.name)} ({', '.join(parts)})")
        return statements


def _key_columns(catalog: object, table: Table) -> set[str]:
    """The table's columns in a primary key, a unique constraint or a foreign key (either end)."""
    keyed = {c for kind in (PRIMARY_KEY, UNIQUE, FOREIGN_KEY) for item in table.objects.of_kind(kind) for c in item.columns}
    keyed |= {c for item in table.objects.of_kind(INDEX) if item.unique for c in item.columns}
    for other in getattr(catalog, "tables", {}).values():
        for item in other.objects.of_kind(FOREIGN_KEY):
            if (item.references or {}).get("table") == table.name:
                keyed |= set((item.references or {}).get("columns") or [])
    return keyed
