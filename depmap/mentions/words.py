"""Find the name forms of a table in a file: a bytes test first, then whole words with their lines.

Most files of a project never name a given table, so the first test runs on the raw bytes (one
lower-casing and a substring test per word, in C) and only files that pass are decoded and
searched word by word. A word is whole when no letter, digit or underscore touches it: `blog_post`
is not found in `myblog_posts`, nor `post` in `post_set` (which is a form of its own when it is an
accessor). SQL names match in any case, Python names exactly; accessors also match as a segment of
a Django lookup (`customer__orders__status`), and a default query name only there. `ORDER BY` and
`GROUP BY` are not a table named `order` or `group`.

The same bytes test can be answered without the bytes: `file_words` keeps the runs of letters,
digits and underscores of a file's lower-cased bytes (what a scan stores, `depmap.index.word_store`)
and `needle_parts` the runs of a needle; a needle found in the bytes has each of its parts inside
one of those runs, so a file whose runs hold no part needs no reading.

>>> from depmap.mentions.names import NameForm
>>> finder = WordFinder([NameForm("orders", "table"), NameForm("Order", "model")])
>>> [(o.line, o.text) for o in finder.occurrences("x = 1\\nOrder.objects  # ORDERS\\nOrder BY\\n")]
[(2, 'Order'), (2, 'ORDERS'), (3, 'Order')]
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Iterable

from depmap.mentions.names import ACCESSOR, QUERY_NAME, NameForm

_WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_")
_KEYWORD_FOLLOWS = re.compile(r"\s+by\b", re.I)
_SQL_KEYWORD_WORDS = frozenset({"order", "group"})
# Lower-case ASCII letters, keep digits and "_", and turn every other byte into a space (the end
# of a run of word bytes): `bytes.lower` and a split in one pass.
_RUNS = bytes(ord(chr(c).lower()) if chr(c) in _WORD_CHARS else 32 for c in range(256))
_PARTS = re.compile(rb"[a-z0-9_]+")
_WORD_RUN = re.compile(r"[a-z0-9_]+")
# A word's end any form accepts: no word character after it, or `__`.
_ENDED = r"(?:{})(?:(?![a-z0-9_])|(?=__))"
# The one character outside `_WORD_CHARS` whose lower case is in it (K, U+212A): a text holding
# it is searched without `_ENDED`'s end, which would see a `k` there.
_KELVIN = "\u212a"
# What a file's stored words say for one search (`Index.word_hits`): no needle in its bytes; a
# needle but no possible occurrence (counted as read, not read); maybe an occurrence (read); binary.
NO_HIT, COUNTED, HIT, BINARY = 0, 1, 2, 3


def file_words(data: bytes) -> str:
    """The distinct runs of word bytes of lower-cased `data`, between spaces (" a b "), so that a
    part of a needle is in the file's runs exactly when it is in this string.

    >>> sorted(file_words(b"SELECT * FROM Sales.Orders -- orders").split())
    ['from', 'orders', 'sales', 'select']
    """
    return b" ".join([b"", *set(data.translate(_RUNS).split()), b""]).decode("ascii")


def needle_parts(needle: bytes) -> tuple[str, ...]:
    """The runs of word bytes of one needle; empty when it has none (then every file may hold it).

    >>> needle_parts(b"sales.orders"), needle_parts(b"--")
    (('sales', 'orders'), ())
    """
    return tuple(part.decode("ascii") for part in _PARTS.findall(needle))


@dataclass(frozen=True)
class Occurrence:
    """A whole word at `start`..`end` of the text (line counted from 1), and the forms it is."""

    start: int
    end: int
    line: int
    text: str
    forms: tuple[NameForm, ...]


class WordFinder:
    """The search for one set of name forms, compiled once and used on every file."""

    def __init__(self, forms: Iterable[NameForm]) -> None:
        self.forms = tuple(forms)
        self.needles = tuple(sorted({f.text.lower().encode("utf-8") for f in self.forms}))
        # The search runs on the lower-cased text with a case-sensitive pattern of plain words:
        # five to seven times faster than a case-blind one; each candidate is then checked for its
        # case, its edges and the lookup rule (`_is_form`).
        words = sorted({f.text.lower() for f in self.forms}, key=lambda w: (-len(w), w))
        self._pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
        # The same search passing over, by itself, a word whose end no form allows (`order` in
        # `order_by`, `ordering`: most of saleor's 140,000 candidates for `order_order`, of which
        # 4,600 are occurrences), the end as loose as the loosest form's. Its start is tested
        # next (an expression opening on a look-behind is searched several times slower), then
        # `_is_form` decides the rest.
        self._ended = re.compile(_ENDED.format(self._pattern.pattern)) if words else None
        self._by_lower: dict[str, list[NameForm]] = {}
        for form in self.forms:
            self._by_lower.setdefault(form.text.lower(), []).append(form)

    def may_occur(self, data: bytes) -> bool:
        """Whether the bytes hold one of the words in any case: the cheap test before decoding."""
        if not self.needles:
            return False
        lowered = data.lower()
        return any(needle in lowered for needle in self.needles)

    def needle_parts(self) -> list[tuple[str, ...]] | None:
        """The parts of each needle; None when a needle has none (stored words cannot rule it out)."""
        parts = [needle_parts(needle) for needle in self.needles]
        return parts if all(parts) else None

    def may_name(self, words: str) -> bool:
        """Whether a plain file (ASCII bytes that decode to the same text) whose `file_words` are
        `words` can hold an occurrence: one of its runs is a form's word, or for an accessor or a
        query name, a run with `__` holds it (a lookup segment). A form of several runs
        (`staging.orders`) is whole words only: each of its runs is one of the file's."""
        for form in self.forms:
            word = form.text.lower()
            lookup = form.kind in (ACCESSOR, QUERY_NAME)
            if _WORD_RUN.fullmatch(word):
                if f" {word} " in words or (lookup and _in_lookup(word, words)):
                    return True
                continue
            parts = _WORD_RUN.findall(word)
            if lookup or not parts or all(f" {part} " in words for part in parts):
                return True
        return False

    def occurrences(self, text: str) -> list[Occurrence]:
        """Every whole-word occurrence of a form in `text`, in order."""
        if self._pattern is None:
            return []
        found: list[Occurrence] = []
        position = counted = 0
        line = 1
        lowered = text.lower()
        same_offsets = len(lowered) == len(text)  # one character for one
        ended = same_offsets and _KELVIN not in text
        if same_offsets:
            search, haystack = (self._ended if ended else self._pattern).search, lowered
        else:  # a text with a letter whose lower case is longer (İ): the slower, case-blind search
            search, haystack = re.compile(self._pattern.pattern, re.I).search, text  # compiled when first needed (re caches it)
        plain = self._pattern.match
        while (match := search(haystack, position)) is not None:
            start, end = match.span()
            if ended and ((start and text[start - 1] in _WORD_CHARS and text[max(0, start - 2):start] != "__")
                          or plain(haystack, start).end() != end):
                # no form starts here; or a shorter word than the plain search's: it moves on
                position = start + 1
                continue
            forms = tuple(f for f in self._by_lower.get(match.group().lower(), ()) if _is_form(f, text, start, end))
            if not forms:
                position = start + 1  # a shorter word may start here or just after
                continue
            line += text.count("\n", counted, start)
            counted = start
            found.append(Occurrence(start, end, line, text[start:end], forms))
            position = end
        return found


def _in_lookup(word: str, words: str) -> bool:
    """Whether a run of `words` holding `word` also holds `__`."""
    position = words.find(word)
    while position >= 0:
        start, end = words.rfind(" ", 0, position) + 1, words.find(" ", position)
        if "__" in words[start:end]:
            return True
        position = words.find(word, position + 1)
    return False


def _is_form(form: NameForm, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is this form here: the case, the word's edges, the lookup rule."""
    word = text[start:end]
    if form.exact and word != form.text:
        return False
    before = start == 0 or text[start - 1] not in _WORD_CHARS
    after = end == len(text) or text[end] not in _WORD_CHARS
    lookup_before = text[max(0, start - 2) : start] == "__"
    lookup_after = text[end : end + 2] == "__"
    if form.kind == QUERY_NAME and form.lookup_only:
        return (lookup_before and (after or lookup_after)) or (before and lookup_after)
    if form.kind in (ACCESSOR, QUERY_NAME):
        return (before or lookup_before) and (after or lookup_after)
    if not (before and after):
        return False
    if not form.exact and word.lower() in _SQL_KEYWORD_WORDS and _KEYWORD_FOLLOWS.match(text, end):
        return False
    return True

