"""The mention search: every line of the project's files that names a table and that no fact of
the table explains, with its reason.

It runs when a query names the table, over the files the index's discovery lists (and the text
files no scanner reads), reading only those whose bytes hold one of the names. A cost of about
a bytes search per file: see benchmarks/RESULTS.md for a real repository. A warm query asks the
words stored at scan time first (`Index.word_hits`) and reads only the files where they may
name the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from depmap.collector import collection_paused
from depmap.mentions.claims import Claims
from depmap.mentions.classify import FileView, ModelLinks, classify_lines
from depmap.mentions.files import Reader, decode, files_to_search, unread_kind
from depmap.mentions.mention import MentionSearch
from depmap.mentions.names import table_names
from depmap.mentions.words import BINARY, COUNTED, NO_HIT, WordFinder
from depmap.model import Skipped

if TYPE_CHECKING:
    from depmap.index.build import Index


def find_mentions(index: "Index", tables: Sequence[str]) -> MentionSearch:
    """The unexplained mentions of `tables` (one table, or one name in several schemas)."""
    with collection_paused():  # what the search builds stays alive until it is done
        return _search(index, tables)


def _search(index: "Index", tables: Sequence[str]) -> MentionSearch:
    names = table_names(tables, index.facts, index.catalog, index.graph, models=index.model_forms(tables))
    finder = WordFinder(names.forms)
    search = MentionSearch(tuple(tables), names.words())
    if not names.forms:
        return search
    links = ModelLinks(qualname for form in names.forms for qualname in form.links)
    skipped = {}
    for item in index.skipped:
        skipped.setdefault(item.path, item.reason)
    found = index.searched or files_to_search(index.root, index.config)
    reported = set(index.skipped)  # already in every report's "not analysed"
    search.not_searched = [item for item in found.skipped if item not in reported]
    reader = Reader(index.root)
    named: list[tuple[FileView, list]] = []  # classified once the facts of these files are known
    known = index.word_hits(finder) or {}  # what the stored words already say of a file
    for file in found.files:
        stored = known.get(file.path)
        if stored == BINARY:
            continue
        if stored in (NO_HIT, COUNTED):  # no needle in its bytes, or (plain text) none as a word
            search.files_searched += 1
            search.files_read += stored == COUNTED
            continue
        data = reader.read_bytes(file)
        if data is None:
            continue
        if isinstance(data, Skipped):
            search.not_searched.append(data)
            continue
        search.files_searched += 1
        if not finder.may_occur(data):
            continue
        text = decode(file, data)
        if isinstance(text, Skipped):
            search.not_searched.append(text)
            continue
        search.files_read += 1
        occurrences = finder.occurrences(text)
        if not occurrences:
            continue
        reach = max(occurrence.end for occurrence in occurrences)
        named.append((FileView(file.path, file.kind, text, skipped.get(file.path) or unread_kind(file), reach), occurrences))
    paths = [view.path for view, _ in named]
    spans = index.spans_at(paths)
    claims = Claims.from_stored(spans, names.claimants) if spans is not None else Claims(index.facts_at(paths), names.claimants)
    for view, occurrences in named:
        search.mentions.extend(classify_lines(view, occurrences, claims, links))
    search.mentions.sort()
    search.not_searched.sort()
    return search

