"""Unexplained mentions in the terminal and in JSON documents, apart from the usages.

The terminal ends a usage listing with one line that counts them ("12 more lines mention orders
without a classified usage; --mentions lists them"), or lists them grouped by file with their
reason; a JSON document carries them under `mentions` (and what was searched under
`mention_search`) whatever the options, so that a program reads both lists and the usages'
precision is not diluted.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from rich.console import Console
from rich.text import Text

from depmap.mentions import MentionSearch
from depmap.mentions.mention import NOT_ANALYSED, OTHER_TABLE, WHY_WORDS
from depmap.render.printable import printable
from depmap.render.terminal_layout import aligned, print_block, print_line

_DETAILED = frozenset({NOT_ANALYSED, OTHER_TABLE})  # the other reasons say all in their word


def mentions_json(search: MentionSearch) -> dict[str, Any]:
    """The two keys a JSON document gains: `mentions` (sorted by path and line) and `mention_search`."""
    return {"mentions": [m.to_json() for m in search.mentions], "mention_search": search.to_json()}


def summary(search: MentionSearch, label: str, hint: str = "--mentions lists them") -> str:
    """One sentence: how many lines, why, and how to see them; empty when there are none."""
    count = len(search.mentions)
    if not count:
        return ""
    reasons = ", ".join(f"{n} {why}" for why, n in search.by_reason().items())
    lines = "line mentions" if count == 1 else "lines mention"
    return f"{count} more {lines} {label} without a classified usage ({reasons}); {hint}"


def print_mentions(out: Console, search: MentionSearch, label: str, listed: bool, hint: str = "--mentions lists them",
                   limit: int | None = None) -> None:
    """The count line, or with `listed` every mention (at most `limit`) grouped by file, then the files not searched."""
    if not listed:
        sentence = summary(search, label, hint)
        if sentence:
            out.print()
            print_block(out, printable(sentence), "", style="dim")
        if search.not_searched and sentence:
            print_line(out, Text(f"{len(search.not_searched)} files not searched for mentions (too large, minified or unreadable)", style="dim"))
        return
    count = len(search.mentions)
    out.print()
    words = ", ".join(search.names)
    print_line(out, Text(printable(f"Lines that mention {label} without a classified usage: {count} (searched for {words})"), style="bold"))
    room = limit
    for path, items in groupby(search.mentions, key=lambda m: m.path):
        group = list(items)
        if room == 0:
            break
        details = {m.detail for m in group}
        file_note = group[0].detail if len(details) == 1 and all(m.why == NOT_ANALYSED for m in group) else ""
        out.print()
        heading = Text(printable(path), style="bold cyan")
        if file_note:
            heading.append(Text(printable(f"  (not analysed: {file_note})"), style="yellow"))
        print_line(out, heading)
        detailed = not file_note and any(m.why in _DETAILED and m.detail for m in group)
        rows = []
        for mention in group:
            row = [Text(str(mention.line), style="dim"), Text(mention.why, style="yellow")]
            if detailed:
                row.append(Text(printable(mention.detail if mention.why in _DETAILED else ""), style="yellow"))
            row.append(Text(printable(mention.text), style="dim"))
            rows.append(row)
        for line in aligned(rows[:room] if room is not None else rows):
            print_line(out, line)
        if room is not None:
            room = max(room - len(rows), 0)
    if limit is not None and count > limit:
        out.print()
        print_line(out, Text(f"… {count - limit} more not shown (--limit {limit})", style="dim"))
    if count:
        out.print()
        legend = "; ".join(f"{why}: {words}" for why, words in WHY_WORDS.items() if why in search.by_reason())
        print_block(out, legend, "", style="dim")
    if search.not_searched:
        out.print()
        print_line(out, Text(f"Not searched for mentions ({len(search.not_searched)}):", style="bold yellow"))
        for item in search.not_searched:
            print_line(out, Text(f"  {printable(item.path)}: {printable(item.reason)}", style="yellow"))
