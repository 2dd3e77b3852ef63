"""Holes that stand for whole clauses: `WHERE {filters} {conditions} AND NOT deleted {sorting}`.

A template fills some holes with values (`id = {id}`) and others with SQL fragments: a condition
after WHERE, `AND x = 1` after a condition, an ORDER BY after a query. As identifiers the latter
cannot parse. When a statement fails with holes in it, `without_free_holes` tries once more: a hole
where a condition must start becomes TRUE, a hole right after a complete expression (a name, a
literal, a closing parenthesis, another hole) is dropped, every other hole stays a value. The
tables and the columns written out stay exactly as they were; what the fragments read is unknown.
"""

from __future__ import annotations

import re

from depmap.sql.placeholders import HOLE_PREFIX

_HOLE = re.compile(rf"{HOLE_PREFIX}\d+")
_LAST = re.compile(r"(\w+|\S)\s*$")
_CONDITION_STARTS = frozenset({"WHERE", "HAVING", "ON", "AND", "OR", "NOT", "WHEN"})
# After these a hole is a value or a name: kept.
_VALUE_AFTER = frozenset(
    """SELECT FROM JOIN INTO UPDATE TABLE BY LIMIT OFFSET SET VALUES AS IN IS LIKE ILIKE THEN ELSE
    DISTINCT RETURNING USING WITH INTERVAL CASE BETWEEN ALL ANY SOME EXISTS FETCH TOP""".split()
)


def without_free_holes(text: str) -> str | None:
    """`text` with clause-standing holes replaced, or None when no hole stands for a clause."""
    out: list[str] = []
    recent = ""  # the end of what is kept so far: enough to see the word before a hole
    position = 0
    changed = False
    for match in _HOLE.finditer(text):
        piece = text[position : match.start()]
        out.append(piece)
        recent = (recent + piece)[-200:]
        position = match.end()
        previous = _LAST.search(recent)
        word = previous.group(1).upper() if previous else ""
        if word in _CONDITION_STARTS:
            kept = "TRUE"
        elif word and word not in _VALUE_AFTER and (word[0].isalnum() or word[0] in "_)'\""):
            kept = ""  # a fragment after a complete expression: dropped
        else:
            kept = match.group(0)
        changed = changed or kept != match.group(0)
        out.append(kept)
        recent = (recent + kept)[-200:]
    out.append(text[position:])
    return "".join(out) if changed else None
