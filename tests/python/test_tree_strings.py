"""String literals read from `ast` trees: values with the file line of every character (implicit
concatenation, triple quotes, escapes, raw strings, f-string holes), plus the peeks at how a
literal opens and the t-string rewrite."""

from __future__ import annotations

import ast
import textwrap

import pytest

from depmap.python.located_text import LocatedText
from depmap.python.tree import SourceText, without_newer_syntax
from depmap.python.tree_strings import (
    first_operand,
    is_template,
    is_text_expression,
    string_head,
    string_text,
    template_with_format_spec,
    text_structure,
    wrapped_text,
)


def value_of(source: str) -> tuple[ast.expr, SourceText]:
    """The value of the first statement (`x = <value>`) of `source`, and the source's text."""
    text = textwrap.dedent(source)
    statement = ast.parse(text).body[0]
    assert isinstance(statement, (ast.Assign, ast.Expr))
    return statement.value, SourceText(text)


def text_of(source: str) -> LocatedText | None:
    node, text = value_of(source)
    return string_text(node, text)


def test_one_line_literal_is_all_on_its_line() -> None:
    assert text_of('x = "SELECT a\\nFROM t"\n') == LocatedText("SELECT a\nFROM t", (1,) * 15)


def test_implicit_concatenation_on_several_lines_gets_a_newline_between_parts() -> None:
    located = text_of(
        """\
        x = ("SELECT a, "
             "b "  # a comment between parts
             'FROM t')
        """
    )
    assert located == LocatedText("SELECT a, \nb \nFROM t", (1,) * 10 + (1,) + (2, 2) + (2,) + (3,) * 6)


def test_parts_that_would_merge_a_word_are_not_split() -> None:
    located = text_of('x = ("SELECT a"\n     "b FROM t")\n')
    assert located is not None and located.text == "SELECT ab FROM t"
    assert located.lines == (1,) * 8 + (2,) * 8


def test_triple_quoted_literal_counts_its_own_lines() -> None:
    located = text_of('x = """\nSELECT a\n  FROM t"""\n')
    assert located == LocatedText("\nSELECT a\n  FROM t", (1,) + (2,) * 9 + (3,) * 8)


def test_escaped_newline_stays_on_the_line_and_backslash_newline_continues() -> None:
    located = text_of('x = """a\\nb\\\nc"""\n')
    assert located == LocatedText("a\nbc", (1, 1, 1, 2))


def test_raw_string_keeps_backslashes() -> None:
    located = text_of('x = (r"a\\n"\n     r"\\d")\n')
    assert located == LocatedText("a\\n\n\\d", (1, 1, 1, 1, 2, 2))


def test_f_string_holes_become_placeholders_on_their_lines() -> None:
    located = text_of(
        '''\
        x = f"""SELECT {a!r:>{width}} {{literal}}
           FROM {schema}.t WHERE x = '{d["k"]}'"""
        '''
    )
    assert located == LocatedText(
        "SELECT {} {literal}\n   FROM {}.t WHERE x = '{}'",
        (1,) * 20 + (2,) * 27,
        holes=3,
    )


def test_f_string_concatenated_with_plain_literals() -> None:
    located = text_of('x = ("SELECT {a} "\n     f"FROM {t} "\n     "WHERE {b}")\n')
    assert located == LocatedText("SELECT {a} \nFROM {} \nWHERE {b}", (1,) * 11 + (1,) + (2,) * 8 + (2,) + (3,) * 9, 1)


def test_named_escape_in_an_f_string_is_not_a_hole() -> None:
    located = text_of('x = f"a\\N{EM DASH}{b}"\n')
    assert located == LocatedText("a\N{EM DASH}{}", (1, 1, 1, 1), 1)


def test_self_documenting_hole_is_one_placeholder() -> None:
    located = text_of('x = f"{total=}"\n')
    assert located == LocatedText("{}", (1, 1), 1)


def test_bytes_and_non_strings_have_no_text() -> None:
    assert text_of('x = (b"SELECT"\n     b"a")\n') is None
    assert text_of("x = 1\n") is None


def test_windows_line_breaks_inside_a_literal() -> None:
    located = text_of('x = ("""SELECT a\r\n  FROM t"""\r\n     " b")\r\n')
    assert located is not None and located.text == "SELECT a\n  FROM t\n b"
    assert located.lines[-1] == 3 and located.file_line(2) == 2


# What the libcst reader that this module replaced gave for the same literals (recorded from it).
@pytest.mark.parametrize(
    ("source", "value", "lines", "holes"),
    [
        ('x = ("SELECT a "\n  "FROM t "\n\n  "WHERE b")\n', 'SELECT a \nFROM t \nWHERE b', (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4), 0),
        ('x = f"""\n  SELECT {a}\n  FROM {b:>{c}}\n"""\n', '\n  SELECT {}\n  FROM {}\n', (1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3), 2),
        ('x = ("a" \\\n  f"{b}" rf"\\{c}\\n"\n  """d\\\ne""")\n', 'a\n{}\\{}\\nde', (1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 4), 2),
        ('x = f"{x!r}{{}}{y:%Y}\\t{z}"\n', '{}{}{}\t{}', (1, 1, 1, 1, 1, 1, 1, 1, 1), 3),
        ("x = ('''SELECT\r\n  a''' \r\n 'b')\r\n", 'SELECT\n  ab', (1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3), 0),
        ('x = "tab\\there\\x41\\u00e9\\N{EM DASH}\\101"\n', 'tab\thereAé—A', (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 0),
        ('x = f"{a if b else\'c\'} {d[\'e\']} {(lambda: 1)()} {f != g}"\n', '{} {} {} {}', (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 4),
    ],
)
def test_awkward_literals_keep_their_values_and_lines(source: str, value: str, lines: tuple[int, ...], holes: int) -> None:
    assert text_of(source) == LocatedText(value, lines, holes)


def test_string_head_is_the_source_up_to_the_end_or_the_first_hole() -> None:
    for source, head in [
        ('x = ("  SELECT a "\n     "FROM t")\n', "  SELECT a "),
        ('x = r"\\nSELECT"\n', "\\nSELECT"),
        ('x = f"SELECT {a} FROM t"\n', "SELECT "),
        ('x = f"{a} FROM t"\n', ""),
        ('x = b"SELECT"\n', ""),
        ('x = """\nSELECT"""\n', "\nSELECT"),
    ]:
        node, text = value_of(source)
        assert string_head(node, text) == head


def test_text_expressions_through_wrappers_and_plus() -> None:
    node, _ = value_of('x = dedent("SELECT " + table + " WHERE a = %s" % b).strip()\n')
    assert is_text_expression(node)
    first = first_operand(node)
    assert isinstance(first, ast.Constant) and first.value == "SELECT "
    # .strip(), dedent(), the outer +, the inner + of `"SELECT " + table`, "SELECT ", table, %, " WHERE a = %s"
    assert len(list(text_structure(node))) == 8
    format_call, _ = value_of('x = "SELECT {}".format(a)\n')
    assert isinstance(wrapped_text(format_call), ast.Constant)
    assert not is_text_expression(value_of('x = b"SELECT" + c\n')[0])
    keyword_first, _ = value_of('x = dedent(text="SELECT 1")\n')
    assert isinstance(wrapped_text(keyword_first), ast.Constant)


def test_t_strings_are_rewritten_in_place_for_older_pythons() -> None:
    source = 'q = t"SELECT {a} FROM {table:i}"  # t"not a string"\nr = rT"x{b}"\ns = "don\'t"\n'
    readable = without_newer_syntax(source)
    assert readable == 'q = f"SELECT {a} FROM {table:i}"  # t"not a string"\nr = rF"x{b}"\ns = "don\'t"\n'
    assert without_newer_syntax('q = f"{a}"\n') is None
    tree, text = ast.parse(readable), SourceText(source)  # segments come from the text as written
    first, second = (statement.value for statement in tree.body[:2])  # type: ignore[attr-defined]
    assert is_template(first, text) and template_with_format_spec(first, text)
    assert is_template(second, text) and not template_with_format_spec(second, text)
    assert string_text(first, text) == LocatedText("SELECT {} FROM {}", (1,) * 17, 2)
    plain, plain_text = value_of('q = f"SELECT {a:>3}"\n')
    assert not is_template(plain, plain_text) and not template_with_format_spec(plain, plain_text)
