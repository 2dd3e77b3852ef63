"""Control characters shown as escapes on the terminal; everything else as it is."""

from __future__ import annotations

from depmap.render.printable import printable, printable_lines


def test_every_control_character_becomes_its_escape() -> None:
    assert printable("a\nb\rc\td\x00e\x1b[2Jf\x7fg\x85h\x9bi\u202ej\u2066k") == (
        "a\\nb\\rc\\td\\x00e\\x1b[2Jf\\x7fg\\x85h\\x9bi\\u202ej\\u2066k"
    )


def test_ordinary_text_is_unchanged() -> None:
    text = "shop/café/naïve_模型.py:12 \\ `SELECT *` — ok"
    assert printable(text) == text


def test_layout_keeps_newlines_and_tabs_only() -> None:
    assert printable_lines("fix:\n\tSET x;\x1b]0;title\x07\r") == "fix:\n\tSET x;\\x1b]0;title\\x07\\r"
