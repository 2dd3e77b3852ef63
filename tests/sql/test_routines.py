"""Function, procedure, trigger and DO bodies: every statement inside, at its own line, named
after its routine; PL/pgSQL control flow, variables and INTO targets never taken for tables or
columns; NEW/OLD rows kept apart for the trigger that binds them."""

from __future__ import annotations

from depmap.model import ACCESS, READ, ROUTINE, ROUTINE_CALL, WRITE
from depmap.sql import analyze_sql

TRIGGER_FUNCTION = """\
CREATE OR REPLACE FUNCTION bump_member_count() RETURNS trigger AS $$
DECLARE
  v_total integer;
  v_team  teams%ROWTYPE;
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE teams
       SET member_count = member_count + 1
     WHERE id = NEW.team_id;
  ELSIF EXISTS (SELECT 1 FROM archived_teams a WHERE a.id = OLD.team_id) THEN
    RAISE NOTICE 'team % is archived', OLD.team_id;
  END IF;
  SELECT count(*) INTO STRICT v_total FROM members WHERE team_id = NEW.team_id;
  NEW.updated_at := now();
  FOR v_team IN SELECT * FROM teams WHERE owner_id = v_total LOOP
    PERFORM notify_owner(v_team.id);
  END LOOP;
  WITH moved AS (
      DELETE FROM invitations WHERE team_id = NEW.team_id RETURNING id
  )
  INSERT INTO audit_log (team_id, action) SELECT NEW.team_id, 'join' FROM moved;
  EXECUTE 'UPDATE team_stats SET dirty = true WHERE team_id = $1' USING NEW.team_id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def usages(sql: str, dialect: str = "postgres") -> list[tuple]:
    """(line, kind, table, columns, access, routine or trigger row) of every observation."""
    found = []
    for result in analyze_sql(sql, dialect):
        for o in result.observations:
            if o.kind in (ACCESS, ROUTINE_CALL):
                tag = o.extra.get("trigger_row") or o.extra.get("name") or ""
                found.append((o.line or result.line, o.kind, o.table, tuple(sorted(o.columns)), o.access, o.extra.get("routine"), tag))
    return sorted(found, key=str)


def test_plpgsql_trigger_function_statements_at_their_lines() -> None:
    f = "bump_member_count"
    assert usages(TRIGGER_FUNCTION) == sorted(
        [
            (7, ACCESS, "teams", ("member_count",), WRITE, f, ""),
            (7, ACCESS, "teams", ("id", "member_count"), READ, f, ""),
            (9, ACCESS, "", ("team_id",), READ, f, "new"),
            (10, ACCESS, "archived_teams", ("id",), READ, f, ""),
            (10, ACCESS, "", ("team_id",), READ, f, "old"),
            (13, ACCESS, "members", ("team_id",), READ, f, ""),  # INTO STRICT v_total: a variable, not a table
            (13, ACCESS, "", ("team_id",), READ, f, "new"),
            (14, ACCESS, "", ("updated_at",), WRITE, f, "new"),
            (15, ACCESS, "teams", (), READ, f, ""),  # SELECT *: every column; v_total is no column
            (15, ACCESS, "teams", ("owner_id",), READ, f, ""),
            (16, ROUTINE_CALL, "", (), None, f, "notify_owner"),
            (19, ACCESS, "invitations", (), WRITE, f, ""),
            (19, ACCESS, "invitations", ("id", "team_id"), READ, f, ""),
            (19, ACCESS, "", ("team_id",), READ, f, "new"),
            (21, ACCESS, "audit_log", ("action", "team_id"), WRITE, f, ""),
            (21, ACCESS, "", ("team_id",), READ, f, "new"),
            (22, ACCESS, "team_stats", ("dirty",), WRITE, f, ""),  # EXECUTE of a literal: its SQL
            (22, ACCESS, "team_stats", ("team_id",), READ, f, ""),
        ],
        key=str,
    )


def test_definition_names_the_routine_and_its_kind() -> None:
    definition = analyze_sql(TRIGGER_FUNCTION)[0]
    assert (definition.kind, definition.line, definition.end_line) == ("create_routine", 1, 25)
    (obs,) = definition.observations
    assert obs.kind == ROUTINE
    assert obs.extra == {"name": "bump_member_count", "kind": "function", "language": "plpgsql", "trigger": True, "parameters": []}


def test_dynamic_sql_is_medium_confidence() -> None:
    dynamic = [o for r in analyze_sql(TRIGGER_FUNCTION) for o in r.observations if o.table == "team_stats"]
    assert {o.confidence for o in dynamic} == {"medium"}


def test_sql_function_parameters_are_not_columns() -> None:
    sql = """\
CREATE FUNCTION account_balance(p_account bigint, acc accounts) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$
        SELECT coalesce(sum(amount), 0)
          FROM ledger
         WHERE account_id = p_account OR account_id = acc.id;
    $$;
"""
    assert usages(sql) == [
        (1, ACCESS, "accounts", (), READ, None, ""),  # `acc accounts`: a whole row of accounts (kept if it is a table)
        (5, ACCESS, "ledger", ("account_id", "amount"), READ, "account_balance", ""),
    ]
    assert analyze_sql(sql)[0].observations[0].extra["parameters"] == ["p_account", "acc"]


def test_quoted_body_and_return_query() -> None:
    sql = (
        "CREATE FUNCTION open_orders(p_customer int) RETURNS SETOF orders AS '\n"
        "BEGIN\n"
        "  RETURN QUERY SELECT * FROM orders WHERE customer_id = p_customer AND status = ''open'';\n"
        "END;\n"
        "' LANGUAGE plpgsql;"
    )
    assert usages(sql) == sorted(
        [(3, ACCESS, "orders", (), READ, "open_orders", ""), (3, ACCESS, "orders", ("customer_id", "status"), READ, "open_orders", "")], key=str
    )


def test_do_block_runs_where_it_is_written() -> None:
    sql = "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM accounts WHERE status IS NULL) THEN\n    UPDATE accounts SET status = 'active';\n  END IF;\nEND $$;"
    assert usages(sql) == [
        (3, ACCESS, "accounts", ("status",), READ, None, ""),
        (4, ACCESS, "accounts", ("status",), WRITE, None, ""),
    ]


def test_mysql_trigger_body_knows_its_table() -> None:
    sql = """\
DELIMITER $$
CREATE TRIGGER orders_total AFTER INSERT ON order_items
FOR EACH ROW
BEGIN
  DECLARE v_sum DECIMAL(10, 2) DEFAULT 0;
  SELECT SUM(price) INTO v_sum FROM order_items WHERE order_id = NEW.order_id;
  UPDATE orders SET total = v_sum WHERE id = NEW.order_id;
  SET NEW.line_total = NEW.price * NEW.quantity;
END$$
DELIMITER ;
"""
    found = usages(sql, "mysql")
    assert (6, ACCESS, "order_items", ("order_id", "price"), READ, "orders_total", "") in found
    assert (7, ACCESS, "orders", ("total",), WRITE, "orders_total", "") in found
    assert (8, ACCESS, "order_items", ("line_total",), WRITE, "orders_total", "new") in found
    assert (8, ACCESS, "order_items", ("price",), READ, "orders_total", "new") in found


def test_sqlite_trigger_body_statements() -> None:
    sql = """\
CREATE TRIGGER notes_fts_update AFTER UPDATE ON notes BEGIN
  DELETE FROM notes_fts WHERE rowid = OLD.id;
  INSERT INTO notes_fts (rowid, body) VALUES (NEW.id, NEW.body);
END;
SELECT id FROM notes;
"""
    found = usages(sql, "sqlite")
    assert (2, ACCESS, "notes_fts", (), WRITE, "notes_fts_update", "") in found
    assert (3, ACCESS, "notes_fts", ("body", "rowid"), WRITE, "notes_fts_update", "") in found
    assert (3, ACCESS, "notes", ("id",), READ, "notes_fts_update", "new") in found
    assert (5, ACCESS, "notes", ("id",), READ, None, "") in found


def test_casts_to_a_row_type_read_every_column() -> None:
    casts = [
        (o.line, o.table, o.detail, o.extra["row_type"])
        for r in analyze_sql("SELECT (r::payments).amount FROM raw_rows r;\nSELECT CAST(ROW(1, 2) AS shop.payments);\nSELECT x::int FROM t;")
        for o in r.observations
        if "row_type" in o.extra
    ]
    # an enum cast looks the same: the index drops the fact when no table has the name
    assert casts == [(1, "payments", "select_star", "payments"), (2, "shop.payments", "select_star", "shop.payments")]


def test_composite_type_fields_of_a_row_type_read_every_column() -> None:
    sql = "CREATE TYPE payment_summary AS (\n  p payments,\n  total numeric\n);\nCREATE TYPE mood AS ENUM ('sad', 'ok');"
    found = [(r.line, o.table, o.detail, o.extra["row_type"]) for r in analyze_sql(sql) for o in r.observations if "row_type" in o.extra]
    assert found == [(1, "payments", "select_star", "payments")]
