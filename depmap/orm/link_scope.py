"""Which files' linked facts a link is asked for (any linker may ask; it lives with the ORM
linker, the first to run, below every family).

A relink (`depmap.index.relink`) links a few files against the rest's project-level facts and
keeps only the facts located at those few. The ORM linker still built every model's definition
(a table, its columns and declared schema: 28,000 facts at a million lines, a third of such a
relink's linking), all of it dropped afterwards. Inside `located_at(paths)` a linker may
leave out facts it would place only at other files, as long as no later linker reads them to
place facts at these files (a definition is read by the catalog alone, which is built after
linking). Outside it, every fact is wanted, as a full link needs.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator

_WANTED: ContextVar[frozenset[str] | None] = ContextVar("depmap_link_scope", default=None)


@contextmanager
def located_at(paths: Iterable[str] | None) -> Iterator[None]:
    """Link for the facts at `paths` alone (None: every file's)."""
    token = _WANTED.set(frozenset(paths) if paths is not None else None)
    try:
        yield
    finally:
        _WANTED.reset(token)


def wanted(*paths: str) -> bool:
    """Whether facts placed at any of `paths` are asked for."""
    scope = _WANTED.get()
    return scope is None or any(path in scope for path in paths)
