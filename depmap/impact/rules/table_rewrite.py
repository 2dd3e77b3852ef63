"""Adding the column this way rewrites, scans or is refused by the target database.

*Why is this bad?* `ALTER TABLE ... ADD COLUMN` is metadata-only in the common case, but some
forms copy or read every row while holding a lock that the application's queries queue behind:
on PostgreSQL a volatile default (`clock_timestamp()`, `gen_random_uuid()`, `nextval`), an identity
or serial column, a STORED generated column, or any non-null default before PostgreSQL 11 rewrites
the table under ACCESS EXCLUSIVE; UNIQUE and CHECK read every row under that lock. On MySQL before
8.0.12, with FIRST/AFTER before 8.0.29, on tables with a FULLTEXT index or ROW_FORMAT=COMPRESSED,
and for stored generated, AUTO_INCREMENT, UNIQUE, CHECK or foreign-key columns, InnoDB rebuilds the
table; a second AUTO_INCREMENT column fails. MariaDB copies the table for a non-deterministic
default (UUID()) and adds a CHECK column instantly, without checking existing rows.
SQLite refuses PRIMARY KEY/UNIQUE, NOT NULL without a default, non-constant defaults and STORED
generated columns outright. The time grows with the table: seconds in staging, an outage in
production.

*Example*: `ALTER TABLE orders ADD COLUMN tracking_id uuid NOT NULL DEFAULT gen_random_uuid();`

*Use instead*: add the column plain, set the default afterwards (new rows only), backfill existing
rows in batches, then add constraints without a long lock (NOT VALID + VALIDATE, CREATE INDEX
CONCURRENTLY). The rollout plan has the statements for your server.

References: https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES,
https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations,
https://www.sqlite.org/lang_altertable.html#alter_table_add_column
"""

from __future__ import annotations

import re
from typing import Iterator

from depmap.dialects.capabilities import MYSQL, SQLITE, SQLITE_REBUILD_DOCS, AddColumnCost, TableTraits, add_column_cost, product_label
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, NEW_MIGRATION, WARNING, Finding, proposal_context
from depmap.impact.plan import staged_sql
from depmap.impact.plan_sql import Names, add_column_sql, full_add_sql
from depmap.impact.rule import Rule
from depmap.model import COLUMN_DEF, HIGH, MEDIUM, SCHEMA, TABLE_DEF, Location



def migration_site(ctx: ImpactContext) -> Location | None:
    """The statement that adds the column in the change under review (`check`), or None for a proposal."""
    return ctx.added_at


def is_new_table(ctx: ImpactContext) -> bool:
    """The change under review creates the table itself: there are no rows to rewrite or lock."""
    return ctx.table is None and bool(ctx.changed_paths)


def table_traits(ctx: ImpactContext) -> TableTraits:
    """What the project's DDL says about the table that matters to MySQL's INSTANT algorithm."""
    facts = [f for f in ctx.table_facts() if f.access == SCHEMA or f.kind in (TABLE_DEF, COLUMN_DEF)]
    ddl = " ".join(f.snippet for f in facts if f.via != "orm")
    changes = [f for f in facts if f.kind == COLUMN_DEF and f.detail in ("add_column", "drop_column") and f.via != "orm"]
    return TableTraits(
        fulltext=re.search(r"\bFULLTEXT\b", ddl, re.IGNORECASE) is not None,
        compressed=re.search(r"ROW_FORMAT\s*=\s*COMPRESSED", ddl, re.IGNORECASE) is not None,
        temporary=any(f.extra.get("temporary") for f in facts if f.kind == TABLE_DEF),
        instant_changes=len(changes),
        auto_increment=ctx.table is not None and any(c.extra.get("identity") for c in ctx.table.columns.values()),
    )


def _grade(cost: AddColumnCost) -> tuple[str, str] | None:
    if cost.fails or cost.rewrites:
        return (BREAKING, HIGH) if cost.certain else (WARNING, MEDIUM)
    if cost.scans:
        return WARNING, HIGH
    if not cost.certain:
        return WARNING, MEDIUM
    return None


def _indexes(ctx: ImpactContext) -> str:
    """"its 3 indexes (orders_pkey, orders_status_idx, orders_customer_idx)" from the catalog."""
    table = ctx.table
    names = sorted({ix.name for ix in table.indexes() if ix.name}) if table is not None else []
    if not names:
        return "its indexes"
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"its {len(names)} index{'es' if len(names) != 1 else ''} ({shown})"


def _message(ctx: ImpactContext, cost: AddColumnCost) -> str:
    spec, where = ctx.spec, product_label(ctx.dialect)
    target = f"{spec.table}.{spec.column}"
    reasons = " ".join(cost.reasons)
    if cost.fails and cost.certain:
        return f"On {where}, the ALTER TABLE that adds {target} fails: {reasons}"
    if cost.rewrites and ctx.dialect.family == MYSQL:
        return (f"On {where}, adding {target} rebuilds {spec.table} (ALGORITHM={cost.algorithm}): every row is "
                f"copied, which takes longer the bigger the table. {reasons}")
    if cost.rewrites:
        return (f"On {where}, adding {target} rewrites {spec.table} and {_indexes(ctx)} while holding an {cost.lock} "
                f"lock: every read and write of {spec.table} waits until the rewrite ends, which takes longer the "
                f"bigger the table. {reasons}")
    if cost.scans:
        holding = "" if ctx.dialect.family == MYSQL else f" while holding the {cost.lock}" + (
            "" if cost.lock and cost.lock.endswith("lock") else " lock")
        return (f"On {where}, adding {target} reads every row of {spec.table}{holding}, which takes longer the "
                f"bigger the table. {reasons}")
    return f"What adding {target} costs on {where} depends on facts depmap does not know. {reasons}"


# Causes the staged statements (plain ADD COLUMN, backfill, NOT VALID constraints) take away.
_STAGING_HELPS = frozenset({
    "volatile_default", "old_version_default", "unknown_volatility", "identity", "index", "foreign_key", "check",
    "sqlite_key", "sqlite_not_null", "sqlite_default", "sqlite_fk_default",
})
_REBUILDS_ANYWAY = frozenset({"no_instant", "fulltext", "compressed", "temporary", "row_versions"})


def _fix(ctx: ImpactContext, cost: AddColumnCost) -> str:
    names = Names.of(ctx)
    spec = ctx.spec
    causes = set(cost.causes)
    lead: list[str] = []
    if "unknown_version" in causes:
        lead.append("Set server_version in [tool.depmap] (or --server-version) so depmap can tell.")
    if causes & _REBUILDS_ANYWAY:
        lead.append(f"Run the change with an online schema change tool (gh-ost, pt-online-schema-change), which "
                    f"copies {spec.table} in the background without blocking writes.")
    if "position" in causes:
        plain = full_add_sql(names).rsplit(f" {spec.position}", 1)[0]
        lead.append(f"Or drop {spec.position} so the column goes last, which is instant: {plain}, ALGORITHM=INSTANT;")
    if "stored_generated" in causes or "sqlite_stored" in causes:
        lead.append("Add a plain nullable column instead, fill it in batches with the expression and keep it current "
                    "from the application or a trigger (a VIRTUAL generated column needs no rewrite where supported).")
    if "sqlite_not_null" in causes:
        lead.append(f"Give it a constant default so SQLite can fill existing rows ({add_column_sql(names, default='<value>', not_null=True)};), "
                    f"or add it nullable and backfill; NOT NULL can only be added later by rebuilding the table "
                    f"({SQLITE_REBUILD_DOCS}).")
    if "user_defined_type" in causes:
        lead.append(f"If {spec.type} is a domain with constraints, add the column with the domain's base type, add its "
                    f"CHECK as NOT VALID and VALIDATE it (reads and writes go on); check with `\\dD {spec.type}` in psql.")
    if "sqlite_default" in causes:
        lead.append("Add it without the default and fill existing rows with UPDATE; new rows must then get the value "
                    "from the application.")
    if causes & _STAGING_HELPS:
        steps = staged_sql(ctx)
        if causes & _REBUILDS_ANYWAY:
            steps = [step.replace(", ALGORITHM=INSTANT", "") for step in steps]
        numbered = "\n".join(f"  {n}. {sql}" for n, sql in enumerate(steps, start=1))
        if ctx.dialect.family == SQLITE:
            lead.append(f"The statements, each in its own migration (the rollout plan lists the code to change in between):\n{numbered}")
        else:
            lead.append("A safer approach is to add the column plain and do the expensive parts without a long lock "
                        f"(each in its own migration; the rollout plan lists the code to change in between):\n{numbered}")
    return " ".join(lead) if lead else "See the rollout plan for the staged statements."


def check(ctx: ImpactContext) -> Iterator[Finding]:
    if ctx.dialect.family is None or is_new_table(ctx):
        return
    cost = add_column_cost(ctx.dialect, ctx.spec, table_traits(ctx))
    grade = _grade(cost)
    if grade is None:
        return
    severity, confidence = grade
    site = migration_site(ctx)
    yield Finding(
        rule=RULE.id,
        severity=severity,
        location=site or NEW_MIGRATION,
        message=_message(ctx, cost),
        fix=_fix(ctx, cost),
        snippet=full_add_sql(Names.of(ctx)),
        confidence=confidence,
        related=() if site is not None else proposal_context(ctx.anchor),
    )


RULE = Rule("table-rewrite", BREAKING, check, __doc__)
