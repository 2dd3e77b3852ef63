"""On a real database with rows, the change held an ACCESS EXCLUSIVE lock too long (`depmap verify`).

*Why is this bad?* While the ALTER holds ACCESS EXCLUSIVE, every read and write of the table waits.
`depmap verify` runs the change as written on a throwaway database loaded with rows (and, with a
statistics file, scales a rewrite or scan to the production row count): a lock held longer than
`--max-lock-ms` (2,000 by default) is an outage as long as the lock.

*Example*: `ALTER TABLE orders ADD COLUMN touched_at timestamptz DEFAULT clock_timestamp();`
rewrote 1,000,000 rows in 1.7 s, about 60 s at 40,000,000 rows.

*Use instead*: the rollout plan: the column added without the part that rewrites or scans, the
default set afterwards, the rows filled in batches, constraints added NOT VALID and validated.

This finding comes from a measurement only: `impact` and `check` never raise it.
"""

from __future__ import annotations

from depmap.impact.finding import BREAKING
from depmap.impact.rule import Rule

RULE = Rule("verify-lock", BREAKING, lambda ctx: (), __doc__, measured=True)
