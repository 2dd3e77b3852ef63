"""The pager runs only for a terminal and only when the output is taller than it."""

from __future__ import annotations

import io

import click
import pytest
from rich.console import Console
from rich.text import Text

from depmap.render import pager


@pytest.fixture
def paged_texts(monkeypatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(click, "echo_via_pager", lambda text, color=None: texts.append(text))
    return texts


def screen(monkeypatch, terminal: bool, height: int) -> io.StringIO:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=terminal, no_color=True, width=80, height=height, soft_wrap=not terminal)
    monkeypatch.setattr(pager, "terminal_console", lambda: console)
    return stream


def print_lines(count: int, enabled: bool = True) -> None:
    with pager.paged(enabled) as out:
        for number in range(1, count + 1):
            out.print(Text(f"line {number}"))


def test_taller_than_the_terminal_goes_to_the_pager(monkeypatch, paged_texts):
    stream = screen(monkeypatch, terminal=True, height=10)
    print_lines(11)
    assert paged_texts == ["".join(f"line {n}\n" for n in range(1, 12))]
    assert stream.getvalue() == ""


def test_what_fits_is_printed_straight(monkeypatch, paged_texts):
    stream = screen(monkeypatch, terminal=True, height=10)
    print_lines(10)
    assert paged_texts == [] and stream.getvalue() == "".join(f"line {n}\n" for n in range(1, 11))


def test_no_pager_in_a_pipe_or_when_turned_off(monkeypatch, paged_texts):
    piped = screen(monkeypatch, terminal=False, height=10)
    print_lines(50)
    assert paged_texts == [] and piped.getvalue().count("\n") == 50
    refused = screen(monkeypatch, terminal=True, height=10)
    print_lines(50, enabled=False)
    assert paged_texts == [] and refused.getvalue().count("\n") == 50
