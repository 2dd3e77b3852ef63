"""The JSON of the cache's rows, read with orjson where it reads the same as `json`.

Decoding the stored facts is most of what a warm query and a relink spend outside SQLite (the
model facts alone are 8 MB of JSON at a million lines), and orjson reads them about twice as fast.
It refuses a few texts `json` accepts (NaN and Infinity, integers beyond 64 bits): those are read
by `json`, so what a row decodes to never depends on which library read it, and a text neither
accepts raises ValueError as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
