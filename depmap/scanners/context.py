"""Project-level context handed to every scanner: derived from files, never from running code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScanContext:
    """What a scanner may know beyond its own file. Kept small and hashable so that a scan
    result can be cached under (file content, context)."""

    dialect: str = "postgres"
