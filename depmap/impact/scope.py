"""Where a site runs: production code, or a test suite that only fails in CI.

A NOT NULL column breaks `Order.objects.create()` in a test as surely as in a view, but the test
fails on a developer's machine, not in production. Reports keep such sites (the suite must be
updated) one severity lower and say why, so a hundred fixtures do not drown the three real writers.
"""

from __future__ import annotations

import re
from dataclasses import replace

from depmap.impact.finding import BREAKING, WARNING, Finding

_TEST_PATH = re.compile(
    r"(^|/)(tests?|testing|spec|specs|__tests__|testutils|test_utils|fixtures)/"
    r"|(^|/)(test_[^/]*|[^/]*_tests?|conftest|tests?)\.py$"
)


def is_test_path(path: str) -> bool:
    """tests/…, test_x.py, x_test.py, x_tests.py, conftest.py, fixtures/…"""
    return _TEST_PATH.search(path) is not None


def soften_in_tests(finding: Finding) -> Finding:
    """A breaking finding in test code becomes a warning that says it breaks the test suite."""
    if finding.severity != BREAKING or not is_test_path(finding.location.path):
        return finding
    return replace(finding, severity=WARNING, message=f"{finding.message} (Test code: the test suite fails, production does not.)")
