"""What a mention search returns: each unexplained line with its reason, and what was not searched.

A mention is kept apart from the usages (it is a line grep would show, not something depmap
understood), so that the usages' precision is not diluted. `why` is one of a few stable words,
the JSON contract's; `detail` says more where there is more to say (which other table's
statement holds the line, why a file was not analysed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from depmap.model import Skipped

# Why a line that names the table was not classified, most specific first.
NOT_ANALYSED = "not-analysed"  # the file (or this statement) was not analysed, or no scanner reads its kind
COMMENT = "comment"
DOCSTRING = "docstring"
IMPORT = "import"  # an import statement: it names the model, it uses nothing
TYPE_HINT = "type-hint"  # a type annotation: it names the model, it reads nothing
OTHER_TABLE = "other-table"  # inside a usage or definition of another table only
STRING = "string"  # a plain string literal that no SQL scanner took: it never reaches a query
OTHER_NAME = "other-name"  # an identifier or attribute with the same word and no link to the model
CLASS_ATTRIBUTE = "class-attribute"  # `Model.SOME_CONSTANT`, `Model.DoesNotExist`: the class, not its rows
UNCLASSIFIED = "unclassified"

WHYS = (NOT_ANALYSED, COMMENT, DOCSTRING, IMPORT, TYPE_HINT, OTHER_TABLE, STRING, OTHER_NAME, CLASS_ATTRIBUTE, UNCLASSIFIED)

WHY_WORDS = {
    NOT_ANALYSED: "file or statement not analysed",
    COMMENT: "in a comment",
    DOCSTRING: "in a docstring",
    IMPORT: "an import",
    TYPE_HINT: "a type annotation",
    OTHER_TABLE: "inside another table's statement",
    STRING: "in a string that reaches no query",
    OTHER_NAME: "a name that could be another class",
    CLASS_ATTRIBUTE: "a constant or exception of the model class",
    UNCLASSIFIED: "unclassified",
}


@dataclass(frozen=True, order=True)
class Mention:
    """One line of `path` that names the table and that no fact of the table claims."""

    path: str
    line: int
    why: str
    text: str  # the line, trimmed
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "line": self.line, "text": self.text, "why": self.why}
        if self.detail:
            data["detail"] = self.detail
        return data


@dataclass
class MentionSearch:
    """The mentions of `tables` (sorted by path and line), the words searched for, and the files
    that were not searched (too large, minified, unreadable: said, never silently left out)."""

    tables: tuple[str, ...]
    names: tuple[str, ...]
    mentions: list[Mention] = field(default_factory=list)
    files_searched: int = 0
    files_read: int = 0  # files whose bytes held one of the names
    not_searched: list[Skipped] = field(default_factory=list)

    def by_reason(self) -> dict[str, int]:
        """How many mentions each reason explains, in the order of WHYS, reasons with none left out."""
        counts = {why: 0 for why in WHYS}
        for mention in self.mentions:
            counts[mention.why] = counts.get(mention.why, 0) + 1
        return {why: n for why, n in counts.items() if n}

    def to_json(self) -> dict[str, Any]:
        """The search itself, beside the list: which names, how many files, what was left out."""
        return {
            "names": list(self.names),
            "files_searched": self.files_searched,
            "files_read": self.files_read,
            "by_reason": self.by_reason(),
            "not_searched": [s.to_json() for s in self.not_searched],
        }
