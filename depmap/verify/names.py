"""How verify writes a catalog table's name in SQL.

The catalog names a table in another schema `billing.invoices`; quoted whole, PostgreSQL would read
that as one table called "billing.invoices" in `public`. Each part is quoted on its own instead.
"""

from __future__ import annotations


def quoted(name: str) -> str:
    """One identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def table_sql(name: str) -> str:
    """A catalog table name as SQL: `"billing"."invoices"` for a schema-qualified one."""
    return ".".join(quoted(part) for part in name.split(".", 1)) if "." in name else quoted(name)


def schema_of(name: str) -> str | None:
    """The schema a catalog table name gives (`billing` of `billing.invoices`), or None."""
    return name.split(".", 1)[0] if "." in name else None
