"""Multi-statement text and bad SQL: each statement keeps its own lines, bad ones never spoil
good ones, and nothing escapes `analyze_sql` except ValueError for an unknown dialect.
"""

from __future__ import annotations

import pytest

from depmap.sql import analyze_sql

from .helpers import A, H, L, PERR, R, W, assert_rows, check, extra

SCRIPT = """-- migration 0042
-- adds things

/* a block
   comment */

SELECT id FROM orders;
SELECT * FROM
  payments WHERE x = 1;
SELECT id FROM orders WHERE (;
INSERT INTO log (msg) VALUES ('a;b');
"""


def test_each_statement_has_its_own_lines() -> None:
    results = analyze_sql(SCRIPT)
    assert [(r.kind, r.line, r.end_line) for r in results] == [
        ("select", 7, 7),
        ("select", 8, 9),
        ("unparsed", 10, 10),
        ("insert", 11, 11),
    ]
    assert results[1].text == "SELECT * FROM\n  payments WHERE x = 1;"


def test_one_bad_statement_does_not_spoil_the_others() -> None:
    good_first, star, bad, good_last = analyze_sql(SCRIPT)
    assert_rows(good_first, [(A, "orders", ("id",), R, "select", H)])
    assert_rows(star, [(A, "payments", ("x",), R, "select", H), (A, "payments", (), R, "select_star", H)])
    assert_rows(bad, [(PERR, "", (), None, "unparsed", L), (A, "orders", (), R, "unparsed", L)])
    assert_rows(good_last, [(A, "log", ("msg",), W, "insert", H)])


def test_invalid_sql_carries_the_parser_message() -> None:
    result = check(
        "SELECT id FROM orders WHERE (",
        [(PERR, "", (), None, "unparsed", L), (A, "orders", (), R, "unparsed", L)],
        kind="unparsed",
    )
    assert result.error.startswith("Required keyword: 'this' missing for ") and result.error.endswith(" near '('")
    parse_error = next(o for o in result.observations if o.kind == PERR)
    assert extra(parse_error) == {"error": result.error}


def test_statement_nested_past_the_parser_limit_is_not_handed_to_it() -> None:
    """sqlglot's compiled parser overflows its stack on some thousands of nested subqueries (a
    segmentation fault): such a statement is reported unparsed, the next one still analysed."""
    deep = "SELECT * FROM\n" + "(SELECT * FROM\n" * 8000 + "orders\n" + ") x\n" * 8000 + ";\nSELECT id FROM customers;"
    first, second = analyze_sql(deep)
    assert (first.kind, first.line, first.end_line) == ("unparsed", 1, 16002)
    assert first.error == "parentheses nested 8000 deep (more than 256): not parsed"
    assert_rows(second, [(A, "customers", ("id",), R, "select", H)])
    nested_enough = "SELECT * FROM " + "(SELECT * FROM " * 40 + "orders" + ") x" * 40
    assert analyze_sql(nested_enough)[0].kind == "select"


def test_unparsed_statement_sees_written_tables() -> None:
    check(
        "INSERT INTO audit (a) SELECT FROM WHERE orders JOIN x",
        [(PERR, "", (), None, "unparsed", L), (A, "audit", (), W, "unparsed", L), (A, "x", (), R, "unparsed", L)],
        kind="unparsed",
    )


def test_create_function_body_does_not_split_on_inner_semicolons() -> None:
    results = analyze_sql(
        "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  UPDATE orders SET x = 1;\n  RETURN NEW;\nEND;\n"
        "$$ LANGUAGE plpgsql;\nSELECT a FROM t;"
    )
    # the definition, its one statement at its own line, then the next statement of the file
    assert [(r.kind, r.line, r.end_line) for r in results] == [("create_routine", 1, 6), ("update", 3, 3), ("select", 7, 7)]


def test_body_in_an_unsupported_language_is_reported_not_analysed() -> None:
    definition, body = analyze_sql(
        "CREATE FUNCTION f() RETURNS int AS $$\nplpy.execute('UPDATE orders SET x = 1')\n$$ LANGUAGE plpython3u;"
    )
    assert definition.kind == "create_routine"
    assert (body.kind, body.error) == ("unparsed", "the body of a plpython3u routine is not analysed")


def test_do_block_does_not_split_on_inner_semicolons() -> None:
    results = analyze_sql("DO $$ BEGIN DELETE FROM orders; END $$;\nSELECT a FROM b")
    assert [(r.kind, r.line) for r in results] == [("create_routine", 1), ("delete", 1), ("select", 2)]
    assert_rows(results[1], [(A, "orders", (), W, "delete", H)])


def test_unterminated_string_does_not_crash() -> None:
    results = analyze_sql("SELECT 'abc FROM orders WHERE x = 1;\nSELECT id FROM payments;")
    assert [(r.kind, r.line, r.end_line) for r in results] == [("unparsed", 1, 1), ("select", 2, 2)]
    assert results[0].error is not None and "tokenize" in results[0].error
    assert_rows(results[1], [(A, "payments", ("id",), R, "select", H)])


def test_empty_and_comment_only_text() -> None:
    assert analyze_sql("") == []
    assert analyze_sql("  \n-- nothing here\n/* or here */\n") == []
    assert analyze_sql(";;;") == []


def test_unknown_dialect_is_the_only_exception() -> None:
    with pytest.raises(ValueError):
        analyze_sql("SELECT 1", dialect="no-such-dialect")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT",
        "SELECT * FROM",
        "((((((((((",
        "INSERT INTO",
        "UPDATE",
        "DELETE FROM",
        "MERGE INTO t USING",
        "CREATE TABLE (",
        "ALTER TABLE t ADD",
        "WITH x AS (SELECT 1) ",
        "SELECT \x00 FROM t",
        "SELECT 1 FROM t WHERE a = '\\",
        "SELECT * FROM t WHERE a IN (" + "SELECT b FROM u WHERE c IN (" * 200 + "1" + ")" * 400,
        "{% if x %}",
        "}} {{",
        "$$",
        "DO $$ BEGIN",
    ],
)
def test_garbage_never_raises(sql: str) -> None:
    for result in analyze_sql(sql):
        assert result.kind in {"unparsed", "other", "select", "insert", "update", "delete", "merge", "create_table"}
        if result.kind == "unparsed":
            assert result.error


def test_bigquery_merge_insert_row_has_no_values_to_read() -> None:
    check(
        "MERGE INTO orders t USING staging s ON t.id = s.id WHEN NOT MATCHED THEN INSERT ROW",
        [
            (A, "orders", (), W, "merge", H),
            (A, "orders", ("id",), R, "merge", H),
            (A, "staging", ("id",), R, "merge", H),
            ("flow", "staging", (), None, "table", H),
        ],
        dialect="bigquery",
        kind="merge",
    )


def test_query_sqlglot_cannot_scope_keeps_its_tables_at_low() -> None:
    # two tables with the same name in different schemas share the alias `users`
    check(
        "SELECT db1.users.name FROM db1.users JOIN db2.users ON db1.users.id = db2.users.id",
        [(A, "db1.users", (), R, "select", L), (A, "db2.users", (), R, "select", L)],
        kind="select",
    )


def test_template_branches_that_fail_together_are_retried_one_statement_each():
    sql = (
        "{# stats for one tablespace, or all #}\n"  # 1
        "{% if tsid %}\n"  # 2
        "SELECT pg_tablespace_size({{ tsid }}) AS size\n"  # 3
        "{% else %}\n"  # 4
        "SELECT ts.spcname AS name\n"  # 5
        "FROM tablespaces ts\n"  # 6
        "WHERE ts.active;\n"  # 7
        "{% endif %}\n"  # 8
    )
    results = analyze_sql(sql)
    assert [(r.line, r.end_line, r.kind) for r in results] == [(3, 3, "select"), (5, 7, "select")]
    assert [(o.table, o.columns, o.access, o.detail) for o in results[1].observations] == [
        ("tablespaces", ("spcname", "active"), "read", "select")
    ]


def test_unparseable_statements_that_touch_no_data_are_not_reported():
    sql = (
        "COMMENT ON CONSTRAINT \"odd$name\" ON testschema.t IS 'why';\n"
        "CREATE DATABASE <TEST_DB> WITH OWNER = <OWNER>;\n"
        "SELECT id FROM orders WHERE (;\n"
    )
    results = analyze_sql(sql)
    assert [(r.line, r.kind) for r in results] == [(1, "other"), (2, "other"), (3, "unparsed")]
    assert results[0].observations == () and results[1].observations == ()
    assert [(o.kind, o.table, o.detail) for o in results[2].observations] == [
        ("parse_error", "", "unparsed"),
        ("access", "orders", "unparsed"),
    ]


def test_a_cut_that_leaves_clause_fragments_is_not_kept():
    sql = (
        "SELECT id, name FROM products\n"  # 1
        "WHERE price > 0 AND AND\n"  # 2  (broken whatever the branch)
        "{% if only_active %}\n"  # 3
        "AND active\n"  # 4
        "{% endif %}\n"  # 5
        "ORDER BY name\n"  # 6
    )
    results = analyze_sql(sql)
    assert [(r.line, r.end_line, r.kind) for r in results] == [(1, 6, "unparsed")]


@pytest.mark.parametrize(
    "sql, message",
    [("DELETE PROCEDURE", "DELETE without FROM"), ("COPY GRANTS", "COPY without FROM or TO")],
)
def test_statements_missing_a_required_keyword_are_not_accesses(sql, message):
    (result,) = analyze_sql(sql)
    assert (result.kind, result.error) == ("unparsed", message)
    assert [(o.kind, o.table, o.confidence) for o in result.observations] == [("parse_error", "", "low")]


def test_bigquery_allows_delete_without_from():
    (result,) = analyze_sql("DELETE dataset.orders WHERE status = 'void'", "bigquery")
    assert result.kind == "delete"


def test_a_later_statement_is_read_from_its_own_text() -> None:
    # Tokens carry offsets into the whole text: the parser must slice that text, not the statement's,
    # or a second statement's error points at the wrong word and its raw-text fallback loses its table.
    broken = analyze_sql("SELECT 1;\nSELEC x FROM orders;")[1]
    assert broken.error == "Invalid expression / Unexpected token near 'FROM'"
    renamed = analyze_sql("SELECT 1;\nALTER TABLE orders RENAME CONSTRAINT orders_total_check TO orders_total_positive;")[1]
    assert sorted((o.table, o.detail) for o in renamed.observations if o.kind == "access") == [("orders", "ddl")]
