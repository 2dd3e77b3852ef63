"""One finding per line: the compiler format editors jump to, GitHub's annotation commands, GitLab's
Code Quality report."""

from __future__ import annotations

import json

from depmap.dialects.capabilities import Dialect
from depmap.impact.engine import ImpactReport
from depmap.impact.finding import Finding
from depmap.impact.spec import ColumnSpec
from depmap.model import Location
from depmap.render.lines import gcc_lines, github_lines, gitlab_document

STAR = Finding(
    "select-star", "breaking", Location("shop/orders.py", 81, 83, symbol="shop.orders.get"),
    "`SELECT *` from orders returns note as an extra column;\ntuple unpacking at line 84 fails.", "Name the columns.",
    snippet="SELECT * FROM orders WHERE id = %s",
)
LOCK = Finding("lock-timeout", "warning", Location("migrations/0007, note.sql", 3, 3), "Adding orders.note takes a lock: 100% of queries wait.", "SET lock_timeout.")
WHOLE = Finding("unparsed-sql", "info", Location("", 0), "Something about the project.", "Look.")


def _report(*findings: Finding) -> ImpactReport:
    return ImpactReport(ColumnSpec("orders", "note", "TEXT"), Dialect("postgres", (16,), "option"), list(findings), [], [])


def test_gcc_one_line_per_finding() -> None:
    assert gcc_lines([_report(STAR, LOCK, WHOLE)]).splitlines() == [
        "shop/orders.py:81:1: breaking: [select-star] `SELECT *` from orders returns note as an extra column; tuple unpacking at line 84 fails.",
        "migrations/0007, note.sql:3:1: warning: [lock-timeout] Adding orders.note takes a lock: 100% of queries wait.",
        ":1:1: info: [unparsed-sql] Something about the project.",
    ]


def test_github_annotations_are_escaped_workflow_commands() -> None:
    assert github_lines([_report(STAR, LOCK, WHOLE)]).splitlines() == [
        "::error file=shop/orders.py,line=81,endLine=83,title=depmap select-star::`SELECT *` from orders returns note as an extra "
        "column;%0Atuple unpacking at line 84 fails. Fix: Name the columns.",
        "::warning file=migrations/0007%2C note.sql,line=3,title=depmap lock-timeout::Adding orders.note takes a lock: 100%25 of "
        "queries wait. Fix: SET lock_timeout.",
        "::notice title=depmap unparsed-sql::Something about the project. Fix: Look.",
    ]


def test_gitlab_code_quality() -> None:
    issues = json.loads(gitlab_document([_report(STAR, WHOLE)]))
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("select-star", "blocker", {"path": "shop/orders.py", "lines": {"begin": 81}}),
        ("unparsed-sql", "info", {"path": ".", "lines": {"begin": 1}}),
    ]
    assert len({i["fingerprint"] for i in issues}) == 2
    # the fingerprint follows the statement, not its line: an edit above the site keeps it
    moved = Finding(STAR.rule, STAR.severity, Location("shop/orders.py", 90, 92), STAR.message, STAR.fix, snippet=STAR.snippet)
    assert json.loads(gitlab_document([_report(moved)]))[0]["fingerprint"] == issues[0]["fingerprint"]
