"""Named cases that fail today, with the defect: their tests are strict xfails, and random trees
(in CI and, unless asked, in benchmarks/fuzz.py) leave them out so that they test the rest.
Delete a line once its defect is fixed: the strict xfail then fails until you do."""

from __future__ import annotations

KNOWN_DEFECTS: dict[str, str] = {}
