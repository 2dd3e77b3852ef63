"""depmap: what a database schema change will touch, found statically before you make it."""

__version__ = "0.1.0"
