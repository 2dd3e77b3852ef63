"""Messages and fixes: split into paragraphs and code blocks once, rendered safely as HTML and Markdown."""

from __future__ import annotations

from pathlib import Path

from depmap.render.html import inline_html, prose_html
from depmap.render.markdown_escape import md_blocks
from depmap.render.message_text import Block, blocks, code_spans
from depmap.render.run_info import command_line

LOCK_FIX = ("Bound the wait and retry on timeout: put it before the ALTER TABLE:\n  SET lock_timeout = '5s';\n"
            "  ALTER TABLE orders ADD COLUMN note TEXT;\nIf it times out, nothing changed.")


def test_indented_lines_are_one_code_block_between_paragraphs() -> None:
    assert blocks(LOCK_FIX) == [
        Block("Bound the wait and retry on timeout: put it before the ALTER TABLE:"),
        Block("SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note TEXT;", code=True),
        Block("If it times out, nothing changed."),
    ]


def test_a_numbered_list_of_statements_keeps_its_relative_indent_and_blank_lines() -> None:
    text = "The statements:\n  1. ALTER TABLE t ADD COLUMN c int;\n\n  2. UPDATE t\n       SET c = 0;\nDone."
    assert blocks(text) == [Block("The statements:"),
                            Block("1. ALTER TABLE t ADD COLUMN c int;\n\n2. UPDATE t\n     SET c = 0;", code=True),
                            Block("Done.")]


def test_a_fence_runs_to_its_closing_fence_and_keeps_its_language() -> None:
    text = "Use:\n```python\nop.execute('SET lock_timeout = 5000')\n```\nthen migrate.\n\nAnd `this`."
    assert blocks(text) == [Block("Use:"), Block("op.execute('SET lock_timeout = 5000')", code=True, language="python"),
                            Block("then migrate."), Block("And `this`.")]
    assert blocks("Unclosed:\n```\nSELECT 1") == [Block("Unclosed:"), Block("SELECT 1", code=True)]


def test_code_spans_follow_commonmark() -> None:
    assert code_spans("a `b` c ``d ` e`` `f") == [(False, "a "), (True, "b"), (False, " c "), (True, "d ` e"), (False, " `f")]
    assert code_spans("`` `x` ``") == [(True, "`x`")]


def test_html_makes_only_code_spans_and_blocks_markup() -> None:
    assert inline_html("Use `<b>x</b>` not <b>y</b> & z\nnext") == \
        "Use <code>&lt;b&gt;x&lt;/b&gt;</code> not &lt;b&gt;y&lt;/b&gt; &amp; z<br>next"
    html = prose_html(LOCK_FIX + "\n  SELECT '<script>alert(1)</script>';")
    assert html.startswith('<p>Bound the wait and retry on timeout: put it before the ALTER TABLE:</p><div class="code-block"><div class="code"><pre>')
    assert html.count('<div class="code-block">') == 2
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<span class="k">SET</span>' in html and "<span class=\"s1\">'5s'</span>" in html  # highlighted as SQL
    assert "`" not in prose_html("Name the columns instead of `*`: `SELECT id FROM orders`.")


def test_markdown_fences_code_blocks_and_escapes_paragraphs() -> None:
    assert md_blocks(LOCK_FIX + "\n\n<b>*bold*</b>") == (
        "Bound the wait and retry on timeout: put it before the ALTER TABLE:\n\n"
        "```sql\nSET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note TEXT;\n```\n\n"
        "If it times out, nothing changed.\n\n"
        "&lt;b&gt;\\*bold\\*&lt;/b&gt;"
    )


def test_the_command_names_no_absolute_path() -> None:
    root = Path("/home/ci/work/shop")
    argv = ["check", "--diff", "origin/main", "--path", "/home/ci/work/shop", "--path=/home/ci/work/shop/app",
            "-o", "/tmp/build 7/depmap.md", "-o", "depmap.html", "--link-base", "https://example.com/x"]
    assert command_line(argv, root) == (
        "depmap check --diff origin/main --path . --path=app -o depmap.md -o depmap.html --link-base https://example.com/x")
    assert command_line(["impact", "orders.note", "--path", "/srv/shop"]) == "depmap impact orders.note --path shop"
