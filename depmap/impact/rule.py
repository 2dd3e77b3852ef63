"""The shape of a rule: a stable id, a default severity, a check, and its documentation.

A column rule judges a column being added (`check`, on an `ImpactContext`); an operation rule
judges one other schema operation of a migration under review (`check_operation`, on an
`OperationContext`: an index, a constraint, a SET NOT NULL). A rule may do both.

A column rule judges one kind of change (`changes`): a column added, unless it says it judges
a drop, a rename or a type change of an existing column.

A rule module's docstring is its documentation (summary line; *Why is this bad?*; *Example*;
*Use instead*; references), shown by `depmap explain RULE` and in reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from depmap.impact.context import ImpactContext
from depmap.impact.finding import Finding

if TYPE_CHECKING:
    from depmap.impact.operation_context import OperationContext


def _nothing(_: object) -> Iterable[Finding]:
    return ()


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the usual severity; a rule may raise or lower it per site, dialect or name
    check: Callable[[ImpactContext], Iterable[Finding]]
    doc: str
    check_operation: Callable[[OperationContext], Iterable[Finding]] = _nothing
    measured: bool = False  # raised by `depmap verify` from what a real engine did, never statically
    changes: frozenset[str] = frozenset({"add"})  # the spec changes `check` judges (spec.ColumnSpec.change)

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].rstrip(".")
