"""A file's scan result as plain data, checked once where it leaves the worker that scanned it.

Everything downstream (the pipe to the parent, the cache, JSON and terminal output, pickled
indexes) relies on facts holding only strings, numbers, booleans, None, lists and dicts. A scanner
that lets anything else through (a Jinja callable rendered into a dbt config, a circular value)
would otherwise fail far from its cause, for the whole run; here it costs its file, with a reason.
Strings decoded from escapes such as `"\\ud800"` in Python source hold lone surrogates, which no
output can encode: they become U+FFFD.
"""

from __future__ import annotations

import json
import re

from depmap.index.cache import encode_result
from depmap.model import Fact, ScanResult, Skipped

# A `\ud800`-`\udfff` escape in source text: the only way a surrogate gets into a decoded file's facts.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def plain_result(result: ScanResult, path: str, text: str | None) -> tuple[ScanResult, bytes]:
    """(the result, encoded for the cache); a result that is not plain data becomes a skip reason."""
    try:
        if text is not None and _SURROGATE_ESCAPE.search(text):
            result = _without_surrogates(result)
        return result, encode_result(result)
    except (TypeError, ValueError, RecursionError) as error:
        failed = ScanResult(skipped=[Skipped(path, f"not analysed: internal error: its scan result is not plain data ({error})")])
        return failed, encode_result(failed)


def _without_surrogates(result: ScanResult) -> ScanResult:
    document = json.dumps([[fact.to_json() for fact in result.facts], [item.to_json() for item in result.skipped]], ensure_ascii=False)
    facts, skipped = json.loads(_SURROGATE.sub("\ufffd", document))
    return ScanResult([Fact.from_json(fact) for fact in facts], [Skipped(**item) for item in skipped])

