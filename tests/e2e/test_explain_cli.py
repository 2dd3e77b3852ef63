"""`depmap explain RULE`: the rule's Markdown rendered on a terminal, left as written (readable)
in a pipe, and the raw Markdown document with `--format markdown`."""

from __future__ import annotations

import os
import pty
import re
import subprocess

from depmap.impact.registry import RULES, RULES_BY_ID
from tests.e2e.conftest import REPO, depmap_command

SUMMARY = "`SELECT *` consumers see one more column; code that reads the row by position breaks."


def on_a_terminal(*args: str) -> str:
    """What the command prints when its stdout is a terminal (a pseudo-terminal 100 columns wide)."""
    leader, follower = pty.openpty()
    done = subprocess.Popen([*depmap_command(), *args], stdout=follower, stderr=subprocess.PIPE, cwd=REPO,
                            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "100", "HOME": str(REPO)})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.wait(timeout=60) == 0, done.stderr.read()
    return b"".join(chunks).decode().replace("\r\n", "\n")


STYLE = re.compile(r"\x1b\[[0-9;]*m")


def test_a_terminal_gets_the_markdown_rendered():
    raw = on_a_terminal("explain", "select-star")
    assert "\x1b[1;4mselect-star\x1b[0m" in raw  # the heading in bold, underlined (NO_COLOR keeps styles, not colours)
    shown = [line.rstrip() for line in STYLE.sub("", raw).splitlines()]
    assert shown[0].strip() == "select-star"  # the heading, without its `#`
    assert shown[2] == "Severity: warning"
    assert shown[4] == SUMMARY.replace("`", "")
    assert any(line.startswith("Why is this bad? SELECT * (and RETURNING *, read_sql_table) returns") for line in shown)
    assert "cur.execute(\"SELECT * FROM orders WHERE id = %s\", (order_id,))" in [line.strip() for line in shown]
    assert not [line for line in shown if "`" in line or "*Why" in line or line.startswith("#")]


def test_a_pipe_gets_the_markdown_as_written(depmap):
    run = depmap("explain", "select-star")
    assert run.code == 0
    assert run.out == f"select-star (warning)\n\n{RULES_BY_ID['select-star'].doc.strip()}\n"
    assert run.out.splitlines()[2] == SUMMARY
    assert "*Why is this bad?*" in run.out and "    cur.execute(\"SELECT * FROM orders WHERE id = %s\", (order_id,))" in run.out


def test_format_markdown_prints_the_document(depmap):
    run = depmap("explain", "select-star", "--format", "markdown")
    assert run.code == 0
    assert run.out == f"# select-star\n\nSeverity: **warning**\n\n{RULES_BY_ID['select-star'].doc.strip()}\n"
    listing = depmap("explain", "--format", "markdown").out.splitlines()
    assert listing[:2] == ["| rule | severity | what it catches |", "|---|---|---|"]
    assert [row.split(" | ")[0] for row in listing[2:]] == [f"| `{rule.id}`" for rule in RULES]
    assert listing[2] == "| `column-exists` | error | The column is already defined for the table |"


def test_an_unknown_rule_names_the_closest(depmap):
    run = depmap("explain", "not-null-without-defualt", "--format", "markdown")
    assert (run.code, run.out, run.err) == (2, "", "depmap: unknown rule 'not-null-without-defualt'; did you mean not-null-without-default?\n")
