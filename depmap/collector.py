"""The cyclic garbage collector paused while a pass allocates many objects and keeps most of them.

Collection passes over objects that stay alive find nothing: a warm query's mention search over
saleor (849k lines) builds 120,000 spans and the texts of 1,200 files, and three full collections
during it cost 0.23 s of a 1.6 s query. Reference counting still frees what is dropped.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collection_paused(freeze: bool = False) -> Iterator[None]:
    """No cyclic collection inside; with `freeze`, what is alive afterwards is moved out of the
    collector's reach for good (`gc.freeze`: for what lives as long as the command), after
    letting a previous freeze's objects be collected again."""
    collecting = gc.isenabled()
    if freeze:
        gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()
