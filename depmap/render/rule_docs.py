"""A rule's documentation for `depmap explain`: the Markdown of its module docstring, as Markdown,
rendered for a terminal, or as plain text for a pipe.

The docstrings are written in Markdown that reads well as it is (`*Why is this bad?*`, indented
code), so a pipe gets them unchanged under a one-line title; a terminal gets them rendered by rich
(emphasis, code blocks, no backticks); `--format markdown` gets a document to paste elsewhere.
"""

from __future__ import annotations

from typing import Iterable

from rich.console import Console
from rich.markdown import Markdown

from depmap.impact.rule import Rule
from depmap.render.markdown_escape import md_cell


def rule_markdown(rule: Rule) -> str:
    """The rule as a Markdown document: its id as the heading, its severity, its documentation."""
    return f"# {rule.id}\n\nSeverity: **{rule.severity}**\n\n{rule.doc.strip()}\n"


def rule_plain(rule: Rule) -> str:
    """The rule for a pipe: a title line, then the documentation as written."""
    return f"{rule.id} ({rule.severity})\n\n{rule.doc.strip()}\n"


def print_rule(console: Console, rule: Rule) -> None:
    """The rule rendered for a terminal."""
    console.print(Markdown(rule_markdown(rule)))


def rules_plain(rules: Iterable[Rule]) -> str:
    return "".join(f"{rule.id:<26} {rule.severity:<9} {rule.summary}\n" for rule in rules)


def rules_markdown(rules: Iterable[Rule]) -> str:
    rows = "".join(f"| `{rule.id}` | {rule.severity} | {md_cell(rule.summary)} |\n" for rule in rules)
    return "| rule | severity | what it catches |\n|---|---|---|\n" + rows
