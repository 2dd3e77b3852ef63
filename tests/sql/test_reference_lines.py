"""Each observation at the line where its statement names the table, and each column's first line.

Lines count from the first line of the SQL text given to `analyze_sql`.
"""

from __future__ import annotations

from depmap.sql import analyze_sql


def placed(sql: str, dialect: str = "postgres") -> list[tuple]:
    """(table, access, detail, line, every naming line, column lines) per observation, sorted."""
    found = []
    for result in analyze_sql(sql, dialect):
        for obs in result.observations:
            if obs.kind == "access":
                found.append((obs.table, obs.access, obs.detail, obs.line, obs.extra.get("lines"), obs.extra.get("column_lines")))
    return sorted(found, key=repr)


def test_a_join_thirty_lines_down_is_at_its_own_line():
    sql = "\n".join(
        ["WITH recent AS (", "  SELECT id, customer_id, placed_at", "  FROM orders", "  WHERE placed_at > now() - interval '7 days'", ")"]
        + ["-- filler"] * 16
        + ["SELECT r.id, p.amount_cents", "FROM recent r", "JOIN payments p", "  ON p.order_id = r.id"]
    )
    assert placed(sql) == sorted([
        ("orders", "read", "select", 3, None, {"id": 2, "customer_id": 2, "placed_at": 2}),
        ("payments", "read", "select", 24, None, {"amount_cents": 22, "order_id": 25}),
    ], key=repr)


def test_a_write_sits_at_its_target_and_a_read_of_the_same_table_at_its_from():
    sql = (
        "INSERT INTO orders_archive\n"
        "SELECT *\n"
        "FROM orders\n"
        "WHERE id NOT IN (\n"
        "    SELECT id FROM orders_archive\n"
        ")"
    )
    assert placed(sql) == sorted([
        ("orders", "read", "insert_select_star", 3, None, None),
        ("orders", "read", "select", 3, None, {"id": 4}),
        ("orders_archive", "write", "insert_select_star", 1, [1, 5], None),
        ("orders_archive", "read", "select", 5, [1, 5], {"id": 4}),  # unqualified: the first `id`
    ], key=repr)


def test_an_update_reads_its_from_table_where_it_is_named():
    sql = (
        "UPDATE invoices AS i\n"
        "SET status = 'void',\n"
        "    voided_at = now()\n"
        "FROM accounts AS a\n"
        "WHERE a.id = i.account_id\n"
        "  AND a.closed"
    )
    assert placed(sql) == sorted([
        ("invoices", "write", "update", 1, None, {"status": 2, "voided_at": 3}),
        ("invoices", "read", "update", 1, None, {"account_id": 5}),
        ("accounts", "read", "update", 4, None, {"id": 5, "closed": 6}),
    ], key=repr)


def test_column_definitions_are_at_their_own_lines():
    sql = "CREATE TABLE orders (\n    id bigserial PRIMARY KEY,\n    status text NOT NULL,\n    note text\n);\nALTER TABLE orders\n    ADD COLUMN paid_at timestamptz;"
    defs = [(obs.kind, obs.columns, obs.line) for r in analyze_sql(sql, "postgres") for obs in r.observations if obs.kind in ("table_def", "column_def")]
    assert defs == [
        ("table_def", ("id", "status", "note"), 1),
        ("column_def", ("id",), 2),
        ("column_def", ("status",), 3),
        ("column_def", ("note",), 4),
        ("column_def", ("paid_at",), 7),
    ]


def test_sql_that_does_not_parse_names_its_tables_at_their_lines():
    sql = "SELECT a, b\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nWHERE ((("
    assert placed(sql) == [
        ("customers", "read", "unparsed", 3, None, None),
        ("orders", "read", "unparsed", 2, None, None),
    ]
