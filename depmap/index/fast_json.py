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


_COMPACT = json.JSONEncoder(separators=(",", ":"))  # `json.dumps(value, separators=(",", ":"))`, made once


def dumps(value: Any) -> str:
    """`json.dumps(value, separators=(",", ":"))`, the same text, written by orjson where its text is
    that one (twice as fast with the checks): plain ASCII without DEL (which `json` escapes), made of
    strings, integers, booleans, None, lists, tuples and dicts only. Not a float (`json` writes NaN
    and Infinity, orjson null), nor a type orjson writes and `json` refuses (a dataclass, a date),
    nor what orjson refuses (integers beyond 64 bits, keys that are not strings): `json` writes those."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        return _COMPACT.encode(value)
    if not text.isascii() or "\x7f" in text or not _plain(value):
        return _COMPACT.encode(value)
    return text


_SCALARS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> bool:
    """Whether `value` holds only what orjson writes as `json` does (a float or a date does not)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        value = value.values()
    elif kind is not list and kind is not tuple:
        return False
    for item in value:
        if type(item) not in _SCALARS and not _plain(item):
            return False
    return True
