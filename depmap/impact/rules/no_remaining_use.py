"""Nothing uses the column any more: it can be dropped (the positive statement, with its evidence).

*Why is this bad?* It is not: this is the answer to "is this column still used?". depmap looked
at every scanned file (SQL, ORM models and queries, serializers and forms, dbt models, pipeline
SQL, views, indexes and constraints) and found no reader, writer or dependent object. The plan
still stages the drop, because a deployed release may still use it and the DROP takes a lock.

*Example*: `depmap impact products.legacy_code --drop` when the import code that wrote it was
deleted last month.

*Use instead*: follow the plan: make sure the running release is the one without the code, set a
lock timeout, and drop the column in a migration of its own.
"""

from __future__ import annotations

from typing import Iterator

from depmap.impact.column_uses import code_uses, declared, dependents, history_note, listed_by, scanned_files
from depmap.impact.context import ImpactContext
from depmap.impact.finding import INFO, NEW_MIGRATION, Finding, proposal_context
from depmap.impact.rule import Rule
from depmap.impact.scope import is_test_path
from depmap.impact.spec import DROP


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    uses = [u for u in code_uses(ctx) if not is_test_path(u.location.path)]
    if uses or declared(ctx) or listed_by(ctx) or dependents(ctx):
        return
    files = scanned_files(ctx)
    evidence = [f"no reader or writer of {spec.table}.{spec.column} in {files:,} scanned file{'s' * (files != 1)}",
                "no ORM model maps it", "no serializer or form lists it", "no view, index or constraint depends on it"]
    in_tests = [u for u in code_uses(ctx) if is_test_path(u.location.path)]
    if in_tests:
        evidence.append(f"only test code still names it ({len(in_tests)} site{'s' * (len(in_tests) != 1)}, listed apart)")
    note = history_note(ctx)
    if note:
        evidence.append(f"the column was {note}")
    location = ctx.added_at or NEW_MIGRATION
    yield Finding(RULE.id, INFO, location,
                  f"{spec.table}.{spec.column} has no remaining use: " + "; ".join(evidence) + ".",
                  "Drop it with the plan: a migration of its own, with a lock timeout, once the release without the "
                  "code that used it is the one running.",
                  related=proposal_context(ctx.anchor) if location is NEW_MIGRATION else ())


RULE = Rule("no-remaining-use", INFO, check, __doc__, changes=frozenset({DROP}))
