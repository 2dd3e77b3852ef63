"""Command line entry point: run the `cli` group with its commands, and turn every error into an
exit code and one line.

Exit codes: 0 ok; 1 a --fail-on threshold was reached; 2 usage error or bad input (unknown
table, malformed spec, missing path, and click's usage errors), with one line saying what to do; 3 an internal error
(a bug in depmap: the traceback is shown with --debug).
"""

from __future__ import annotations

import sys

import click

from depmap.cli import contract, judge, queries, verify  # noqa: F401  (registers their commands on the group)
from depmap.cli.group import EXIT_INTERNAL, EXIT_USAGE, UserError, cli
from depmap.cli.help_texts import attach

attach(cli)  # each command's examples and exit codes, once every command is registered
from depmap.cli.usage_errors import usage_line
from depmap.render.printable import printable


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("depmap: interrupted", err=True)
        sys.exit(130)
    except click.UsageError as error:
        click.echo(f"depmap: {printable(usage_line(error, sys.argv[1:]))}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        if isinstance(error, UserError):
            error.show()
        else:
            click.echo(f"depmap: {printable(error.format_message())}", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:  # a bug in depmap, not the user's fault
        if debug:
            raise
        click.echo(f"depmap: internal error: {type(error).__name__}: {printable(error)} (run with --debug for the traceback)", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(0)
