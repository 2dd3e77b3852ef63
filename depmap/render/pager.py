"""Long terminal output through a pager, as git does: only on a terminal, only when it does not fit.

The text is rendered in full first (at the terminal's width, with its colours); when standard
output is a terminal and the text is taller than it, click pages it: through $PAGER when set,
else `less` with `LESS=-R` unless the user set LESS (colours kept). Pipes, files, CI logs and
`--no-pager` get the text written straight out.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click
from rich.console import Console


def terminal_console() -> Console:
    from depmap.render.text import console

    return console()


@contextmanager
def paged(enabled: bool = True) -> Iterator[Console]:
    """A console to print a command's text output on; paged at the end when taller than the terminal."""
    out = terminal_console()
    if not enabled or not out.is_terminal:
        yield out
        return
    with out.capture() as captured:
        yield out
    text = captured.get()
    if text.count("\n") > out.height:
        click.echo_via_pager(text)
    else:
        out.file.write(text)
        out.file.flush()
