"""The shape of a rule: a stable id, a default severity, a check, and its documentation.

A rule module's docstring is its documentation (summary line; *Why is this bad?*; *Example*;
*Use instead*; references), shown by `depmap explain RULE` and in reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from depmap.impact.context import ImpactContext
from depmap.impact.finding import Finding


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the usual severity; a rule may raise or lower it per site, dialect or name
    check: Callable[[ImpactContext], Iterable[Finding]]
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].rstrip(".")
