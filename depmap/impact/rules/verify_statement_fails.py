"""On a real database, a statement of the code ran before the change and fails after it (`depmap verify`).

*Why is this bad?* `depmap verify` finds every SQL statement of the code on the table again, runs
it before and after the change (PostgreSQL: PREPAREd before, EXECUTEd after, as drivers that cache
prepared statements do; writers with generated values, rolled back), and reports those that break
at a site no static rule named.

*Example*: `cur.execute("SELECT * FROM orders WHERE id = %s", ...)` through psycopg 3 after
`ALTER TABLE orders ADD COLUMN ...`: "cached plan must not change result type".

*Use instead*: change the statement before the column is added (name its columns; set the new
column in writers).

This finding comes from a measurement only: `impact` and `check` never raise it.
"""

from __future__ import annotations

from depmap.impact.finding import BREAKING
from depmap.impact.rule import Rule

RULE = Rule("verify-statement-fails", BREAKING, lambda ctx: (), __doc__, measured=True)
