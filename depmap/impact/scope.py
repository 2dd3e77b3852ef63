"""Where a site runs: production code, or a test suite that only fails in CI.

A NOT NULL column breaks `Order.objects.create()` in a test as surely as in a view, but the test
fails on a developer's machine, not in production. Reports keep such sites (the suite must be
updated) one severity lower and say why, so a hundred fixtures do not drown the three real writers.
"""

from __future__ import annotations

from dataclasses import replace

from depmap.discover import is_test_path  # noqa: F401 (where the rules import it from)
from depmap.impact.finding import BREAKING, WARNING, Finding



def soften_in_tests(finding: Finding) -> Finding:
    """A breaking finding in test code becomes a warning that says it breaks the test suite."""
    if finding.severity != BREAKING or not is_test_path(finding.location.path):
        return finding
    return replace(finding, severity=WARNING, message=f"{finding.message} (Test code: the test suite fails, production does not.)")
