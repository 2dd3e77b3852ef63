"""A drop, rename or type change of an existing column, on the engine (`depmap verify --drop`,
`--rename NEW`, `--set-type T`, and the ones migrations make).

The statement as written is measured like an ADD COLUMN (locks, relfilenode, rows read) and rolled
back, with the views the code creates in place first: on PostgreSQL a view that selects the column
makes the DROP fail, which is what `column-has-dependents` says. The code's statements then meet
the change as it will be deployed (`change_as_deployed`): the views out of the way (CASCADE), and a
narrowing whose rows do not fit made to fit first, as the plan's first step asks. `undo` puts the
column back as it was (a dropped column is added again and refilled from a copy), so the plan's
steps run on the table as it stands today.
"""

from __future__ import annotations

import re
from typing import Any

from depmap.dialects.column_changes import CONVERSION, NARROWING, SqlType, type_direction
from depmap.impact.spec import DROP, RENAME, SET_TYPE
from depmap.verify.run import CONFIRMED, NOT_REPRODUCED, NOT_TESTABLE, Verdict, verdicts

SAVED = "depmap_dropped_column"  # the copy of a dropped column's values, for the undo

# The rules whose verdict comes from the change as written, not from a statement of the code.
CHANGE_RULES = ("column-has-dependents", "column-type-rewrite", "no-remaining-use")


def written_sql(names: Any, engine: str, ctx: Any = None, dialect: str = "postgres") -> str:
    """The change as a migration writes it (PostgreSQL/SQLite syntax); a type change on SQLite, which
    has no ALTER COLUMN, as the rebuild of the table from `ctx`'s catalog (`sqlite_rebuild`, one script)."""
    spec = names.spec
    if engine == "sqlite" and spec.change == SET_TYPE and ctx is not None:
        return rebuild_script(ctx, spec.type or "", dialect)
    if spec.change == DROP:
        return f"ALTER TABLE {names.table} DROP COLUMN {names.column}"
    if spec.change == RENAME:
        return f"ALTER TABLE {names.table} RENAME COLUMN {names.column} TO {_quote(spec.new_name or '')}"
    from depmap.impact.plan_change import alter_type_sql

    old, new = SqlType.of(spec.old_type or ""), SqlType.of(spec.type or "")
    return alter_type_sql(names, new.written, False, convert=type_direction(old, new) == CONVERSION)


def rebuild_script(ctx: Any, new_type: str, dialect: str) -> str:
    from depmap.impact.sqlite_rebuild import rebuild_statements, script

    return script(rebuild_statements(ctx.catalog, ctx.spec.table, ctx.spec.column, new_type, ctx.root, dialect)[0])


def change_as_deployed(names: Any, engine: str, old_type: str, not_null: bool, proposal_failed: bool,
                       views: bool, indexes: list[tuple[str, str]] = ()) -> tuple[list[str], list[str]]:
    """The statements the code meets, and those that put the column back afterwards. `indexes`:
    SQLite's indexes on a dropped column (name, CREATE statement), dropped first as the
    `column-has-dependents` fix says, since SQLite refuses the DROP while they exist."""
    spec, table, column = names.spec, names.table, names.column
    if spec.change == DROP:
        drop = written_sql(names, engine) + (" CASCADE" if views and engine == "postgres" else "")
        if indexes:
            change, undo = change_as_deployed(names, engine, old_type, not_null, proposal_failed, views)
            return ([f'DROP INDEX "{name}"' for name, _ in indexes] + change), undo + [sql for _, sql in indexes]
        saved = f"CREATE TABLE {SAVED} AS SELECT {names.pk} AS depmap_key, {column} AS depmap_value FROM {table}"
        refill = (f"UPDATE {table} SET {column} = (SELECT depmap_value FROM {SAVED} WHERE depmap_key = {table}.{names.pk})"
                  if engine == "sqlite" else
                  f"UPDATE {table} SET {column} = s.depmap_value FROM {SAVED} AS s WHERE s.depmap_key = {table}.{names.pk}")
        undo = [f"ALTER TABLE {table} ADD COLUMN {column} {old_type}", refill, f"DROP TABLE {SAVED}"]
        if not_null and engine == "postgres":
            undo.insert(2, f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
        return [f"DROP TABLE IF EXISTS {SAVED}", saved, drop], undo
    if spec.change == RENAME:
        new = _quote(spec.new_name or "")
        return [written_sql(names, engine)], [f"ALTER TABLE {table} RENAME COLUMN {new} TO {column}"]
    old, new = SqlType.of(old_type), SqlType.of(spec.type or "")
    back = f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {old_type}"
    if type_direction(old, new) == CONVERSION:
        back += f" USING {column}::{old_type}"
    change = [written_sql(names, engine)]
    fit = make_fit(names, old, new) if proposal_failed else None
    return ([fit] if fit else []) + change, [back]


def kept_as_they_were(db: Any, table: str, column: str, change: list[str], undo: list[str], new_type: str) -> tuple[int, int, str]:
    """SQLite: after the rebuild with `new_type`, how many non-NULL values did not convert to its
    affinity (type affinity keeps them as they were: 'n/a' stays text in an INTEGER column), of
    how many; and the storage classes they kept. The rebuild is then undone."""
    from depmap.impact.sqlite_rebuild import STORED_AS, affinity
    from depmap.verify.names import quoted, table_sql
    from depmap.verify.statements import _run_all

    wanted = STORED_AS[affinity(new_type)]
    with db.connect(autocommit=True) as conn:
        conn.isolation_level = None
        _run_all(conn, change)
        try:
            name = quoted(column)
            kinds = conn.execute(f"SELECT typeof({name}), count(*) FROM {table_sql(table)} WHERE {name} IS NOT NULL "
                                 f"GROUP BY 1 ORDER BY 1").fetchall()
        finally:
            _run_all(conn, undo)
    kept = [(kind, count) for kind, count in kinds if kind not in wanted]
    return sum(c for _, c in kept), sum(c for _, c in kinds), ", ".join(kind for kind, _ in kept)


def on_mysql(db: Any, names: Any, ctx: Any) -> Any:
    """MariaDB/MySQL's change as written and its undo, from the column as the engine holds it
    (`mysql_column_change`); None when the table there has no such column."""
    from depmap.impact.plan_sql import primary_key
    from depmap.verify.mysql_column_change import prepare

    return prepare(db, ctx.spec, primary_key(ctx), names.type)


def sqlite_indexes(db: Any, table: str, column: str) -> list[tuple[str, str]]:
    """The indexes SQLite holds on `table`.`column` that a statement created (not a UNIQUE or key's own)."""
    with db.connect(autocommit=True) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                            (table,)).fetchall()
        return [(name, sql) for name, sql in rows
                if any(info[2] == column for info in conn.execute(f'PRAGMA index_info("{name}")').fetchall())]


def make_fit(names: Any, old: SqlType, new: SqlType) -> str | None:
    """The UPDATE that makes every row fit a narrower type (the plan's check-data step, done)."""
    t, c = names.table, names.column
    if new.family == "text" and new.args:
        return f"UPDATE {t} SET {c} = left({c}, {new.args[0]}) WHERE char_length({c}) > {new.args[0]}"
    limits = {2: 32767, 4: 2147483647}
    if old.family == "integer" and new.family == "integer" and new.args and new.args[0] in limits:
        return f"UPDATE {t} SET {c} = 0 WHERE {c} NOT BETWEEN {-limits[new.args[0]] - 1} AND {limits[new.args[0]]}"
    return None


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def misfit_value(spec: Any) -> tuple[str, Any] | None:
    """A value that fits the column's old type and not its new one (narrowing only), with the
    PostgreSQL parameter types it is sent as: what a writer of today may still send."""
    if spec.change != SET_TYPE or not spec.old_type:
        return None
    old, new = SqlType.of(spec.old_type), SqlType.of(spec.type or "")
    if type_direction(old, new) != NARROWING:
        return None
    if new.family == "text" and new.args:
        return "text", "x" * (old.args[0] if old.args else new.args[0] + 1)
    if new.family == "integer" and new.args and new.args[0] == 4:
        return "integer", 3_000_000_000
    if new.family == "integer" and new.args and new.args[0] == 2:
        return "integer", 40_000
    return None


_PARAMETER_TYPES = {"text": ("text", "character varying", "character"), "integer": ("bigint", "integer", "smallint", "numeric")}


def misfit_writers(db: Any, statements: list[Any], change: list[str], undo: list[str], misfit: tuple[str, Any]) -> dict[int, str]:
    """PostgreSQL: each writer run with `misfit` in every parameter of that kind, before and after
    the change, rolled back; the engine's error after, for those that ran before. MariaDB/MySQL,
    whose prepared statements do not say their parameters' types: `misfit` in one parameter at a
    time (`mysql_statements.misfit_errors`)."""
    if db.engine == "mysql":
        from depmap.verify.mysql_statements import misfit_errors
        from depmap.verify.statements import _BIND

        live = [(n, s.text, len(_BIND.findall(s.text))) for n, s in enumerate(statements)
                if s.writes and not s.dynamic and s.view is None]
        return misfit_errors(db, live, change, undo, misfit[1])
    import psycopg
    from psycopg import sql

    from depmap.verify.schema_apply import error_message
    from depmap.verify.statements import _PG_VALUES

    kind, value = misfit
    errors: dict[int, str] = {}
    with db.connect(autocommit=True) as conn:
        prepared = {}
        for number, statement in enumerate(statements):
            if not statement.writes or statement.dynamic or statement.view is not None:
                continue
            try:
                conn.execute(f"PREPARE depmap_fit_{number} AS {statement.text}")
            except psycopg.Error:
                continue
            row = conn.execute("SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s",
                               (f"depmap_fit_{number}",)).fetchone()
            types = row[0] if row and row[0] else []
            if not any(t in _PARAMETER_TYPES[kind] for t in types):
                continue
            values = [sql.SQL("{}::{}").format(sql.Literal(value if t in _PARAMETER_TYPES[kind] else _PG_VALUES.get(t)), sql.SQL(t))
                      for t in types]
            prepared[number] = sql.SQL("EXECUTE {}({})").format(sql.Identifier(f"depmap_fit_{number}"), sql.SQL(", ").join(values))

        def run(number: int) -> str | None:
            try:
                with conn.transaction():
                    conn.execute(prepared[number])
                    raise _RollBack
            except _RollBack:
                return None
            except psycopg.Error as error:
                return error_message(error)

        ran = [n for n in prepared if run(n) is None]
        for statement in change:
            conn.execute(statement)
        try:
            for number in ran:
                error = run(number)
                if error is not None:
                    errors[number] = error
        finally:
            conn.execute("DEALLOCATE ALL")
            for statement in undo:
                conn.execute(statement)
    return errors


class _RollBack(Exception):
    """Leaves a transaction block by rolling it back."""


def change_verdicts(findings: list[Any], spec: Any, proposal: Any, engine: str, table: str, rechecks: list[Any],
                    queue: list[Any], broken_views: dict[str, str] | None = None,
                    kept: tuple[int, int, str] | None = None) -> list[Verdict]:
    """Each static finding of the change: those the change as written answers (`change_verdict`),
    the others as for an added column (a statement at the site, the lock queue)."""
    out = []
    for finding in findings:
        answered = change_verdict(finding, spec, proposal, engine, rechecks, broken_views or {}, kept)
        if answered is None:
            out += verdicts([finding], proposal, engine, table, rechecks, queue)
            continue
        loc = finding.location
        out.append(Verdict(finding.rule, loc.path or None, loc.line or None, *answered))
    return out


def change_verdict(finding: Any, spec: Any, proposal: Any, engine: str, rechecks: list[Any],
                   broken_views: dict[str, str] | None = None, kept: tuple[int, int, str] | None = None) -> tuple[str, str] | None:
    """The verdict of a finding the change as written speaks to; None for the others.
    `broken_views`: MariaDB/MySQL's error for each view read after the change; `kept`: SQLite's
    values that kept another type through the rebuild (`kept_as_they_were`)."""
    rule = finding.rule
    if not rechecks and proposal.error and finding.location.path and rule not in CHANGE_RULES and (
            spec.origin is None or finding.location.path != spec.origin.path):
        return NOT_TESTABLE, f"the change itself failed here ({proposal.error}), so no statement of the code could meet it"
    if rule == "column-has-dependents":
        refuses = re.search(r"\bfails\b|refuses", finding.message) is not None
        if proposal.error:
            named = re.search(r"error in (?:index|view|trigger) (\S+)", proposal.error)  # SQLite names the object
            if named and not re.search(rf"\b{re.escape(named.group(1))}\b", finding.message):
                return NOT_TESTABLE, f"the DROP COLUMN failed on another object first: {proposal.error}"
            return (CONFIRMED if refuses else NOT_REPRODUCED), f"the DROP COLUMN failed: {proposal.error}"
        invalid = "left invalid" in finding.message  # MariaDB/MySQL: the DROP runs, the view fails on use
        if invalid:
            named = next((name for name in (broken_views or {}) if re.search(rf"\b{re.escape(name)}\b", finding.message)), None)
            if named is None:
                return NOT_TESTABLE, f"the DROP COLUMN succeeded ({_catalog_or_rewrite(proposal)}); the view was not created here"
            return CONFIRMED, (f"the DROP COLUMN succeeded ({_catalog_or_rewrite(proposal)}) and the view {named} then "
                               f"failed: {broken_views[named]}")
        if refuses or "succeeds" in finding.message:
            return (NOT_REPRODUCED if refuses else CONFIRMED), f"the DROP COLUMN succeeded ({_catalog_or_rewrite(proposal)})"
        return NOT_TESTABLE, "the index or constraint goes with the column; nothing the DROP itself shows"
    if rule == "column-type-rewrite":
        if proposal.error:
            said = "no ALTER COLUMN" in finding.message or "rebuild" in finding.message.lower()
            return (CONFIRMED if said and engine == "sqlite" else NOT_TESTABLE), f"the ALTER failed: {proposal.error}"
        if proposal.rewrote is None:
            return NOT_TESTABLE, f"{engine} does not say whether a statement rewrote the table"
        return (CONFIRMED if proposal.rewrote else NOT_REPRODUCED), _catalog_or_rewrite(proposal)
    if rule == "no-remaining-use":
        ran = [r for r in rechecks if r.status not in ("not testable here", "fails before the change")]
        broken = [r for r in ran if r.status != "unaffected"]
        if proposal.error:
            return NOT_TESTABLE, f"the DROP COLUMN failed: {proposal.error}"
        if broken:
            first = broken[0]
            return NOT_REPRODUCED, (f"{len(broken)} of {len(ran)} re-run statement(s) on {spec.table} {first.status}, first at "
                                    f"{first.statement.path}:{first.statement.line}")
        return CONFIRMED, (f"the DROP ran ({_catalog_or_rewrite(proposal)}) and all {len(ran)} re-run statement(s) of the code "
                           f"on {spec.table} ran the same before and after it")
    if rule == "type-change-breaks" and not finding.location.path or (
            rule == "type-change-breaks" and spec.origin is not None and finding.location.path == spec.origin.path
            and finding.location.line == spec.origin.line):
        if proposal.error:
            return CONFIRMED, f"the ALTER failed on the rows: {proposal.error}"
        if kept is not None:
            count, total, kinds = kept
            what = (f"{count:,} of {total:,} values did not convert and were kept as {kinds} (type affinity), which "
                    "readers still get" if count else f"all {total:,} values converted")
            return (CONFIRMED if count else NOT_REPRODUCED), (f"SQLite rebuilt the table without an error ({_catalog_or_rewrite(proposal)}) and checks "
                                    f"no length: {what}")
        return NOT_REPRODUCED, f"every row fit the new type: the ALTER ran ({_catalog_or_rewrite(proposal)})"
    return None


def _catalog_or_rewrite(m: Any) -> str:
    if m.rewrote is None:
        return f"in {m.seconds * 1000:,.1f} ms"
    what = "rewrote the table" if m.rewrote else "changed the catalog only"
    return f"{what} in {m.seconds * 1000:,.1f} ms"


def measure_written(db: Any, statement: str, table: str, statements: list[Any],
                    restore: list[str] = ()) -> tuple[Any, dict[str, str]]:
    """The change as written, measured and rolled back, with the code's views in place; and, on
    MariaDB/MySQL, where the ALTER commits and `restore` puts the column back, the error each view
    gives once the change is made (a view there is not updated with the column: it fails on use)."""
    from depmap.verify import frozen_views
    from depmap.verify.run import measure

    views = [s.view for s in statements if s.view is not None]
    with db.connect(autocommit=True) as conn:
        if db.engine == "sqlite":
            conn.isolation_level = None
        made = [view for view in views if frozen_views.create(conn, db.engine, view) is None]
    broken: dict[str, str] = {}
    try:
        measured = measure(db, [statement], table, keep=db.engine == "mysql")[0]
        if db.engine == "sqlite" and measured.rewrote is False:  # SQLite rewrites rows in place: the b-tree stays
            from dataclasses import replace

            measured = replace(measured, rewrote=None)
        if db.engine == "mysql" and measured.error is None:
            with db.connect(autocommit=True) as conn:
                broken = {view.name: error for view in made if (error := frozen_views.read_error(conn, db.engine, view))}
                for undo in restore:
                    conn.execute(undo)
        return measured, broken
    finally:
        with db.connect(autocommit=True) as conn:
            for view in made:
                frozen_views.drop(conn, db.engine, view)


def create_views(db: Any, statements: list[Any]) -> None:
    """The code's views, created (kept) before the plan runs: the plan's DROP VIEW meets them."""
    from depmap.verify import frozen_views

    with db.connect(autocommit=True) as conn:
        if db.engine == "sqlite":
            conn.isolation_level = None
        for statement in statements:
            if statement.view is not None:
                frozen_views.create(conn, db.engine, statement.view)


def dependent_views(index: Any, ctx: Any, engine: str, known: list[Any]) -> list[Any]:
    """The views of the schema that select the column (`dependents`), as statements to create
    before the change (a migration's CREATE VIEW, read from its file); those the code's own
    statements already create are not repeated."""
    from pathlib import Path

    from depmap.impact.column_uses import dependents
    from depmap.verify.frozen_views import view_text
    from depmap.verify.statements import AppStatement, statement_texts

    found = []
    for dependent in dependents(ctx):
        loc = dependent.location
        if dependent.kind != "view" or not loc.path or any(k.path == loc.path and k.line <= loc.line <= k.last_line for k in known):
            continue
        for first, last, text, dynamic in statement_texts(Path(index.root) / loc.path, loc.path, index.dialect):
            view = None if dynamic or not first <= loc.line <= last else view_text(text, index.dialect, engine)
            if view is not None:
                found.append(AppStatement(loc.path, first, last, text, False, view=view))
                break
    return found
