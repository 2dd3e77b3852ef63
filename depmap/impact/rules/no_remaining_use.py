"""Nothing uses the column any more: it can be dropped (the positive statement, with its evidence).

*Why is this bad?* It is not: this is the answer to "is this column still used?". depmap looked
at every scanned file (SQL, ORM models and queries, serializers and forms, dbt models, pipeline
SQL, views, indexes and constraints) and found no reader, writer or dependent object. The plan
still stages the drop, because a deployed release may still use it and the DROP takes a lock.

*Example*: `depmap impact products.legacy_code --drop` when the import code that wrote it was
deleted last month.

*Use instead*: follow the plan: make sure the running release is the one without the code, set a
lock timeout, and drop the column in a migration of its own.

When depmap knows of sites it cannot attribute to the column, it does not claim that nothing
uses it: a template or another file it does not read that names the column, a line of analysed
code that names it without a usage depmap recognised (a name handed to `getattr`, a `Q()` built
apart, a list of field names), SQL on the table it could not parse, a serializer or admin that
exposes every field of a model that maps it. The finding is then a warning that lists them, to
be read before the drop. When the project is a git repository, the last commit that changed a
line naming the column is given as evidence.
"""

from __future__ import annotations

from typing import Iterator

from depmap.impact.column_mentions import NOT_ANALYSED, TEMPLATE, ColumnMention, unattributed_mentions
from depmap.impact.column_uses import code_uses, declared, dependents, existing_column, history_note, listed_by, scanned_files
from depmap.impact.context import ImpactContext
from depmap.impact.finding import INFO, NEW_MIGRATION, WARNING, Finding, Related, proposal_context
from depmap.impact.last_mention import last_mention
from depmap.impact.rule import Rule
from depmap.discover import is_migration_path
from depmap.impact.rules.unparsed_sql import unparsed_on_table
from depmap.impact.scope import is_test_path
from depmap.impact.spec import DROP
from depmap.model import EXPOSURE, Location

def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _reach(ctx: ImpactContext, mapped: bool) -> list[tuple[Location, str]]:
    """Sites depmap knows of that could still reach the column without naming it in a usage."""
    spec, found = ctx.spec, []
    for fact in unparsed_on_table(ctx):
        path = fact.location.path
        if not (is_test_path(path) or is_migration_path(path) or fact.via == "migration" or fact.extra.get("direction") == "down"):
            found.append((Location(path, fact.location.line, fact.location.line), f"SQL on {spec.table} that depmap could not parse"))
    if mapped:
        for fact in ctx.table_facts(EXPOSURE):
            if fact.extra.get("automatic") and not is_test_path(fact.location.path):
                found.append((fact.location, f"the {fact.detail or 'serializer'} exposes every field of the model, {spec.column} too"))
    words = {TEMPLATE: "a template depmap does not read names it",
             NOT_ANALYSED: "a file depmap does not analyse names it",
             "unattributed": "names it, but depmap recognised no usage of the column there"}
    for mention in unattributed_mentions(ctx):
        found.append((mention.location, f"{words[mention.why]}: {mention.text}"))
    return sorted(set(found), key=lambda item: (item[0].path, item[0].line))


_KINDS = (("SQL on", "statement of unparsed SQL", "statements of unparsed SQL"),
          ("a template", "template line", "template lines"),
          ("a file", "line in files depmap does not analyse", "lines in files depmap does not analyse"),
          ("the ", "serializer or admin exposing every field", "serializers or admins exposing every field"),
          ("", "line of code without a recognised usage", "lines of code without a recognised usage"))


def _kinds(reach: list[tuple[Location, str]]) -> str:
    """"2 lines of code without a recognised usage, 1 template line"."""
    counts: dict[tuple[str, str], int] = {}
    for _, note in reach:
        start, one, many = next(kind for kind in _KINDS if note.startswith(kind[0]))
        counts[(one, many)] = counts.get((one, many), 0) + 1
    return ", ".join(f"{n} {one if n == 1 else many}" for (one, many), n in counts.items())


def _used_without_naming(ctx: ImpactContext) -> str | None:
    """Why the column is used whether or not code names it: a column of the join table an ORM
    creates for a many-to-many field (a primary key is a dependent object, said elsewhere)."""
    spec, column = ctx.spec, existing_column(ctx)
    extra = column.extra if column is not None else {}
    if extra.get("through") != "auto":
        return None
    owner = str(extra.get("model") or "").rsplit(".", 1)[-1]
    return (f"{spec.table} is the join table Django creates for the many-to-many field {owner}.{extra.get('field')}: "
            f"Django reads and writes {spec.column} through that field, whether or not code names it")


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    uses = [u for u in code_uses(ctx) if not is_test_path(u.location.path)]
    if uses or listed_by(ctx) or dependents(ctx):
        return
    structural = _used_without_naming(ctx)
    if structural is not None:
        yield Finding(RULE.id, WARNING, ctx.added_at or NEW_MIGRATION,
                      f"No usage depmap recognised names {spec.table}.{spec.column}, but it is still used: {structural}.",
                      "Keep it; drop the table (or the relation) instead if nothing uses the rows any more.",
                      related=proposal_context(ctx.anchor) if ctx.added_at is None else ())
        return
    fields = declared(ctx)
    files = scanned_files(ctx)
    name = f"{spec.table}.{spec.column}"
    evidence = [f"no query, serializer or form names it in {_plural(files, 'scanned file')}",
                "no view, index or constraint depends on it"]
    if fields:
        mapped = ", ".join(f"{d.model.class_name}.{d.field.name} ({d.field.path}:{d.field.line})" for d in fields)
        evidence.insert(0, f"only the ORM field {mapped} still maps it (remove it first)")
    else:
        evidence.insert(1, "no ORM model maps it")
    in_tests = [u for u in code_uses(ctx) if is_test_path(u.location.path)]
    if in_tests:
        evidence.append(f"only test code still names it ({_plural(len(in_tests), 'site')}, listed apart)")
    note = history_note(ctx)
    if note:
        evidence.append(f"the column was {note}")
    commit = last_mention(ctx.root, spec.column)
    if commit:
        evidence.append(f"last mentioned in {commit}")
    reach = _reach(ctx, bool(fields))
    location = ctx.added_at or NEW_MIGRATION
    context = proposal_context(ctx.anchor) if location is NEW_MIGRATION else ()
    fix = ("Drop it with the plan: a migration of its own, with a lock timeout, once the release without the "
           "code that used it is the one running.")
    if not reach:
        yield Finding(RULE.id, INFO, location,
                      f"{name} has no remaining use: " + "; ".join(evidence) + "; no other line of the project names it.",
                      fix, related=context)
        return
    first = "; ".join(f"{where.path}:{where.line}" for where, _ in reach[:3])
    yield Finding(RULE.id, WARNING, location,
                  f"No usage depmap recognised names {name}, but {len(reach)} site{'s' * (len(reach) != 1)} could still reach it "
                  f"({_kinds(reach)}: {first}{', ...' * (len(reach) > 3)}): read them before dropping it. Evidence: " + "; ".join(evidence) + ".",
                  "Check each listed site: remove or rename what still uses the column, then drop it with the plan "
                  "(a migration of its own, with a lock timeout).",
                  related=context + tuple(Related(where, text) for where, text in reach))


RULE = Rule("no-remaining-use", INFO, check, __doc__, changes=frozenset({DROP}))
