"""The end of each command's `--help`: a few real invocations, and what its exit codes mean.

Kept apart from the command definitions so that every command's help reads alike and one test
(tests/e2e/test_help.py) can hold them all to it: each command has an "Examples" and an "Exit
codes" section, and every example parses against its command. `\b` keeps click from re-wrapping
a block.
"""

from __future__ import annotations

import textwrap

import click

INTERNAL = "3  internal error: a bug in depmap (rerun with --debug for the traceback)"
NOT_USED = "1  not used: {command} does not fail on what it finds"
FOLDER = "a missing project folder, an unknown dialect or option"
TARGET = "an unknown table, model or column (close names are suggested), an ambiguous model, a malformed target, " + FOLDER
REPORT_ERRORS = "an unknown table or model, a malformed type or default, a column that already exists, an unwritable -o file"

# command -> (examples, exit code 0, exit code 1 or None for NOT_USED, exit code 2)
HELP: dict[str, tuple[tuple[str, ...], str, str | None, str]] = {
    "scan": (
        ("depmap scan", "depmap scan samples/shop_sql --format json", "depmap scan --no-cache -v"),
        "the project was scanned (files that could not be read are listed, not fatal)",
        None,
        FOLDER,
    ),
    "tables": (
        ("depmap tables", "depmap tables samples/django_shop --format json"),
        "the tables were listed",
        None,
        FOLDER,
    ),
    "history": (
        ("depmap history orders --path samples/shop_sql", "depmap history orders.status --format json",
         "depmap history Customer.phone --path samples/django_shop"),
        "the schema operations were listed (none is not an error)",
        None,
        TARGET,
    ),
    "who-reads": (
        ("depmap who-reads orders.status --path samples/shop_sql", "depmap who-reads Customer.email --path samples/django_shop",
         "depmap who-reads sales_order --mentions --format json", "depmap who-reads payments.amount --direct --min-confidence high"),
        "the readers were listed (none found is not an error)",
        None,
        TARGET,
    ),
    "who-writes": (
        ("depmap who-writes sales_order.status --path samples/django_shop", "depmap who-writes AccountNote.body --path samples/sqlalchemy_service",
         "depmap who-writes orders --format json"),
        "the writers were listed (none found is not an error)",
        None,
        TARGET,
    ),
    "downstream": (
        ("depmap downstream customers.email --path samples/warehouse", "depmap downstream orders --format json"),
        "the relations fed by the target were listed (none is not an error)",
        None,
        TARGET,
    ),
    "graph": (
        ("depmap graph orders --depth 2 --format dot -o orders.dot --path samples/shop_sql",
         "depmap graph samples/warehouse --format graphml -o warehouse.graphml",
         "depmap graph --format json"),
        "the graph was printed or written",
        None,
        FOLDER + ", an unknown table (with the closest names), an unwritable -o file",
    ),
    "impact": (
        ("depmap impact orders.discount_code --type text --not-null --path samples/shop_sql",
         "depmap impact products.description --drop --path samples/shop_sql",
         "depmap impact orders.status --rename state --path samples/shop_sql",
         "depmap impact customers.full_name --set-type 'varchar(64)' --path samples/shop_sql"),
        "no finding reaches --fail-on (default: never)",
        "a finding reaches --fail-on (the report is printed or written first)",
        REPORT_ERRORS + ", " + FOLDER,
    ),
    "report": (
        ("depmap report orders.discount_code --type text --not-null --path samples/shop_sql",
         "depmap report Customer.nickname --type text -o nickname.html --path samples/django_shop"),
        "no finding reaches --fail-on (default: never)",
        "a finding reaches --fail-on (the page is written first)",
        REPORT_ERRORS + ", " + FOLDER,
    ),
    "check": (
        ("depmap check migrations/0006_order_discount_code.sql", "depmap check --diff origin/main",
         "depmap check --diff origin/main -o depmap.html -o depmap.sarif --fail-on warning"),
        "no finding reaches --fail-on (default: breaking)",
        "a finding reaches --fail-on (the reports are written first)",
        "no migration named and no --diff, an unknown git ref, a missing migration file, an unknown rule in a suppression, "
        + FOLDER,
    ),
    "baseline": (
        ("depmap baseline", "depmap baseline samples/shop_sql"),
        "the baseline was written to .depmap-baseline.json",
        None,
        FOLDER,
    ),
    "verify": (
        ("depmap verify orders.channel --type text --not-null --default \"'web'\" --path samples/shop_sql",
         "depmap verify orders.touched_at --type timestamptz --default \"clock_timestamp()\" --rows 200000 --format json",
         "depmap verify notes_note.pinned --type boolean --engine sqlite --rows 10000",
         "depmap verify --diff origin/main --rows 200000"),
        "nothing reached --fail-on (default: breaking)",
        "a finding reached --fail-on: a static one the database did not contradict, or one only the database showed",
        "no PostgreSQL or SQLite to start (with how to install it), a --dsn database with tables of its own, " + FOLDER,
    ),
    "explain": (
        ("depmap explain", "depmap explain select-star", "depmap explain not-null-without-default --format markdown"),
        "the rules, or the rule's documentation, were printed",
        None,
        "an unknown rule (the closest rule names are suggested)",
    ),
    "schema": (
        ("depmap schema", "depmap schema usages > usages.schema.json", "depmap schema --print", "depmap schema impact --path"),
        "the list, the schema or its path was printed",
        None,
        "an unknown document (the closest names are suggested), --print and --path together",
    ),
}


TARGETS = (
    "TABLE[.COLUMN] or SCHEMA.TABLE[.COLUMN] (orders.status, analytics.orders), or an ORM model and field "
    "by class (Customer.email), Django app label (customers.Customer.email) or qualified name "
    '(shop.customers.models.Customer.email): the field\'s own column is used (db_column=, Column("name", ...), '
    'mapped_column("name")).'
)


def epilog(command: str, takes_target: bool = False) -> str:
    """The Targets (for a command that takes one), Examples and Exit codes sections of its help."""
    examples, ok, failed, bad_input = HELP[command]
    codes = [f"0  {ok}", f"1  {failed}" if failed else NOT_USED.format(command=command), f"2  bad input: {bad_input}", INTERNAL]
    wrapped = [textwrap.fill(line, width=76, initial_indent="  ", subsequent_indent="     ") for line in codes]
    targets = "\b\nTargets:\n" + textwrap.fill(TARGETS, width=78, initial_indent="  ", subsequent_indent="  ") + "\n\n" if takes_target else ""
    return targets + "\b\nExamples:\n" + "\n".join(f"  {line}" for line in examples) + "\n\n\b\nExit codes:\n" + "\n".join(wrapped)


def attach(group: click.Group) -> None:
    """Give every registered command its epilog (a command missing from HELP keeps none, which
    the help test reports)."""
    for name, command in group.commands.items():
        if name in HELP:
            command.epilog = epilog(name, any(param.name == "target" for param in command.params))
