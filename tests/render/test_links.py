"""Source links: a web address plus path and line, and no link at all from any other base."""

from __future__ import annotations

import pytest

from depmap.render.links import source_link


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://github.com/acme/shop/blob/0123abc/", "https://github.com/acme/shop/blob/0123abc/app/a%20b.py#L3-L5"),
        ("HTTP://git.example:8080/shop", "HTTP://git.example:8080/shop/app/a%20b.py#L3-L5"),
        ("https://gitlab.example.com/shop/-/blob/main/{path}#L{line}-{end_line}",
         "https://gitlab.example.com/shop/-/blob/main/app/a%20b.py#L3-5"),
    ],
)
def test_a_web_address_links_to_the_lines(base: str, expected: str) -> None:
    assert source_link(base, "app/a b.py", 3, 5) == expected


@pytest.mark.parametrize(
    "base",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)//{path}",
        " https://github.com/acme/shop/blob/main",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/shop",
        "/local/checkout",
        "https://{path}",
        "https://github.com/acme/shop\"onmouseover=\"alert(1)",
        "https://github.com/acme/shop/<script>",
        "https://github.com/acme/\nshop",
        "ftp://files.example/shop",
    ],
)
def test_any_other_base_makes_no_link(base: str) -> None:
    assert source_link(base, "app/db.py", 3) is None
