"""How deep brackets nest in a text: checked before text reaches a native parser.

The parsers depmap calls in compiled code (libcst's for Python, sqlglot's for SQL) recurse on the C
stack, so input nested deeply enough ends the process with a segmentation fault instead of an
exception. Their callers measure the nesting first, on the raw text (brackets inside strings and
comments count too: an upper bound), and refuse what is past the parser's limit.
"""

from __future__ import annotations

import re

_OPENING = {"(": ")", "[": "]", "{": "}"}


def nesting_depth(text: str, brackets: str, limit: int) -> int:
    """The deepest nesting of the `brackets` (opening ones, e.g. "([{") in `text`; 0 when there are
    too few of them to pass `limit` at all, so a normal file costs a count, not a walk."""
    if sum(text.count(bracket) for bracket in brackets) <= limit:
        return 0
    step = {**{bracket: 1 for bracket in brackets}, **{_OPENING[bracket]: -1 for bracket in brackets}}
    others = re.compile("[^" + re.escape("".join(step)) + "]+")
    depth = deepest = 0
    for bracket in others.sub("", text):
        depth += step[bracket]
        deepest = max(deepest, depth)
    return deepest
