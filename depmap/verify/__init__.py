"""`depmap verify`: prove a proposed schema change on a real, throwaway database.

The static rules predict locks, rewrites and broken statements; this package checks those
predictions against a running engine. It starts its own PostgreSQL or SQLite (`engines`), builds
the schema from depmap's catalog or a schema dump, fills it with generated rows, runs the change
and each rollout step while measuring them, and never touches the user's own database unless the
user hands one over explicitly.
"""
