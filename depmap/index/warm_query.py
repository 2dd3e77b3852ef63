"""A warm query's partial index, straight from the stored rows, when the tree is unchanged.

Two ways to know it is: `proved_partial` compares every scanned file's stat with the scan cache's
row and the index key made of their digests with the stored one, then vouches for the tree
(`depmap.index.warm_state`); `vouched_partial` finds that vouching still holds for the tree the
discovery snapshot saw. Either returns the `Index` of `stored_index.partial_index`, or None: the
caller (`build.build_index`) then builds it the usual way.
"""

from __future__ import annotations

import time
from typing import Any

from depmap.discover import SourceFile


def proved_partial(index: Any, files: list[SourceFile], cache: Any, store: Any, fresh: Any) -> Any:
    """The partial index of an unchanged project, straight from the store; None when anything
    changed (or the store is damaged): the caller builds the index the usual way."""
    from depmap.index import store as index_store, warm_state
    from depmap.index.cache import scanner_stamp
    from depmap.index.linked_store import StoreDamaged, write_snapshot
    from depmap.index.stored_index import partial_index
    from depmap.index.word_store import current_rows

    started = time.perf_counter()
    digests = cache.unchanged((f.path, f.size, f.mtime_ns, f.ctime_ns) for f in files)
    if digests is None:
        return None
    key = index_store.index_key(scanner_stamp(), cache.context, zip((f.path for f in files), digests), "")
    if fresh.changed:  # a new discovery snapshot: stored between two read transactions
        store.db.execute("COMMIT")
        cache.save((f.path for f in files), also=lambda db: write_snapshot(db, fresh.snapshot))
        store.db.execute("BEGIN")
    if store.meta("key") != key:
        return None
    try:
        warm = partial_index(index, store)
    except StoreDamaged:
        from depmap.index.linked_store import forget_index

        store.close()
        forget_index(index.root)
        return None
    warm_state.vouch(index.root, fresh.snapshot, key, files, index.searched.files, current_rows)
    warm.timings["cache"] = time.perf_counter() - started
    warm.timings["scan"] = warm.timings["graph"] = 0.0
    return warm


def vouched_partial(index: Any, store: Any, fresh: Any) -> Any:
    """The partial index of a tree whose snapshot a stored warm state vouches for
    (`depmap.index.warm_state`): no scan cache opened, no digest looked up, no dbt project read
    for the scan context (which the snapshot's settings and stats fix); None otherwise."""
    from depmap.index import warm_state
    from depmap.index.linked_store import StoreDamaged
    from depmap.index.stored_index import partial_index

    started = time.perf_counter()
    state = warm_state.stored(store.meta("warm_state"))
    if fresh.changed or not warm_state.holds(state, fresh.snapshot, store.meta("key")):
        return None
    try:
        warm = partial_index(index, store)
    except StoreDamaged:
        return None  # the usual way finds the damage again, and forgets the index
    store.warm = state
    warm.timings["cache"] = time.perf_counter() - started
    warm.timings["scan"] = warm.timings["graph"] = 0.0
    return warm
