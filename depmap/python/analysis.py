"""The shape of a Python analysis: what a framework package hands the Python scanner.

Its own module, below both the scanner and every analysis, so that neither imports the other's
package to name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from depmap.model import Fact
from depmap.python.tree import ParsedTree
from depmap.scan_context import ScanContext


@dataclass(frozen=True)
class PythonAnalysis:
    """One analysis of a parsed Python file: `wants` is a cheap test on the text (could this file
    matter?), so a file no analysis wants is never parsed; `analyse` is a pure function of the tree."""

    name: str
    wants: Callable[[str], bool]
    analyse: Callable[[ParsedTree, ScanContext], list[Fact]]
