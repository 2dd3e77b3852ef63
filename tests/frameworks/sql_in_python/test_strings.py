"""SQL embedded in Python: where the text is written, where it goes, and what the engine says.

Each case is a small realistic module; assertions name the exact (table, columns, access, detail,
line, symbol, confidence) of every access fact, so a missing, extra or misplaced fact fails.
Line numbers count from the first line of each snippet (the snippets start right after `\\`).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from depmap.model import HIGH, MEDIUM, Fact, ScanResult
from depmap.python import source as python_source
from depmap.scan_context import ScanContext
from depmap.frameworks.sql_in_python.recognize import looks_like_standalone_sql
from depmap.frameworks.sql_in_python.strings import looks_like_sql, might_contain_sql, scan_python_sql
from depmap.python.tree import SourceText
from depmap.python.tree_strings import string_text

FIXTURES = Path(__file__).parent / "fixtures" / "python_sql"
PATH = "shop/repositories/orders.py"
MODULE = "shop.repositories.orders"

Row = tuple[str, tuple[str, ...], str | None, str | None, int, str | None, str]


def scan(source: str, path: str = PATH, dialect: str = "postgres") -> ScanResult:
    return scan_python_sql(path, textwrap.dedent(source), ScanContext(dialect=dialect))


def rows(result: ScanResult, kind: str = "access") -> list[Row]:
    return [
        (f.table, f.columns, f.access, f.detail, f.location.line, f.location.symbol, f.confidence)
        for f in result.facts
        if f.kind == kind
    ]


def assert_rows(result: ScanResult, expected: list[Row], kind: str = "access") -> None:
    actual = rows(result, kind)
    if sorted(actual) != sorted(expected):
        missing = [row for row in expected if row not in actual]
        extra = [row for row in actual if row not in expected]
        pytest.fail(
            "facts differ\n  expected:\n"
            + "".join(f"    {row}\n" for row in sorted(expected))
            + "  actual:\n"
            + "".join(f"    {row}\n" for row in sorted(actual))
            + f"  missing: {missing}\n  extra: {extra}"
        )
    assert result.skipped == []


def only(result: ScanResult, table: str, access: str | None = None) -> list[Fact]:
    return [f for f in result.facts if f.table == table and (access is None or f.access == access)]


# -- SQL passed straight to a database call ---------------------------------------------------------


def test_literal_argument_of_execute() -> None:
    result = scan(
        """\
        def cancel(conn, order_id):
            with conn.cursor() as cur:
                cur.execute(
                    "UPDATE orders SET status = 'cancelled', cancelled_at = now() WHERE id = %s",
                    (order_id,),
                )
        """
    )
    symbol = f"{MODULE}.cancel"
    assert_rows(
        result,
        [
            ("orders", ("status", "cancelled_at"), "write", "update", 4, symbol, HIGH),
            ("orders", ("id",), "read", "update", 4, symbol, HIGH),
        ],
    )
    fact = result.facts[0]
    assert fact.via == "sql"
    assert fact.location.path == PATH
    assert fact.location.end_line == 4
    assert fact.extra["sink"] == "execute"
    assert "dynamic" not in fact.extra and "executed_in" not in fact.extra
    assert fact.snippet.startswith("UPDATE orders SET status")


def test_triple_quoted_statement_lines_map_to_the_file() -> None:
    result = scan(
        '''\
        import sqlite3


        def open_orders(cur, customer_id):
            cur.execute(
                """
                SELECT o.id, o.total
                FROM orders AS o
                WHERE o.customer_id = ?
                  AND o.status = 'open'
                """,
                (customer_id,),
            )
            return cur.fetchall()
        '''
    )
    symbol = f"{MODULE}.open_orders"
    assert_rows(result, [("orders", ("id", "total", "customer_id", "status"), "read", "select", 8, symbol, HIGH)])
    assert (result.facts[0].location.statement_line, result.facts[0].location.end_line) == (7, 10)  # FROM at 8


def test_escaped_newlines_and_raw_strings_keep_their_lines() -> None:
    result = scan(
        """\
        def report(cur):
            cur.execute("SELECT sku\\nFROM items\\nWHERE qty > 0; DELETE FROM carts WHERE user_id IS NULL")
            cur.execute(r"SELECT note FROM orders WHERE note ~ '\\d+'")
            cur.execute("UPDATE orders \\
        SET total = 0")
        """
    )
    symbol = f"{MODULE}.report"
    assert_rows(
        result,
        [
            ("items", ("sku", "qty"), "read", "select", 2, symbol, HIGH),
            ("carts", (), "write", "delete", 2, symbol, HIGH),
            ("carts", ("user_id",), "read", "delete", 2, symbol, HIGH),
            ("orders", ("note",), "read", "select", 3, symbol, HIGH),
            ("orders", ("total",), "write", "update", 4, symbol, HIGH),
        ],
    )


def test_executemany_insert() -> None:
    result = scan(
        """\
        def save_items(cur, order_id, items):
            rows = [(order_id, item.sku, item.qty) for item in items]
            cur.executemany(
                "INSERT INTO order_items (order_id, sku, qty) VALUES (%s, %s, %s)", rows
            )
        """
    )
    assert_rows(
        result,
        [("order_items", ("order_id", "sku", "qty"), "write", "insert", 4, f"{MODULE}.save_items", HIGH)],
    )
    assert result.facts[0].extra["sink"] == "executemany"


def test_sqlalchemy_text_and_pandas_read_sql() -> None:
    result = scan(
        """\
        import pandas as pd
        from sqlalchemy import text


        def purge_carts(session):
            session.execute(text("DELETE FROM carts WHERE updated_at < now() - interval '30 days'"))


        def revenue(engine):
            return pd.read_sql("SELECT day, amount FROM daily_revenue ORDER BY day", engine)


        def everything(engine):
            return pd.read_sql("payments", engine)
        """
    )
    assert_rows(
        result,
        [
            ("carts", (), "write", "delete", 6, f"{MODULE}.purge_carts", HIGH),
            ("carts", ("updated_at",), "read", "delete", 6, f"{MODULE}.purge_carts", HIGH),
            ("daily_revenue", ("day", "amount"), "read", "select", 10, f"{MODULE}.revenue", HIGH),
            ("payments", (), "read", "select_star", 14, f"{MODULE}.everything", HIGH),
        ],
    )
    assert {f.extra["sink"] for f in result.facts} == {"text", "read_sql"}


def test_read_sql_table_reads_the_whole_table_or_the_listed_columns() -> None:
    result = scan(
        """\
        import pandas as pd


        def load(engine):
            refunds = pd.read_sql_table("refunds", engine)
            orders = pd.read_sql_table("orders", engine, schema="public", columns=["id", "total"])
            return refunds, orders
        """
    )
    symbol = f"{MODULE}.load"
    assert_rows(
        result,
        [
            ("refunds", (), "read", "select_star", 5, symbol, HIGH),
            ("orders", ("id", "total"), "read", "select", 6, symbol, HIGH),
        ],
    )
    assert result.facts[0].snippet == 'pd.read_sql_table("refunds", engine)'


def test_copy_from_with_and_without_columns() -> None:
    result = scan(
        """\
        def import_csv(cur, fh):
            cur.copy_from(fh, "customers", sep=",", columns=("email", "name"))
            cur.copy_from(fh, "legacy_customers", sep=",")
            cur.copy_to(fh, "audit_log")
        """
    )
    symbol = f"{MODULE}.import_csv"
    assert_rows(
        result,
        [
            ("customers", ("email", "name"), "write", "copy", 2, symbol, HIGH),
            ("legacy_customers", (), "write", "copy", 3, symbol, HIGH),
            ("audit_log", (), "read", "select_star", 4, symbol, HIGH),
        ],
    )



def test_load_data_alone_passes_the_prefilter() -> None:
    """A file whose only SQL is MySQL's LOAD DATA is still parsed: the prefilter knows `LOAD DATA`
    (and not the word "load" alone)."""
    result = scan(
        """\
        LOAD_ORDERS = '''
            LOAD DATA LOCAL INFILE %s
            INTO TABLE orders
            FIELDS TERMINATED BY ','
        '''


        def import_orders(cur, path):
            cur.execute(LOAD_ORDERS, (path,))
            cur.execute(f"load data local infile '{path}' into table order_lines")
        """,
        dialect="mysql",
    )
    symbol = f"{MODULE}.import_orders"
    assert_rows(
        result,
        [
            ("orders", (), "write", "copy", 2, f"{MODULE}.LOAD_ORDERS", HIGH),
            ("order_lines", (), "write", "copy", 10, symbol, HIGH),
        ],
    )
    assert [f.extra["loader"] for f in result.facts] == ["load_data", "load_data"]
    assert might_contain_sql("cur.execute('LOAD DATA INFILE \\'/tmp/o.csv\\' INTO TABLE orders')")
    assert not might_contain_sql('STEPS = ["load the file", "Load data first"]')


def test_copy_expert_and_sql_keyword_arguments() -> None:
    result = scan(
        """\
        from airflow.providers.postgres.operators.postgres import PostgresOperator


        def load(cur, fh):
            cur.copy_expert("COPY shipments (id, carrier) FROM STDIN WITH CSV", fh)


        refresh = PostgresOperator(
            task_id="refresh",
            sql="INSERT INTO daily_totals (day, total) SELECT day, sum(total) FROM orders GROUP BY day",
        )
        templated = PostgresOperator(task_id="templated", sql="queries/daily.sql")
        """
    )
    assert_rows(
        result,
        [
            ("shipments", ("id", "carrier"), "write", "copy", 5, f"{MODULE}.load", HIGH),
            ("daily_totals", ("day", "total"), "write", "insert", 10, f"{MODULE}.refresh", HIGH),
            ("orders", ("day", "total"), "read", "select", 10, f"{MODULE}.refresh", HIGH),
        ],
    )


def test_django_runsql_list_and_reverse_sql() -> None:
    result = scan(
        """\
        from django.db import migrations


        class Migration(migrations.Migration):
            operations = [
                migrations.RunSQL(
                    sql=[
                        "ALTER TABLE orders ADD COLUMN note text",
                        ("UPDATE orders SET note = %s WHERE note IS NULL", [""]),
                    ],
                    reverse_sql="ALTER TABLE orders DROP COLUMN note",
                ),
            ]
        """,
        path="shop/migrations/0007_note.py",
    )
    symbol = "shop.migrations.0007_note.Migration.operations"
    assert_rows(
        result,
        [
            ("orders", ("note",), "write", "update", 9, symbol, HIGH),
            ("orders", ("note",), "read", "update", 9, symbol, HIGH),
        ],
    )
    assert [(f.detail, f.location.line) for f in result.facts if f.kind == "column_def"] == [
        ("add_column", 8),
        ("drop_column", 11),
    ]
    assert all("executed_in" not in f.extra for f in result.facts)


def test_two_statements_in_one_string_each_on_its_line() -> None:
    result = scan(
        '''\
        def archive(cur):
            cur.execute("""
                INSERT INTO orders_archive SELECT * FROM orders WHERE status = 'closed';
                DELETE FROM orders WHERE status = 'closed';
            """)
        '''
    )
    symbol = f"{MODULE}.archive"
    assert_rows(
        result,
        [
            ("orders_archive", (), "write", "insert_select_star", 3, symbol, HIGH),
            ("orders", (), "read", "insert_select_star", 3, symbol, HIGH),
            ("orders", ("status",), "read", "select", 3, symbol, HIGH),
            ("orders", (), "write", "delete", 4, symbol, HIGH),
            ("orders", ("status",), "read", "delete", 4, symbol, HIGH),
        ],
    )


def test_implicit_concatenation_over_three_lines() -> None:
    result = scan(
        """\
        def close(cur, order_id):
            cur.execute(
                "SELECT id FROM orders WHERE id = %(id)s FOR UPDATE; "
                "UPDATE orders SET status = 'closed' "
                "WHERE id = %(id)s",
                {"id": order_id},
            )
        """
    )
    symbol = f"{MODULE}.close"
    assert_rows(
        result,
        [
            ("orders", ("id",), "read", "select", 3, symbol, HIGH),
            ("orders", ("status",), "write", "update", 4, symbol, HIGH),
            ("orders", ("id",), "read", "update", 4, symbol, HIGH),
        ],
    )
    update = [f for f in result.facts if f.detail == "update"]
    assert {f.location.end_line for f in update} == {5}


def test_sql_error_in_a_database_call_reaches_the_report() -> None:
    result = scan(
        """\
        def broken(cur):
            cur.execute("INSERT INTO orders (id, status VALUES (%s, %s)", (1, "new"))
        """
    )
    errors = [f for f in result.facts if f.kind == "parse_error"]
    assert [(f.location.line, f.location.symbol, f.confidence) for f in errors] == [(2, f"{MODULE}.broken", "low")]
    assert "VALUES" in errors[0].extra["error"]
    assert errors[0].extra["sink"] == "execute"
    assert_rows(result, [("orders", (), "write", "unparsed", 2, f"{MODULE}.broken", "low")])


# -- text built in code ------------------------------------------------------------------------------


def test_fstring_hole_is_dynamic() -> None:
    result = scan(
        """\
        def rows(cur, columns, order_id):
            cur.execute(f"SELECT {', '.join(columns)}, note FROM orders WHERE id = %s", (order_id,))
        """
    )
    assert_rows(result, [("orders", ("note", "id"), "read", "select", 2, f"{MODULE}.rows", HIGH)])
    assert result.facts[0].extra["dynamic"] is True


def test_plus_concatenation_percent_and_format() -> None:
    result = scan(
        """\
        def queries(cur, table_filter, limit):
            cur.execute("SELECT id, email FROM customers " + "WHERE active ORDER BY id")
            cur.execute("SELECT id FROM invoices WHERE total > " + str(limit) + " AND paid")
            cur.execute("SELECT id FROM refunds LIMIT %d" % limit)
            cur.execute("SELECT sku FROM items WHERE {} ORDER BY sku".format(table_filter))
        """
    )
    symbol = f"{MODULE}.queries"
    assert_rows(
        result,
        [
            ("customers", ("id", "email", "active"), "read", "select", 2, symbol, HIGH),
            ("invoices", ("id", "total", "paid"), "read", "select", 3, symbol, HIGH),
            ("refunds", ("id",), "read", "select", 4, symbol, HIGH),
            ("items", ("sku",), "read", "select", 5, symbol, HIGH),
        ],
    )
    assert [("dynamic" in f.extra) for f in result.facts] == [False, True, True, True]


def test_plus_concatenation_across_lines_places_each_statement() -> None:
    result = scan(
        """\
        def reset(cur):
            cur.execute(
                "DELETE FROM sessions WHERE expired;"
                + " UPDATE users SET online = false"
            )
        """
    )
    symbol = f"{MODULE}.reset"
    assert_rows(
        result,
        [
            ("sessions", (), "write", "delete", 3, symbol, HIGH),
            ("sessions", ("expired",), "read", "delete", 3, symbol, HIGH),
            ("users", ("online",), "write", "update", 4, symbol, HIGH),
        ],
    )


def test_augmented_building_in_straight_line_code_and_branches() -> None:
    result = scan(
        """\
        def search(cur, status=None):
            query = "SELECT id, total FROM orders WHERE 1 = 1"
            if status is not None:
                query += " AND status = %s"
            query += " ORDER BY created_at"
            cur.execute(query)


        def straight(cur):
            sql = "SELECT id FROM invoices"
            sql += " WHERE paid_at IS NULL"
            sql = sql + " ORDER BY due_on"
            cur.execute(sql)
        """
    )
    assert_rows(
        result,
        [
            ("orders", ("id", "total", "status", "created_at"), "read", "select", 2, f"{MODULE}.search", HIGH),
            ("invoices", ("id", "paid_at", "due_on"), "read", "select", 10, f"{MODULE}.straight", HIGH),
        ],
    )
    search, straight = result.facts
    assert search.extra.get("dynamic") is True  # the status filter is only sometimes there
    assert search.location.end_line == 5
    assert "dynamic" not in straight.extra
    assert straight.location.end_line == 12


def test_alternative_assignments_in_branches_are_both_reported() -> None:
    result = scan(
        """\
        def totals(cur, by_customer):
            if by_customer:
                sql = "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id"
            else:
                sql = "SELECT sum(total) FROM orders"
            cur.execute(sql)
        """
    )
    symbol = f"{MODULE}.totals"
    assert_rows(
        result,
        [
            ("orders", ("customer_id", "total"), "read", "select", 3, symbol, HIGH),
            ("orders", ("total",), "read", "select", 5, symbol, HIGH),
        ],
    )


# -- names: constants, class attributes ------------------------------------------------------------


def test_module_constant_executed_later_lists_its_executors() -> None:
    result = scan(
        '''\
        """Order queries."""

        ORDERS_BY_CUSTOMER = """
            SELECT id, status
            FROM orders
            WHERE customer_id = %s
        """


        def list_orders(cur, customer_id):
            cur.execute(ORDERS_BY_CUSTOMER, (customer_id,))
            return cur.fetchall()


        class OrderService:
            def recent(self, cur, customer_id):
                cur.execute(ORDERS_BY_CUSTOMER, (customer_id,))
        '''
    )
    assert_rows(
        result,
        [("orders", ("id", "status", "customer_id"), "read", "select", 5, f"{MODULE}.ORDERS_BY_CUSTOMER", HIGH)],
    )
    fact = result.facts[0]
    assert fact.location.end_line == 6
    assert fact.extra["executed_in"] == [f"{MODULE}.OrderService.recent", f"{MODULE}.list_orders"]


def test_class_constant_via_self_cls_and_class_name() -> None:
    result = scan(
        """\
        class CustomerRepository:
            FIND_BY_EMAIL = "SELECT id, email FROM customers WHERE email = %s"
            TOUCH = "UPDATE customers SET last_seen = now() WHERE id = %s"

            def __init__(self, conn):
                self.conn = conn
                self.count_sql = "SELECT count(*) FROM customers"

            def find(self, email):
                self.conn.execute(self.FIND_BY_EMAIL, (email,))

            @classmethod
            def touch(cls, conn, customer_id):
                conn.execute(cls.TOUCH, (customer_id,))

            def count(self):
                return self.conn.execute(self.count_sql).scalar()


        class VipRepository(CustomerRepository):
            def find_vip(self, email):
                self.conn.execute(self.FIND_BY_EMAIL, (email,))


        def touch_all(conn, ids):
            for customer_id in ids:
                conn.execute(CustomerRepository.TOUCH, (customer_id,))
        """
    )
    repo = f"{MODULE}.CustomerRepository"
    assert_rows(
        result,
        [
            ("customers", ("id", "email"), "read", "select", 2, f"{repo}.FIND_BY_EMAIL", HIGH),
            ("customers", ("last_seen",), "write", "update", 3, f"{repo}.TOUCH", HIGH),
            ("customers", ("id",), "read", "update", 3, f"{repo}.TOUCH", HIGH),
            ("customers", (), "read", "select", 7, f"{repo}.__init__", HIGH),
        ],
    )
    by_line = {f.location.line: f.extra.get("executed_in") for f in result.facts}
    assert by_line[2] == [f"{repo}.find", f"{MODULE}.VipRepository.find_vip"]
    assert by_line[3] == [f"{repo}.touch", f"{MODULE}.touch_all"]
    assert by_line[7] == [f"{repo}.count"]


def test_text_built_from_another_constant_belongs_where_it_starts() -> None:
    result = scan(
        """\
        BASE = "SELECT id, total FROM orders"
        OPEN = BASE + " WHERE status = 'open'"


        def open_orders(cur):
            query = OPEN
            cur.execute(query)


        def by_id(cur, order_id):
            cur.execute(BASE + " WHERE id = %s", (order_id,))


        def notes(cur, order_id):
            cur.execute(t"SELECT note FROM orders WHERE id = {order_id}")  # psycopg binds t-string holes
        """
    )
    assert_rows(
        result,
        [
            ("orders", ("id", "total", "status"), "read", "select", 1, f"{MODULE}.BASE", HIGH),
            ("orders", ("id", "total"), "read", "select", 1, f"{MODULE}.BASE", HIGH),
            ("orders", ("note", "id"), "read", "select", 15, f"{MODULE}.notes", HIGH),
        ],
    )
    assert [(f.location.end_line, f.extra.get("executed_in"), f.extra.get("dynamic")) for f in result.facts] == [
        (2, [f"{MODULE}.open_orders"], None),
        (11, [f"{MODULE}.by_id"], None),
        (15, None, None),
    ]


def test_sql_looking_constant_not_executed_here_is_medium() -> None:
    result = scan(
        """\
        STALE_CARTS = "DELETE FROM carts WHERE updated_at < now() - interval '7 days'"
        QUERIES = {
            "unpaid": "select id from invoices where paid_at is null",
        }
        """,
        path="shop/sql/queries.py",
    )
    assert_rows(
        result,
        [
            ("carts", (), "write", "delete", 1, "shop.sql.queries.STALE_CARTS", MEDIUM),
            ("carts", ("updated_at",), "read", "delete", 1, "shop.sql.queries.STALE_CARTS", MEDIUM),
            ("invoices", ("id", "paid_at"), "read", "select", 3, "shop.sql.queries.QUERIES", MEDIUM),
        ],
    )
    assert all(f.extra["sink"] is None for f in result.facts)


# -- what is not SQL -----------------------------------------------------------------------------------


def test_docstrings_and_bare_strings_are_not_sql() -> None:
    result = scan(
        '''\
        """
        SELECT id FROM orders WHERE status = 'open' is what this module wraps.
        """


        class Orders:
            """UPDATE orders SET status = 'x' happens in close()."""

            def close(self):
                """DELETE FROM orders WHERE id = 1 -- never"""
                return None


        """
        INSERT INTO orders (id) VALUES (1)  -- an old query kept as a note
        """
        '''
    )
    assert result.facts == []
    assert result.skipped == []


def test_logging_print_warnings_and_exceptions_are_not_sql() -> None:
    result = scan(
        """\
        import logging
        import warnings

        logger = logging.getLogger(__name__)


        def run(cur, action):
            logger.info("SELECT id FROM orders took too long")
            logging.warning("DELETE FROM carts WHERE id = %s failed", 3)
            print("UPDATE orders SET status = 'x' WHERE id = 1")
            warnings.warn("INSERT INTO audit (event) VALUES ('x') is deprecated")
            if action == "delete from carts":
                raise ValueError("UPDATE orders SET total = 0 WHERE id = 1 is not allowed")
        """
    )
    assert result.facts == []


def test_prose_that_starts_with_a_keyword_is_not_sql() -> None:
    result = scan(
        """\
        HELP = "Select a customer from the list"
        HINT = "Update the order when the customer pays"
        LABEL = "select one of the options below, then press save"
        TITLE = "Create an account"
        PAYLOAD = b"SELECT id FROM orders"  # bytes are not SQL text here
        """
    )
    assert result.facts == []


def test_lowercase_text_outside_a_call_needs_the_structure_of_a_statement() -> None:
    result = scan(
        """\
        HELP = "select a customer from the list"
        CONFIRM = "delete the row from the table"
        HINT = "update the order when the customer pays"
        CUSTOMER_EMAILS = "select id, email from customers"
        ACTIVE_CUSTOMERS = "select id from customers where active"
        PURGE_SESSIONS = "DELETE FROM sessions"


        def purge(cur):
            cur.execute("delete from carts")
        """,
        path="shop/sql/queries.py",
    )
    mod = "shop.sql.queries"
    assert_rows(
        result,
        [
            ("customers", ("id", "email"), "read", "select", 4, f"{mod}.CUSTOMER_EMAILS", MEDIUM),
            ("customers", ("id", "active"), "read", "select", 5, f"{mod}.ACTIVE_CUSTOMERS", MEDIUM),
            ("sessions", (), "write", "delete", 6, f"{mod}.PURGE_SESSIONS", MEDIUM),  # capitals: as before
            ("carts", (), "write", "delete", 10, f"{mod}.purge", HIGH),  # a database call: as before
        ],
    )


def test_fragments_in_generic_sinks_are_not_statements() -> None:
    result = scan(
        """\
        from psycopg2 import sql
        from sqlalchemy import select, text


        def build(status):
            where = text("status = :status")
            joined = sql.SQL(", ").join([sql.Identifier("a"), sql.Identifier("b")])
            title = text("Select a customer")
            return select(where), joined, title
        """
    )
    assert result.facts == []


# -- files that are not analysed ---------------------------------------------------------------------


def test_syntax_error_is_skipped_with_its_line() -> None:
    result = scan(
        """\
        QUERY = "SELECT id FROM orders"

        def broken(:
            pass
        """
    )
    assert result.facts == []
    [skipped] = result.skipped
    assert skipped.path == PATH
    assert skipped.reason == "Python syntax error at line 3, column 12: invalid syntax"
    assert "Python 2" not in skipped.reason


def test_python2_file_is_skipped_with_a_hint() -> None:
    result = scan(
        """\
        import MySQLdb

        def main():
            cur = MySQLdb.connect().cursor()
            cur.execute("SELECT id FROM orders")
            print "done"
        """
    )
    [skipped] = result.skipped
    assert skipped.reason == (
        "Python syntax error at line 6, column 5: Missing parentheses in call to 'print'. "
        "Did you mean print(...)? (Python 2 syntax? depmap reads Python 3 only)"
    )


def test_file_without_sql_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_parse = ast.parse

    def counting_parse(source: str, *args: object, **kwargs: object) -> ast.AST:
        calls.append(source)
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting_parse)
    no_sql = '''\
        """Views for the account pages."""
        from django.shortcuts import render


        def profile(request):
            """Update the profile form and select the tab."""
            with open("x") as fh:
                return render(request, "profile.html", {"text": fh.read()})
        '''
    assert scan(no_sql) == ScanResult()
    assert calls == []
    assert scan('Q = "SELECT id FROM orders"\n').facts  # and the counter does see a parse
    assert len(calls) == 1


def test_absurdly_long_concatenation_is_skipped_not_fatal() -> None:
    chain = " + ".join(['"%s, "'] * 3000)
    result = scan(f'def f(cur):\n    cur.execute("SELECT a FROM t WHERE x IN (" + {chain} + ")")\n')
    assert result.facts == []
    assert [s.reason for s in result.skipped] == ["Python source too deeply nested to parse"]


def test_a_long_concatenation_that_python_parses_is_analysed() -> None:
    chain = " + ".join(['"%s, "'] * 900)
    result = scan(f'def f(cur):\n    cur.execute("SELECT a FROM t WHERE x IN (" + {chain} + ")")\n')
    assert [(f.table, f.columns, f.access, f.location.line, f.location.symbol) for f in result.facts] == [
        ("t", ("a", "x"), "read", 2, "shop.repositories.orders.f")
    ]
    assert result.skipped == []


def test_tens_of_thousands_of_implicitly_concatenated_literals_keep_their_lines() -> None:
    """Generated code writes one literal per line; each keeps its file line (read in linear time)."""
    values = "".join(f'            "{n}, "\n' for n in range(20_000))
    result = scan(f'def f(cur):\n    cur.execute(\n        "SELECT a FROM t WHERE x IN ("\n{values}            "0) AND y = 1"\n    )\n')
    assert [(f.table, f.columns, f.access, f.location.line) for f in result.facts] == [("t", ("a", "x", "y"), "read", 3)]
    assert result.skipped == []


def test_prefilter() -> None:
    assert might_contain_sql('x = """\n    -- open orders\n    SELECT id FROM orders"""')
    assert might_contain_sql("df = pd.read_sql_table('orders', con)")
    assert might_contain_sql('cur.execute("Select id from orders")')  # Title-case next to a sink
    assert not might_contain_sql('x = "Select a customer"')
    assert not might_contain_sql('def f():\n    """Doc."""\n    with open(p) as fh:\n        pass\n')
    assert not might_contain_sql('ACTIONS = ["update", "delete"]')


def test_looks_like_sql() -> None:
    assert looks_like_sql("\n  -- comment\n  SELECT 1")
    assert looks_like_sql("with recent as (select 1) select * from recent")
    assert not looks_like_sql("Select a customer")
    assert not looks_like_sql("with open(path) as fh:")
    assert not looks_like_sql("update")


@pytest.mark.parametrize(
    "text",
    [
        "select * from orders",
        "select id, total from orders",
        "select count(id) from orders",
        "select id from orders o join customers c using (id)",
        "select status from orders group by status",
        "select id from orders order by id",
        "insert into audit values (1)",
        "update orders set total = 0",
        "delete from carts where id = 1",
        "select id from a union select id from b",
        "select id from orders limit 5",
        "with recent as (select 1) select 2",
        "SELECT a customer FROM the list",  # capitals are not prose: the parse decides
    ],
)
def test_looks_like_standalone_sql(text: str) -> None:
    assert looks_like_standalone_sql(text)


@pytest.mark.parametrize(
    "text",
    [
        "select a customer from the list",
        "delete the row from the table",
        "update the order when the customer pays",
        "selected items from the offset",  # not a keyword at all
        "Select id, email from customers",  # Title case is never SQL outside a call
        "select the whereabouts from the joinery",  # words only count whole
    ],
)
def test_prose_is_not_standalone_sql(text: str) -> None:
    assert not looks_like_standalone_sql(text)


# -- the fixture: a realistic repository module ---------------------------------------------------------


def test_fixture_repository_module() -> None:
    text = (FIXTURES / "payments_repository.py").read_text(encoding="utf-8")
    result = scan_python_sql("billing/payments_repository.py", text, ScanContext())
    mod = "billing.payments_repository"
    assert_rows(
        result,
        [
            (
                "payments", ("id", "amount", "status", "order_id"), "read", "select", 15,
                f"{mod}.PAYMENTS_FOR_ORDER", HIGH,
            ),
            (
                "payments", ("order_id", "amount", "status"), "write", "insert", 22,
                f"{mod}.PaymentRepository.INSERT_PAYMENT", HIGH,
            ),
            ("payments", ("status",), "write", "update", 37, f"{mod}.PaymentRepository.refund", HIGH),
            ("payments", ("id",), "read", "update", 37, f"{mod}.PaymentRepository.refund", HIGH),
            ("refunds", ("payment_id", "reason"), "write", "insert", 38, f"{mod}.PaymentRepository.refund", HIGH),
            ("payments", (), "read", "select_star", 44, f"{mod}.PaymentRepository.export", HIGH),
            ("payments", ("id", "status", "created_at"), "read", "select", 53, f"{mod}.STALE_PAYMENTS", MEDIUM),
        ],
    )  # fmt: skip
    executed_in = {f.location.line: f.extra.get("executed_in") for f in result.facts}
    assert executed_in[15] == [f"{mod}.PaymentRepository.for_order"]
    assert executed_in[22] == [f"{mod}.PaymentRepository.record"]
    assert executed_in[37] is None  # a local, run where it is built
    assert result.facts[-1].extra == {"statement": "select", "sink": None}


# -- shared plumbing (python_source) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("shop/repositories/orders.py", "shop.repositories.orders"),
        ("shop/__init__.py", "shop"),
        ("src/shop/models.py", "shop.models"),
        ("manage.py", "manage"),
        ("shop\\views.py", "shop.views"),
    ],
)
def test_module_name_for(path: str, expected: str) -> None:
    assert python_source.module_name_for(path) == expected


def test_parse_python_metadata_only_when_asked() -> None:
    plain = python_source.parse_python("a.py", "x = 1\n")
    assert isinstance(plain, python_source.ParsedModule) and plain.wrapper is None
    rich = python_source.parse_python("a.py", "x = 1\n", metadata=True)
    assert isinstance(rich, python_source.ParsedModule) and rich.wrapper is not None
    assert rich.wrapper.module is rich.module


@pytest.mark.filterwarnings("ignore:invalid escape sequence")
def test_string_text_values_match_python() -> None:
    source = textwrap.dedent(
        '''\
        values = [
            "tab\\there\\x41\\u00e9\\N{EM DASH}\\101\\q",
            r"raw\\nstays",
            """two
        lines""",
            ("one "
             'two'),
            f"{a!r:>10} {{braces}} \\n",
            "continued \\
        here",
        ]
        '''
    )
    assign = ast.parse(source).body[0]
    texts = [string_text(element, SourceText(source)) for element in assign.value.elts]
    assert [t.text for t in texts] == [
        "tab\there\x41\u00e9\N{EM DASH}\101\\q",
        "raw\\nstays",
        "two\nlines",
        "one \ntwo",  # a newline joins parts written on different lines
        "{} {braces} \n",
        "continued here",
    ]
    assert [t.file_line(1) for t in texts] == [2, 3, 4, 6, 8, 9]
    assert texts[2].file_line(2) == 5
    assert texts[3].file_line(2) == 7


def test_runsql_rollback_sql_is_marked_as_running_down() -> None:
    source = (
        "from django.db import migrations\n"
        "\n"
        "class Migration(migrations.Migration):\n"
        "    operations = [\n"
        '        migrations.RunSQL("CREATE TABLE notes (id int)", "DROP TABLE notes"),\n'
        '        migrations.RunSQL(sql="ALTER TABLE notes ADD COLUMN body text", reverse_sql="ALTER TABLE notes DROP COLUMN body"),\n'
        "    ]\n"
    )
    facts = scan_python_sql("notes/migrations/0002_notes.py", source, ScanContext()).facts
    assert sorted((f.location.line, f.kind, f.detail, f.extra.get("direction")) for f in facts) == [
        (5, "column_def", "create_table", None),
        (5, "schema_op", "create_table", None),
        (5, "schema_op", "drop_table", "down"),  # each table's history lists the rollback apart
        (5, "table_def", "create_table", None),
        (5, "table_def", "drop_table", "down"),
        (6, "column_def", "add_column", None),
        (6, "column_def", "drop_column", "down"),
        (6, "schema_op", "add_column", None),
        (6, "schema_op", "drop_column", "down"),
    ]


def test_concatenated_pieces_name_the_table_in_the_third() -> None:
    result = scan(
        '''\
        OVERDUE_COLUMNS = "SELECT i.id, i.due_on, i.amount_cents "
        OVERDUE_FILTER = "WHERE i.due_on < now() AND i.paid_at IS NULL"


        def overdue(cur):
            query = (
                OVERDUE_COLUMNS
                + " , a.email "
                + " FROM invoices AS i JOIN accounts AS a ON a.id = i.account_id "
                + OVERDUE_FILTER
            )
            cur.execute(query)
            return cur.fetchall()
        '''
    )
    symbol = f"{MODULE}.OVERDUE_COLUMNS"  # the text begins in that constant
    assert_rows(result, [
        ("invoices", ("id", "due_on", "amount_cents", "account_id", "paid_at"), "read", "select", 9, symbol, HIGH),
        ("accounts", ("email", "id"), "read", "select", 9, symbol, HIGH),
    ])
    invoices = next(f for f in result.facts if f.table == "invoices")
    assert (invoices.location.statement_line, invoices.location.end_line) == (1, 9)  # its pieces span 1 to 9
    assert invoices.extra["column_lines"] == {"id": 1, "due_on": 1, "amount_cents": 1, "paid_at": 2}


def test_an_f_string_join_two_lines_below_a_hole() -> None:
    result = scan(
        '''\
        def shipments_since(cur, schema, days):
            cur.execute(
                f"""
                SELECT s.id, s.shipped_at, c.name
                FROM {schema}.shipments AS s
                WHERE s.shipped_at > now() - interval '{int(days)} days'
                  AND s.carrier_id IN (
                    SELECT c.id FROM carriers AS c
                  )
                """
            )
        '''
    )
    symbol = f"{MODULE}.shipments_since"
    carriers = [f for f in result.facts if f.kind == "access" and f.table == "carriers"]
    assert [(f.location.line, f.location.statement_line, f.location.symbol) for f in carriers] == [(8, 4, symbol)]


def test_data_frame_writers_insert_into_the_table_they_name() -> None:
    result = scan(
        '''\
        import pandas as pd
        import polars as pl

        DAILY_TABLE = "orders_daily"


        def nightly(engine, day):
            frame = pd.read_sql_query("SELECT id, total FROM orders WHERE placed_on = %(day)s", engine, params={"day": day})
            frame.to_sql(DAILY_TABLE, engine, if_exists="append", index=False)
            frame.to_sql(name="order_totals", con=engine, schema="reporting", if_exists="replace")
            pl.from_pandas(frame).write_database(table_name="orders_archive", connection=engine, if_table_exists="append")
            return frame.to_sql("not_a_table")  # no connection: some other library's method
        '''
    )
    symbol = f"{MODULE}.nightly"
    writes = [(f.table, f.detail, f.location.line, f.extra.get("sink"), f.extra.get("if_exists"))
              for f in result.facts if f.access == "write"]
    assert writes == [
        ("orders_daily", "insert", 9, "to_sql", "append"),
        ("reporting.order_totals", "insert", 10, "to_sql", "replace"),
        ("orders_archive", "insert", 11, "write_database", "append"),
    ]
    assert all(f.location.symbol == symbol for f in result.facts)
    assert might_contain_sql("frame.to_sql('orders_daily', engine)")


def test_holes_filled_by_constants_that_name_a_table() -> None:
    """`f"INSERT INTO {TABLE} ..."`, `"... {}".format(TABLE)`, `"... %s" % TABLE` with a module
    constant: the table is known; a hole no constant fills stays dynamic."""
    result = scan(
        '''\
        import sqlite3

        TABLE = "audit_events"
        SCHEMA = "ops"


        def record(conn: sqlite3.Connection, rows, table_name):
            conn.executemany(f"INSERT INTO {TABLE} (kind, payload) VALUES (?, ?)", rows)
            conn.execute(f"DELETE FROM {SCHEMA}.{TABLE} WHERE created_at < now() - interval '90 days'")
            conn.execute("SELECT count(*) FROM {}".format(TABLE))
            conn.execute("SELECT kind FROM %s" % TABLE)
            conn.execute(f"SELECT count(*) FROM {table_name}")
        '''
    )
    symbol = f"{MODULE}.record"
    assert_rows(
        result,
        [
            ("audit_events", ("kind", "payload"), "write", "insert", 8, symbol, "high"),
            ("ops.audit_events", (), "write", "delete", 9, symbol, "high"),
            ("ops.audit_events", ("created_at",), "read", "delete", 9, symbol, "high"),
            ("audit_events", (), "read", "select", 10, symbol, "high"),
            ("audit_events", ("kind",), "read", "select", 11, symbol, "high"),
        ],
    )


def test_prefilter_asks_the_strict_opening_at_every_quote_the_any_case_one_matched() -> None:
    # the first literal opens in Title case (no sink call in the file), a later one in capitals
    assert might_contain_sql('label = "Select a customer"\nQUERY = """\n    UPDATE orders SET status = 1"""\n')
    # a comment inside the first literal holds the quote where the strict opening is
    assert might_contain_sql("x = \"-- see '\nSELECT id FROM orders\"")
    # Title case only, no sink call anywhere: prose
    assert not might_contain_sql('a = "Select a customer"\nb = "Delete the draft"\n')
    # Title case next to a weak sink call (`text(`) counts
    assert might_contain_sql('stmt = text("Delete from orders where id = :id")')
