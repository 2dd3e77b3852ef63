"""Bind parameters and template holes are neutralised before parsing, keeping lines exact.

A hole in a value position reads nothing; a hole in a table position names no table (it is
dynamic); `::type` casts are not `:name` parameters; JSON `?` operators are not qmarks.
"""

from __future__ import annotations

import pytest

from depmap.sql import analyze_sql
from depmap.sql.placeholders import neutralise

from .helpers import A, H, R, check


@pytest.mark.parametrize(
    "placeholder",
    ["%s", "%(status)s", ":status", "?", "$1", "{}", "{status}", "{0}", "{{ status }}", "{{ var('s') }}"],
)
def test_each_placeholder_style_parses_and_reads_nothing_itself(placeholder: str) -> None:
    check(
        f"SELECT id FROM orders WHERE status = {placeholder} AND total > 0",
        [(A, "orders", ("id", "status", "total"), R, "select", H)],
        kind="select",
    )


def test_all_styles_in_one_statement() -> None:
    sql = "UPDATE orders SET a = %s, b = %(b)s, c = :c, d = ?, e = $1, f = {}, g = {g} WHERE id = $2"
    assert neutralise(sql).holes == 8
    check(sql, [(A, "orders", ("a", "b", "c", "d", "e", "f", "g"), "write", "update", H),
                (A, "orders", ("id",), R, "update", H)])


def test_postgres_cast_is_not_a_named_parameter() -> None:
    sql = "SELECT id FROM orders WHERE created_at::date = :day AND note::text <> ''"
    assert neutralise(sql).text == (
        "SELECT id FROM orders WHERE created_at::date = __depmap_hole_1 AND note::text <> ''"
    )
    check(sql, [(A, "orders", ("id", "created_at", "note"), R, "select", H)])


def test_json_question_mark_operators_are_not_placeholders() -> None:
    sql = "SELECT id FROM orders WHERE data ? 'k' AND data ?| array['a'] AND data ?& array['b'] AND id = ?"
    assert neutralise(sql).holes == 1
    check(sql, [(A, "orders", ("id", "data"), R, "select", H)])


def test_percent_in_like_pattern_survives() -> None:
    sql = "SELECT id FROM orders WHERE note LIKE 'x%%' AND id = %s"
    assert neutralise(sql).text == "SELECT id FROM orders WHERE note LIKE 'x%' AND id = __depmap_hole_1"


def test_multiline_jinja_expression_keeps_lines() -> None:
    sql = "SELECT id,\n  {{ col }}\nFROM orders\nWHERE x = {{\n  var('y')\n}}\n  AND z = 1\n"
    neutral = neutralise(sql)
    assert neutral.text.count("\n") == sql.count("\n")
    [result] = analyze_sql(sql)
    assert (result.line, result.end_line) == (1, 7)
    assert [(o.table, o.columns) for o in result.observations] == [("orders", ("id", "x", "z"))]


def test_jinja_table_reference_is_dynamic_and_names_no_table() -> None:
    check("SELECT id FROM {{ ref('orders') }} WHERE x = 1", [], kind="select")


def test_format_table_hole_names_no_table() -> None:
    check("SELECT id FROM {table} WHERE x = 1", [], kind="select")


def test_jinja_if_block_keeps_the_sql_inside() -> None:
    sql = (
        "SELECT id FROM orders\n"
        "{% if is_incremental() %}\n"
        "WHERE updated_at > (SELECT max(updated_at) FROM {{ this }})\n"
        "{% endif %}\n"
    )
    assert neutralise(sql).text.count("\n") == 4
    [result] = analyze_sql(sql)
    assert (result.kind, result.line, result.end_line) == ("select", 1, 3)
    assert [(o.table, o.columns) for o in result.observations] == [("orders", ("id", "updated_at"))]


def test_jinja_comment_and_whitespace_control() -> None:
    check(
        "{# the model #}\nSELECT id FROM orders\n{%- if x -%} WHERE a = 1 {%- endif %}",
        [(A, "orders", ("id", "a"), R, "select", H)],
    )


def test_placeholder_inside_a_string_literal_only_changes_the_literal() -> None:
    check("SELECT id FROM orders WHERE note = 'a %s b'", [(A, "orders", ("id", "note"), R, "select", H)])


def test_a_message_about_neutralised_sql_quotes_the_placeholders_as_written() -> None:
    neutral = neutralise("SELECT * FROM t WHERE a = %(user_id)s AND b IN {{ var('states') }} AND c = ?")
    assert neutral.originals == ("{{ var('states') }}", "%(user_id)s", "?")  # Jinja expressions go first
    assert neutral.restore("Unexpected token near '__depmap_hole_2' and __depmap_hole_1, __depmap_hole_var") == (
        "Unexpected token near '%(user_id)s' and {{ var('states') }}, …"
    )


def test_a_parse_error_names_no_internal_identifier() -> None:
    [result] = analyze_sql("SELECT id FROM articles WHERE MATCH (title) AGAINST (%s IN NATURAL LANGUAGE MODE)", "mysql")
    assert result.kind == "unparsed"
    assert result.error == "Required keyword: 'this' missing for MatchAgainst near '%s'"
    assert [o.extra["error"] for o in result.observations if o.kind == "parse_error"] == [result.error]
