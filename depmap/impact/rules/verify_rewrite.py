"""On a real database, the change rewrote or scanned the table and no static rule predicted it (`depmap verify`).

*Why is this bad?* depmap's static model of what ADD COLUMN costs missed this form. The table is
rewritten or read in full while the lock is held, which takes longer the bigger the table.

*Example*: before the conformance matrix, a column of a domain type with a CHECK: PostgreSQL
rewrites the table to check every row, which the static model did not know.

*Use instead*: the rollout plan, and a report of the form to depmap's maintainers: the static
model and the engine must agree.

This finding comes from a measurement only: `impact` and `check` never raise it.
"""

from __future__ import annotations

from depmap.impact.finding import WARNING
from depmap.impact.rule import Rule

RULE = Rule("verify-rewrite", WARNING, lambda ctx: (), __doc__, measured=True)
