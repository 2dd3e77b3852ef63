"""click's usage errors (unknown option, missing argument, bad choice or number) as one line.

click prints a usage block, a hint and `Error: ...` over four lines; depmap's rule for bad input is
one line saying what was wrong and what to do: `depmap: <what>; run `depmap COMMAND --help` ...`.
"""

from __future__ import annotations

import re

import click

_SUGGESTION = re.compile(r"\.?\s*\(?Did you mean (?:one of: )?(?P<names>.+?)\?\)?$")


def usage_line(error: click.UsageError, args: list[str]) -> str:
    """The one line (without the `depmap: ` prefix) for a usage error in the command line `args`."""
    from depmap.cli.group import cli

    ctx = error.ctx
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        return f"no command given; run one of {', '.join(sorted(cli.commands))} (`depmap --help` says what each does)"
    what = _what(error.format_message())
    if ctx is not None:
        command = None if ctx.parent is None else ctx.info_name
    else:  # click's parser raises some errors (an option missing its value) without a context
        command = next((arg for arg in args if arg in cli.commands), None)
    if command is None:
        return f"{what}; run `depmap --help` for the commands and options"
    return f"{what}; run `depmap {command} --help` for its arguments and options"


def _what(message: str) -> str:
    """click's sentence as a clause: one line, no full stop, lower case, suggestions in brackets."""
    text = " ".join(message.split())
    hint = ""
    suggestion = _SUGGESTION.search(text)
    if suggestion:
        names = suggestion.group("names").rsplit(", ", 1)
        text, hint = text[: suggestion.start()], f" (did you mean {' or '.join(names)}?)"
    text = text.rstrip(".")
    if text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return text + hint
