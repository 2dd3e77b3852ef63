"""Two `depmap verify` results built in-process, as a run on the shop's PostgreSQL would give them,
with round durations so that every bar's place on the page can be stated exactly. Shared by the
HTML, SARIF and browser tests: rendering needs no engine.

`touched_at`: a volatile default that rewrote orders (2 s, ACCESS EXCLUSIVE), the plan 4 s in all
(two 4 ms statements, then four 998 ms batches), the lock queue with and without a timeout.
`tier`: a NOT NULL column without a default that failed at once; the plan 10 ms in all.
"""

from __future__ import annotations

from pathlib import Path

from depmap.dialects.capabilities import Dialect
from depmap.impact.engine import ImpactReport
from depmap.impact.finding import BREAKING, INFO, WARNING, Finding
from depmap.impact.spec import ColumnSpec
from depmap.model import Location
from depmap.render.verify_outputs import VerifyOutput
from depmap.verify.measure import Measurement
from depmap.verify.queue import QueueRun
from depmap.verify.run import Batch, StepRun, Verdict, VerifyReport
from depmap.verify.schema_apply import Rejected
from depmap.verify.statements import AppStatement, Recheck

MIGRATION = "migrations/0006_touched_at_and_tier.sql"
TOUCHED_AT = Location(MIGRATION, 1, 1)
TIER = Location(MIGRATION, 2, 2)
PG = Dialect("postgres", (16,), "option")
AE, SUE = "AccessExclusiveLock", "ShareUpdateExclusiveLock"


def _ran(statement: str, seconds: float, *locks: tuple[str, str], rows_read: int = 0, rewrote: bool = False) -> Measurement:
    return Measurement(statement, seconds, rewrote=rewrote, rows_read=rows_read, locks=tuple(locks))


def touched_at(origin: Location | None = TOUCHED_AT) -> tuple[VerifyReport, ImpactReport]:
    proposal = _ran("ALTER TABLE orders ADD COLUMN touched_at timestamptz DEFAULT clock_timestamp()", 2.0,
                    ("orders", AE), ("orders_pkey", AE), rewrote=True)
    where = origin or Location("", 0, symbol="the new migration")
    static = [
        Finding("table-rewrite", BREAKING, where, "A volatile default rewrites `orders` under ACCESS EXCLUSIVE.",
                "Add the column without the default, then set it."),
        Finding("lock-timeout", WARNING, where, "The migration takes ACCESS EXCLUSIVE on orders without a lock_timeout.",
                "Run `SET lock_timeout = '5s'` first."),
        Finding("select-star", BREAKING, Location("shop/repositories/orders.py", 81, 81),
                "`SELECT *` from orders returns touched_at as an extra column.", "Name the columns.",
                snippet="SELECT * FROM orders WHERE id = %s"),
        Finding("select-star", WARNING, Location("shop/reports/sales.py", 98, 98),
                "`SELECT *` from orders returns touched_at as an extra column.", "Name the columns."),
        Finding("view-star-frozen", INFO, Location("migrations/0005_inventory_cleanup.sql", 8, 15),
                "The view order_totals keeps its old column list.", "Recreate the view."),
    ]
    verdicts = [
        Verdict("table-rewrite", MIGRATION if origin else None, 1 if origin else None, "confirmed",
                "rewrote the table in 2,000.0 ms"),
        Verdict("lock-timeout", MIGRATION if origin else None, 1 if origin else None, "confirmed",
                "while a transaction held the table for 600 ms, a plain SELECT waited 640 ms behind the waiting statement"),
        Verdict("select-star", "shop/repositories/orders.py", 81, "confirmed", "after the change: cached plan must not change result type"),
        Verdict("select-star", "shop/reports/sales.py", 98, "not reproduced", "the statement ran the same before and after the change"),
        Verdict("view-star-frozen", "migrations/0005_inventory_cleanup.sql", 8, "not testable here",
                "no statement of the code at this site could be re-run (ORM code, or SQL built at run time)"),
    ]
    export = AppStatement("shop/jobs/export.py", 14, 16, "INSERT INTO orders_export\nSELECT * FROM orders\nWHERE placed_at < $1", True)
    measured = [
        Finding("verify-lock", BREAKING, where,
                "The proposal holds ACCESS EXCLUSIVE on orders for 2,000 ms (more than --max-lock-ms 1,000): every read and "
                "write of orders waits that long.", "Follow the rollout plan.", proposal.statement),
        Finding("verify-statement-fails", BREAKING, Location("shop/jobs/export.py", 14, 16),
                "This statement ran before the change and fails after it: INSERT has more expressions than target columns.",
                "Change the statement before the column is added (name its columns, set the new column).", export.text),
    ]
    rechecks = [
        Recheck(AppStatement("shop/repositories/orders.py", 81, 81, "SELECT * FROM orders WHERE id = $1", False),
                None, "cached plan must not change result type"),
        Recheck(AppStatement("shop/reports/sales.py", 98, 98, "SELECT * FROM orders WHERE placed_at >= $1", False), None, None),
        Recheck(AppStatement("shop/reports/archive.py", 30, 30, "SELECT id FROM order_archive", False),
                'relation "order_archive" does not exist', 'relation "order_archive" does not exist'),
        Recheck(export, None, "INSERT has more expressions than target columns"),
    ]
    steps = [
        StepRun(1, "Expand: add the column", [
            _ran("SET lock_timeout = '5s'", 0.0),
            _ran("ALTER TABLE orders ADD COLUMN touched_at timestamptz", 0.004, ("orders", AE)),
            _ran("ALTER TABLE orders ALTER COLUMN touched_at SET DEFAULT clock_timestamp()", 0.004, ("orders", AE)),
        ]),
        StepRun(3, "Backfill existing rows in batches", batches=[Batch(5000, 0.998)] * 4),
    ]
    queue = [QueueRun(None, 600, None, 640.0), QueueRun(200, 600, "canceling statement due to lock timeout", 196.0)]
    result = VerifyReport(
        target="orders.touched_at", table="orders", engine="PostgreSQL 16.4",
        rows={"customers": 2000, "orders": 20000}, load_seconds=1.25, schema_statements=9,
        rejected=[Rejected("CREATE EXTENSION postgis", 'extension "postgis" is not available')],
        schema_notes=["schema from depmap's catalog"], proposal=proposal, steps=steps, verdicts=verdicts,
        findings=measured, rechecks=rechecks, queue=queue,
        change=["ALTER TABLE orders ADD COLUMN touched_at timestamptz DEFAULT clock_timestamp()"],
    )
    spec = ColumnSpec("orders", "touched_at", "TIMESTAMPTZ", default="clock_timestamp()", origin=origin)
    return result, ImpactReport(spec, PG, static, [], [])


def tier() -> tuple[VerifyReport, ImpactReport]:
    failed = Measurement("ALTER TABLE customers ADD COLUMN tier text NOT NULL", 0.0,
                         error='column "tier" of relation "customers" contains null values')
    static = [Finding("not-null-without-default", BREAKING, TIER, "Adding tier NOT NULL without a default fails on a table with rows.",
                      "Add it nullable, backfill, then SET NOT NULL.")]
    steps = [
        StepRun(1, "Expand: add the column", [_ran("ALTER TABLE customers ADD COLUMN tier text", 0.001, ("customers", AE))]),
        StepRun(3, "Backfill existing rows in batches", batches=[Batch(2000, 0.004), Batch(1000, 0.003)]),
        StepRun(4, "Constrain: enforce NOT NULL and constraints", [
            _ran("ALTER TABLE customers VALIDATE CONSTRAINT customers_tier_not_null", 0.0015, ("customers", SUE), rows_read=3000),
            _ran("ALTER TABLE customers ALTER COLUMN tier SET NOT NULL", 0.0005, ("customers", AE)),
        ]),
    ]
    result = VerifyReport(
        target="customers.tier", table="customers", engine="PostgreSQL 16.4", rows={"customers": 3000}, load_seconds=0.5,
        schema_statements=4, rejected=[], schema_notes=[], proposal=failed, steps=steps,
        verdicts=[Verdict("not-null-without-default", MIGRATION, 2, "confirmed", f"the ALTER TABLE failed: {failed.error}")],
        findings=[],
    )
    spec = ColumnSpec("customers", "tier", "TEXT", nullable=False, origin=TIER)
    return result, ImpactReport(spec, PG, static, [], [])


def single_output(root: Path | None = None) -> VerifyOutput:
    """`depmap verify orders.touched_at ...`: one proposal, no migration file."""
    result, report = touched_at(origin=None)
    return VerifyOutput([result], [report], None, [], "depmap verify orders.touched_at --type timestamptz "
                        "--default 'clock_timestamp()' --format html", "shop_sql", root, version="0.1.0")


def migration_output() -> VerifyOutput:
    """`depmap verify --migration migrations/0006_...sql`: both columns it adds."""
    results, reports = zip(touched_at(), tier())
    return VerifyOutput(list(results), list(reports), [MIGRATION], ["migrations/0007_broken.py: not a migration depmap reads"],
                        f"depmap verify --migration {MIGRATION} --format sarif", "shop_sql", None, version="0.1.0")
