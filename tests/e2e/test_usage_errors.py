"""click's usage errors, as a user meets them: one line saying what was wrong and what to do, exit 2."""

from __future__ import annotations

import pytest

COMMANDS = "baseline, check, downstream, explain, graph, history, impact, report, scan, schema, tables, verify, who-reads, who-writes"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "--bogus"], "no such option '--bogus' (did you mean '--jobs' or '--verbose'?); "
                              "run `depmap scan --help` for its arguments and options"),
        (["scan", "--fromat", "json"], "no such option '--fromat' (did you mean '--format'?); run `depmap scan --help` for its arguments and options"),
        (["who-reads"], "missing argument 'TARGET'; run `depmap who-reads --help` for its arguments and options"),
        (["who-reads", "a", "b", "c"], "got unexpected extra argument (c); run `depmap who-reads --help` for its arguments and options"),  # TABLE [PATH]
        (["tables", "--format", "xml"], "invalid value for '--format': 'xml' is not one of 'text', 'json'; "
                                        "run `depmap tables --help` for its arguments and options"),
        (["impact", "orders.x", "--fail-on", "sometimes"], "invalid value for '--fail-on': 'sometimes' is not one of 'breaking', 'warning', "
                                                          "'never'; run `depmap impact --help` for its arguments and options"),
        (["scan", "-j", "x"], "invalid value for '-j' / '--jobs': 'x' is not a valid integer range; "
                              "run `depmap scan --help` for its arguments and options"),
        (["--jobs", "0", "scan"], "invalid value for '-j' / '--jobs': 0 is not in the range x>=1; run `depmap --help` for the commands and options"),
        (["who-reads", "orders", "--path"], "option '--path' requires an argument; run `depmap who-reads --help` for its arguments and options"),
        (["impact", "orders.x", "--not-null=3"], "option '--not-null' does not take a value; run `depmap impact --help` for its arguments and options"),
        (["who-read", "orders"], "no such command 'who-read' (did you mean 'who-reads' or 'who-writes'?); "
                                 "run `depmap --help` for the commands and options"),
        (["bogus"], "no such command 'bogus'; run `depmap --help` for the commands and options"),
        ([], f"no command given; run one of {COMMANDS} (`depmap --help` says what each does)"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(depmap, args: list[str], message: str) -> None:
    run = depmap(*args)
    assert (run.code, run.out, run.err) == (2, "", f"depmap: {message}\n")


def test_help_is_not_an_error(depmap) -> None:
    run = depmap("scan", "--help")
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("Usage: depmap scan [OPTIONS] [PATH]\n")


def test_the_project_folder_is_taken_the_same_way_everywhere(depmap, tmp_path) -> None:
    """`who-reads orders PATH` and `--path PATH` alike; from a subfolder, the project's root."""
    from tests.e2e.conftest import SAMPLE

    positional = depmap("who-reads", "orders", str(SAMPLE), "--no-cache", "--format", "json")
    option = depmap("who-reads", "orders", "--path", str(SAMPLE), "--no-cache", "--format", "json")
    assert positional.code == option.code == 0 and positional.json()["usages"] == option.json()["usages"]
    assert depmap("scan", "--path", str(SAMPLE), "--no-cache", "--format", "json").json()["root"] == str(SAMPLE)
    from_subfolder = depmap("who-reads", "orders", "--no-cache", "--format", "json", cwd=SAMPLE / "shop" / "reports")
    assert from_subfolder.json()["usages"] == option.json()["usages"]
    both = depmap("who-reads", "orders", str(SAMPLE), "--path", str(tmp_path))
    assert (both.code, both.err) == (2, f"depmap: two project folders given ('{SAMPLE}' and --path '{tmp_path}'); pass one\n")
