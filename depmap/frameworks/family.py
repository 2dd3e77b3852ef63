"""What one input family contributes to a scan, declared in its package's `family.py`.

A family is an ORM, a migration tool, a pipeline tool or a place raw SQL is written. It gives the
Python scanner its analyses (run on the one `ast` parse of each Python file), scanners for the
other file kinds it reads, and linkers run once over every file's facts after scanning. Listing
the family in `depmap.registry.FAMILIES` is all it takes to switch it on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from depmap.model import Fact, ScanResult
from depmap.python.analysis import PythonAnalysis
from depmap.scan_context import ScanContext

# A pure function of one file: (path relative to the root, its text, the project context).
Scanner = Callable[[str, str, ScanContext], ScanResult]
# A pure function of every file's facts, run once per scan: symbolic facts in, concrete ones out.
Linker = Callable[[list[Fact]], list[Fact]]


@dataclass(frozen=True)
class Family:
    name: str
    python: tuple[PythonAnalysis, ...] = ()
    files: Mapping[str, tuple[Scanner, ...]] = field(default_factory=dict)  # FileKind -> scanners
    linkers: tuple[Linker, ...] = ()  # shared linkers (the ORM's) may be named by several families
