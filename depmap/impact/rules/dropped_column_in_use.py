"""Code still reads or writes a column that is being dropped.

*Why is this bad?* Once the column is gone, every statement that names it fails (`column
"legacy_code" does not exist`), an ORM model that still declares it fails on every query (Django
and SQLAlchemy list each mapped column in the SELECTs and INSERTs they build), a serializer or
form that lists it fails when it is built, an `INSERT` without a column list or a `COPY` gets
one value too many, and code that takes `SELECT *` rows apart by position reads the wrong
columns. The database does not know about any of this code: the DROP succeeds, the application
fails afterwards.

*Example*: `ALTER TABLE products DROP COLUMN legacy_code;` while
`shop/repositories/products.py` still runs `SELECT id, legacy_code FROM products`.

*Use instead*: stop using the column first, and drop it last: remove it from the queries, the
serializers and the ORM model (Django: `SeparateDatabaseAndState` removes the field from the
state only; SQLAlchemy: delete the attribute, or make it `deferred()` while code moves off it),
deploy, then run the DROP in a later release. `depmap impact TABLE.COLUMN --drop` lists the sites
and the plan.
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.column_changes import missing_column_error
from depmap.impact.column_uses import COPY, NAMES, POSITIONAL, Use, code_uses, declared, listed_by
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding, Related
from depmap.impact.rule import Rule
from depmap.impact.rules.select_star import driver_reason
from depmap.impact.spec import DROP
from depmap.model import MEDIUM, Location


def _position(ctx: ImpactContext) -> int | None:
    table = ctx.table
    names = list(table.columns) if table is not None else []
    return names.index(ctx.spec.column) if ctx.spec.column in names else None


def _row_reasons(ctx: ImpactContext, use: Use) -> list[tuple[str, int, bool]]:
    """What each positional use of a `SELECT *` row does once the column is gone: (text, line, breaks)."""
    column, position = ctx.spec.column, _position(ctx)
    found = []
    for row_use in use.fact.extra.get("row_use") or []:
        kind, line = row_use.get("kind"), int(row_use.get("line") or 0)
        at = f"at line {line}"
        if kind == "unpack":
            found.append((f"the tuple unpacking of {row_use.get('names')} names {at} raises ValueError: not enough values to unpack", line, True))
        elif kind in ("index", "iloc"):
            indexes = row_use.get("indexes") or [int(row_use.get("index") or 0)]
            shifted = [i for i in indexes if i < 0 or position is None or i >= position]
            if shifted:
                read = ", ".join(f"`row[{i}]`" for i in shifted)
                found.append((f"{read} {at} reads the column after the one it reads today (or fails with IndexError)", line, True))
        elif kind == "zip":
            found.append((f"zip() {at} pairs hard-coded names with the row: every name after {column} gets the wrong value", line, True))
        elif kind == "star_args":
            found.append((f"`{row_use.get('callee') or 'the call'}(*row)` {at} gets one positional argument fewer", line, True))
        elif kind in ("frame_columns", "set_columns"):
            found.append((f"the DataFrame's column names {at} are one more than its columns: ValueError", line, True))
    return found


def _use_finding(ctx: ImpactContext, use: Use) -> Finding | None:
    spec, fact = ctx.spec, use.fact
    where = f"{fact.location.path}:{fact.location.line}"
    name = f"{spec.table}.{spec.column}"
    remove = f"Remove {spec.column} from this statement (and from the code that uses its value) before the drop."
    severity, confidence, related = BREAKING, fact.confidence, ()
    if use.how == NAMES and fact.via == "orm":
        message = (f"{use.verb.capitalize()} {name} through the ORM at {where}: once the model field is removed it fails "
                   "(FieldError or AttributeError).")
    elif use.how == NAMES:
        message = (f"{use.verb.capitalize()} {name} at {where}: once the column is dropped it fails with "
                   f"{missing_column_error(ctx.dialect, spec.table, spec.column)}.")
    elif use.how == POSITIONAL:
        message = (f"Writes every column of {spec.table} by position at {where}: once {spec.column} is dropped it supplies "
                   "one value too many and fails.")
        remove = f"Name the columns it inserts, without {spec.column}, before the drop."
    elif use.how == COPY:
        message = f"Copies every column of {spec.table} at {where} without a column list: once {spec.column} is dropped the data no longer matches."
        remove = f"Give the COPY a column list without {spec.column} before the drop."
    else:  # STAR
        reasons = _row_reasons(ctx, use)
        driver = driver_reason(fact.extra, ctx.dialect.family)
        if driver is not None:
            reasons.append((driver.text, driver.line or 0, driver.breaks))
        breaking = [r for r in reasons if r[2]]
        head = f"`SELECT *` at {where} stops returning {spec.column}"
        if breaking:
            message = f"{head}; " + "; ".join(r[0] for r in breaking) + "."
        else:
            severity, confidence = WARNING, MEDIUM
            message = f"{head}: code that reads it by name from these rows (row['{spec.column}'], row.{spec.column}) fails."
        remove = f"List the columns it needs, without {spec.column}, and stop reading {spec.column} before the drop."
        related = tuple(Related(Location(fact.location.path, line, line), text) for text, line, _ in reasons if line)
    return Finding(RULE.id, severity, fact.location, message, remove, fact.snippet, confidence, related)


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    for use in code_uses(ctx):
        finding = _use_finding(ctx, use)
        if finding is not None:
            yield finding
    for item in declared(ctx):
        model = item.model
        if model.framework == "django":
            fix = (f"Remove the field from {model.class_name} and ship the state change first: in the migration "
                   f"makemigrations writes, wrap `RemoveField` in `migrations.SeparateDatabaseAndState(state_operations=[...])` "
                   "so the column stays until a later migration drops it.")
        else:
            fix = (f"Delete the attribute from {model.class_name} (or make it `deferred(...)` while code still moves off it) "
                   "and deploy that before the drop.")
        yield Finding(RULE.id, BREAKING, item.location,
                      f"{model.class_name}.{item.field.name} ({item.field.path}:{item.field.line}) still maps {spec.table}.{spec.column}: "
                      f"{item.orm} selects every mapped column in the queries it builds, so every query of {model.class_name} "
                      "fails once the column is dropped.", fix, "", item.model.fact.confidence)
    for fact in listed_by(ctx):
        yield Finding(RULE.id, BREAKING, fact.location,
                      f"The {fact.detail or 'serializer'} at {fact.location.path}:{fact.location.line} lists {spec.column}: "
                      "it fails to build once the model field is removed, and returns wrong data until then.",
                      f"Remove {spec.column} from its fields before the drop.", fact.snippet, fact.confidence)


RULE = Rule("dropped-column-in-use", BREAKING, check, __doc__, changes=frozenset({DROP}))
