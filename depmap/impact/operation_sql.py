"""One schema operation in words and in SQL, whoever wrote it (SQL, Alembic, Django).

Messages name the operation the way the user wrote it ("CREATE INDEX order_total_idx ON
shop_order (total)", "AddIndex order_total_idx"), and fixes give the statements to run instead,
with the user's own names.
"""

from __future__ import annotations

from depmap.model import Fact

_KINDS = {"foreign_key": "FOREIGN KEY", "check": "CHECK", "unique": "UNIQUE", "primary_key": "PRIMARY KEY", "exclude": "EXCLUDE"}


def columns_sql(fact: Fact) -> str:
    return ", ".join(fact.columns)


def constraint_name(fact: Fact) -> str:
    """The constraint's or index's name, or the name PostgreSQL would give it."""
    name = fact.extra.get("name")
    if name:
        return name
    suffix = {"foreign_key": "fkey", "check": "check", "unique": "key", "primary_key": "pkey"}.get(fact.extra.get("constraint") or "", "idx")
    return "_".join([fact.table, *fact.columns[:3], suffix]) if fact.columns else f"{fact.table}_{suffix}"


def constraint_body(fact: Fact) -> str:
    """`FOREIGN KEY (customer_id) REFERENCES customers (id)`, `CHECK (total >= 0)`, `UNIQUE (email)`."""
    kind = fact.extra.get("constraint") or ""
    if kind == "check":
        return f"CHECK ({fact.extra.get('check') or '...'})"
    if kind == "foreign_key":
        target = fact.extra.get("references") or {}
        columns = ", ".join(target.get("columns") or []) or "id"
        return f"FOREIGN KEY ({columns_sql(fact)}) REFERENCES {target.get('table') or '...'} ({columns})"
    return f"{_KINDS.get(kind, kind.upper())} ({columns_sql(fact)})"


def described(fact: Fact, *, opening: bool = False) -> str:
    """The operation in a few words, as its source names it when that is not SQL; capitalised
    when it opens a sentence."""
    name = fact.extra.get("name")
    kind = fact.extra.get("constraint")
    label = {
        "create_index": f"{'unique ' if fact.extra.get('unique') else ''}index {name or ''} on {fact.table} ({columns_sql(fact)})",
        "drop_index": f"dropping index {name or ''}",
        "add_constraint": f"{_KINDS.get(kind or '', 'constraint')} constraint {name or ''} on {fact.table}",
        "alter_column": f"{fact.table}.{columns_sql(fact)} {str(fact.extra.get('change') or '').upper()}",
        "drop_column": f"dropping {fact.table}.{columns_sql(fact)}",
        "rename_column": f"renaming {fact.table}.{columns_sql(fact)} to {fact.extra.get('new_name') or '...'}",
    }.get(fact.detail or "", fact.detail or "operation")
    label = " ".join(label.split())
    operation = fact.extra.get("operation")
    if operation and str(operation).startswith(("op.", "batch_op.")):
        label = f"{operation}() ({label})"
    elif operation and not str(operation).islower():
        label = f"{operation} ({label})"
    return label[:1].upper() + label[1:] if opening else label


def sqlite_refuses_constraint(fact: Fact) -> str:
    """Why an ADD CONSTRAINT stops a SQLite migration (lang_altertable: no such form)."""
    return f"SQLite has no ALTER TABLE ... ADD CONSTRAINT: adding {described(fact)} fails and the migration stops."


def index_sql(fact: Fact, *, concurrently: bool) -> str:
    unique = "UNIQUE " if fact.extra.get("unique") else ""
    where = f" WHERE {fact.extra['where']}" if fact.extra.get("where") else ""
    how = "CONCURRENTLY " if concurrently else ""
    return f"CREATE {unique}INDEX {how}{constraint_name(fact)} ON {fact.table} ({columns_sql(fact)}){where}"
