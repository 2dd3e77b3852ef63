"""A `pg_dump --schema-only` file given with --schema-sql: split, cleaned, applied, filled."""

from __future__ import annotations

from pathlib import Path

from depmap.verify.fill import fill
from depmap.verify.schema_sql import apply_schema, statements_from_file

from tests.verify.data_fixtures import pg_db, postgres_server  # noqa: F401

DUMP = Path(__file__).parent / "fixtures" / "pg_dump_shop.sql"


def test_a_pg_dump_file_splits_into_its_statements_without_psql_commands_data_or_ownership():
    statements = statements_from_file(DUMP, "postgres")
    assert len(statements) == 28
    assert statements[5] == "SELECT pg_catalog.set_config('search_path', '', false)"
    function = statements[11]
    assert function.startswith("CREATE FUNCTION public.touch_updated_at() RETURNS trigger")
    assert function.endswith("    NEW.updated_at := now();\n    RETURN NEW;\nEND;\n$$")  # its own semicolons kept
    assert statements[-1] == (
        "ALTER TABLE ONLY public.orders\n"
        "    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id)"
    )
    text = "\n".join(statements)
    for absent in ("\\connect", "\\restrict", "COPY", "Lovelace", "OWNER TO", "GRANT", "REVOKE"):
        assert absent not in text


def test_a_pg_dump_schema_applies_and_fills(pg_db):
    assert apply_schema(pg_db, statements_from_file(DUMP, "postgres")) == []
    result = fill(pg_db, None, "orders", 2000, seed=3, neighbours={"customers": 50})
    assert (result.rows, result.failed, result.notes) == ({"customers": 50, "orders": 2000}, {}, [])
    connection = pg_db.connect()
    try:
        statuses = connection.execute("SELECT status::text, count(*) > 0 FROM orders GROUP BY 1 ORDER BY 1").fetchall()
        assert statuses == [("paid", True), ("pending", True), ("shipped", True)]  # the enum's labels
        # sequences continue after the loaded keys: the application's next INSERT gets id 2001
        connection.execute("INSERT INTO orders (customer_id, placed_at) VALUES (1, now())")
        assert connection.execute("SELECT max(id) FROM orders").fetchone() == (2001,)
        connection.rollback()
    finally:
        connection.close()
