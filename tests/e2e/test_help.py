"""Every command's `--help` ends with real examples and what its exit codes mean: walked over the
registered commands, so a new command without them fails here."""

from __future__ import annotations

import shlex

import click
import pytest
from click.testing import CliRunner

from depmap.cli.main import cli

COMMANDS = sorted(cli.commands)


def section(text: str, title: str) -> list[str]:
    """The lines of one section of the help (`Examples:` up to the next blank line)."""
    lines = text.splitlines()
    assert f"  {title}:" in lines, f"no {title} section (add the command to depmap/cli/help_texts.py)"
    start = lines.index(f"  {title}:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return [line.strip() for line in lines[start:end]]


@pytest.fixture(scope="module")
def helps() -> dict[str, str]:
    runner = CliRunner()
    shown = {}
    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"], terminal_width=100)
        assert result.exit_code == 0, result.output
        shown[name] = result.output
    return shown


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_examples_and_exit_codes(helps, name):
    examples = section(helps[name], "Examples")
    assert 2 <= len(examples) <= 4
    assert all(line.startswith(f"depmap {name}") for line in examples)
    codes = section(helps[name], "Exit codes")
    starts = [line[:3] for line in codes if line[:1].isdigit()]
    assert starts == ["0  ", "1  ", "2  ", "3  "]
    assert codes[-1] == "3  internal error: a bug in depmap (rerun with --debug for the traceback)"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_example_parses_against_its_command(name, helps):
    """An example with an option the command does not have, or a bad choice, fails here."""
    command = cli.commands[name]
    for example in section(helps[name], "Examples"):
        words = shlex.split(example.split(" > ")[0])  # a shell redirection is not the command's
        with click.Context(cli, info_name="depmap"):
            command.make_context(name, words[2:])


def test_target_commands_explain_their_targets(helps):
    takes_target = [name for name in COMMANDS if any(p.name == "target" for p in cli.commands[name].params)]
    assert [name for name in COMMANDS if "  Targets:" in helps[name]] == takes_target
    assert " ".join(section(helps["who-reads"], "Targets")).startswith(
        "TABLE[.COLUMN] or SCHEMA.TABLE[.COLUMN] (orders.status, analytics.orders), or an ORM model and field by class (Customer.email)"
    )


def test_exit_codes_say_what_each_means_for_the_command(helps):
    assert section(helps["impact"], "Exit codes")[:2] == [
        "0  no finding reaches --fail-on (default: never)",
        "1  a finding reaches --fail-on (the report is printed or written first)",
    ]
    assert section(helps["check"], "Exit codes")[0] == "0  no finding reaches --fail-on (default: breaking)"
    assert section(helps["who-reads"], "Exit codes")[1] == "1  not used: who-reads does not fail on what it finds"
    assert section(helps["explain"], "Exit codes")[2] == "2  bad input: an unknown rule (the closest rule names are suggested)"
