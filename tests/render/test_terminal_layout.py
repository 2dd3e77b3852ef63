"""Lines printed where nothing is styled (a pipe, a file) are written straight, as rich writes them."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from depmap.render.terminal_layout import print_line

LINES = [
    Text("shop/orders.py:12\t", style="bold") + Text("  SELECT id,\tstatus FROM orders   ", style="dim"),
    Text("ünïcode 😀 wide\tcells"),
    "  plain string with a trailing tab\t",
    Text("multi\nline\ttext", style="cyan"),
    "",
]


def printed(out: Console) -> str:
    for line in LINES:
        print_line(out, line, style="red")
    return out.file.getvalue()


def test_a_pipe_gets_what_rich_prints_without_rendering_each_line() -> None:
    piped = Console(file=io.StringIO(), no_color=True, highlight=False, width=160, soft_wrap=True)
    recorded = Console(file=io.StringIO(), no_color=True, highlight=False, width=160, soft_wrap=True, record=True)
    assert printed(piped) == printed(recorded) == (
        "shop/orders.py:12         SELECT id,    status FROM orders\n"
        "ünïcode 😀 wide cells\n"
        "  plain string with a trailing tab\n"
        "multi\nline    text\n"
        "\n"
    )


def test_a_styled_console_still_renders_through_rich() -> None:
    styled = Console(file=io.StringIO(), force_terminal=True, color_system="standard", highlight=False, width=160)
    print_line(styled, Text("orders", style="bold"))
    assert styled.file.getvalue() == "\x1b[1morders\x1b[0m\n"
