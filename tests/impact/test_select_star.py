"""select-star: the rendered findings users see, and the scanner knowledge behind them.

The case folders (tests/impact/cases/select_star) pin which lines are reported at which severity;
here the exact message and fix are pinned for one finding per kind of consequence, plus the facts
the Python scanner and the SQL engine record for the rule (`row_use`, `driver`, `contained`,
`returning`).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from depmap.impact.finding import BREAKING, WARNING
from depmap.impact.rules import select_star
from depmap.model import Fact
from depmap.scan_context import ScanContext
from depmap.frameworks.sql_in_python.strings import scan_python_sql
from depmap.sql import analyze_sql
from tests.impact.helpers import context_for, findings_of, write_files

SCHEMA = """
    CREATE TABLE orders (
        id bigserial PRIMARY KEY,
        customer_id bigint NOT NULL,
        status text NOT NULL,
        total_cents integer NOT NULL
    );
"""


def _stars(source: str) -> list[Fact]:
    result = scan_python_sql("app/orders.py", textwrap.dedent(source).lstrip("\n"), ScanContext(dialect="postgres"))
    return [f for f in result.facts if f.detail == "select_star"]


def _uses(source: str) -> list[dict[str, Any]]:
    (fact,) = _stars(source)
    return fact.extra.get("row_use", [])


# -- rendered findings ------------------------------------------------------------------------------


def test_tuple_unpacking_message_and_fix(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "db/schema.sql": SCHEMA,
            "app/orders.py": """
                import psycopg2


                def get(conn, order_id):
                    with conn.cursor() as cur:
                        cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))
                        oid, customer_id, status, total = cur.fetchone()
                    return status
            """,
        },
    )
    (finding,) = findings_of(select_star, context_for(tmp_path, "orders.discount_code", type="text"))
    assert finding.severity == BREAKING
    assert (finding.location.path, finding.location.line) == ("app/orders.py", 6)
    assert finding.message == (
        "`SELECT *` from orders at app/orders.py:6 returns discount_code as an extra 5th column; the tuple "
        "unpacking of 4 names at line 7 raises ValueError: too many values to unpack."
    )
    assert finding.fix == (
        "Name the columns this code reads instead of `*`: `SELECT id, customer_id, status, total_cents FROM orders "
        "WHERE id = %s`. Add discount_code to that list, where the code needs it, once the column exists in every "
        "environment."
    )
    assert [(r.location.line, r.note) for r in finding.related] == [
        (7, "the tuple unpacking of 4 names at line 7 raises ValueError: too many values to unpack")
    ]


def test_psycopg3_prepared_statement_message_and_fix(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "db/schema.sql": SCHEMA,
            "app/orders.py": """
                from psycopg import Connection


                def statuses(conn: Connection):
                    with conn.cursor() as cur:
                        cur.execute("SELECT * FROM orders")
                        return {row[0]: row[2] for row in cur}
            """,
        },
    )
    (finding,) = findings_of(select_star, context_for(tmp_path, "orders.discount_code", type="text"))
    assert finding.severity == BREAKING
    assert finding.message == (
        "`SELECT *` from orders at app/orders.py:6 returns discount_code as an extra 5th column; psycopg 3 (import "
        "psycopg) prepares a query server-side after `prepare_threshold` (5) runs on a connection, and every pooled "
        "connection that prepared it fails with FeatureNotSupported: cached plan must not change result type until "
        "it is closed."
    )
    assert finding.fix.endswith(
        "An explicit list also keeps the prepared statement's result type fixed; until this query is changed, turn "
        "statement caching off (`prepare_threshold=None` on the connection or `execute(..., prepare=False)`) or "
        "restart the application right after the migration."
    )


def test_read_by_name_is_a_warning(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "db/schema.sql": SCHEMA,
            "app/orders.py": """
                from psycopg2.extras import RealDictCursor


                def get(conn, order_id):
                    with conn.cursor(cursor_factory=RealDictCursor) as cur:
                        cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))
                        return cur.fetchone()["status"]
            """,
        },
    )
    (finding,) = findings_of(select_star, context_for(tmp_path, "orders.discount_code", type="text"))
    assert finding.severity == WARNING
    assert finding.message == (
        "`SELECT *` from orders at app/orders.py:6 returns discount_code as an extra 5th column: every consumer of "
        "these rows sees one more column; none was seen reading them by position."
    )


def test_prepared_statements_turned_off_stay_a_warning(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "db/schema.sql": SCHEMA,
            "app/orders.py": """
                import psycopg

                conn = psycopg.connect("dbname=shop", prepare_threshold=None)


                def everything():
                    return conn.execute("SELECT * FROM orders").fetchall()
            """,
        },
    )
    (finding,) = findings_of(select_star, context_for(tmp_path, "orders.discount_code", type="text"))
    assert finding.severity == WARNING


# -- what the Python scanner records --------------------------------------------------------------


def test_cursor_followed_until_it_runs_another_query() -> None:
    uses = _uses(
        """
        def report(conn):
            cur = conn.cursor()
            cur.execute("SELECT * FROM orders")
            for oid, customer, status, total in cur:
                pass
            cur.execute("SELECT id, name FROM customers")
            a, b = cur.fetchone()
        """
    )
    assert uses == [{"kind": "unpack", "line": 4, "names": 4}]


def test_starred_target_absorbs_the_new_column() -> None:
    assert _uses(
        """
        def get(cur):
            cur.execute("SELECT * FROM orders")
            oid, *rest = cur.fetchone()
        """
    ) == []


def test_text_statement_run_later_and_rows_by_position() -> None:
    uses = _uses(
        """
        from sqlalchemy import text

        def rows(conn):
            stmt = text("SELECT * FROM orders")
            result = conn.execute(stmt)
            data = [Order(*r) for r in result.all()]
            first = result.first()
            return first[-1], dict(zip(["id", "customer_id"], first, strict=True))
        """
    )
    assert uses == [
        {"kind": "star_args", "line": 6, "callee": "Order"},
        {"kind": "index", "line": 8, "index": -1},
        {"kind": "zip", "line": 8, "names": 2, "strict": True},
    ]


def test_mappings_and_scalars_are_not_positional() -> None:
    assert _uses(
        """
        from sqlalchemy import text

        def rows(conn):
            a = conn.execute(text("SELECT * FROM orders")).mappings().all()
            return [r["id"] for r in a]
        """
    ) == []


def test_asyncpg_driver_and_transaction() -> None:
    (fact,) = _stars(
        """
        async def cancel(pool, order_id):
            async with pool.acquire() as conn:
                async with conn.transaction():
                    row = await conn.fetchrow("SELECT * FROM orders WHERE id = $1", order_id)
            return row["status"]
        """
    )
    assert fact.extra["driver"] == "asyncpg"
    assert fact.extra["driver_evidence"] == "await conn.fetch()"
    assert fact.extra["in_transaction"] is True
    assert fact.extra["run_at"] == [4]


def test_dataframe_uses() -> None:
    uses = _uses(
        """
        import pandas as pd

        NAMES = ["a", "b", "c"]

        def frame(engine):
            df = pd.read_sql("SELECT * FROM orders", engine)
            df.columns = NAMES
            df.iloc[:, 2].sum()
            df.to_csv("orders.csv")
        """
    )
    assert uses == [
        {"kind": "set_columns", "line": 7, "names": 3},
        {"kind": "iloc", "line": 8, "index": 2},
        {"kind": "export", "line": 9, "method": "to_csv"},
    ]


# -- what the SQL engine records -------------------------------------------------------------------


def _star_extras(sql: str) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in o.extra.items() if k != "statement"}
        for r in analyze_sql(sql)
        for o in r.observations
        if o.detail == "select_star" and o.table == "orders"
    ]


def test_star_inside_a_cte_or_subquery_is_contained() -> None:
    assert _star_extras("WITH r AS (SELECT * FROM orders) SELECT id FROM r") == [{"contained": True}]
    assert _star_extras("SELECT EXISTS (SELECT * FROM orders WHERE id = 1)") == [{"contained": True}]
    assert _star_extras("WITH r AS (SELECT * FROM orders) SELECT * FROM r") == [{}]


def test_returning_star_reads_every_column() -> None:
    assert _star_extras("INSERT INTO orders (status) VALUES ('new') RETURNING *") == [{"returning": True}]
    assert _star_extras("UPDATE orders SET status = 'paid' RETURNING id") == []
