"""Lines that name a column and that no usage explains: what could still reach a column "nobody uses".

"No remaining use" is only as true as the scan's reach. A column can still be reached by code
depmap does not attribute to it: a template (`{{ bookmark.legacy_code }}`), JavaScript reading
an API field, a list of names handed to `getattr`, `.values(*FIELDS)` or an f-string SQL
builder, a Django lookup in a `Q()` built apart from its queryset. Each of these names the
column somewhere, so the careful grep is the safety net: every line of the project's files that
holds the column's name as a whole word (or as a segment of a Django lookup, `legacy_code__in`)
and that no fact claims is listed. Left out: migrations (history, not use), test code (counted
apart by the rule), documents, project manifests, comments, docstrings and imports.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass

from depmap.discover import is_migration_path, is_test_path
from depmap.impact.context import ImpactContext
from depmap.mentions.files import Reader, decode, files_to_search, unread_kind
from depmap.mentions.lexical import CODE, IMPORT, STRING, regions_for
from depmap.model import Location, Skipped

TEMPLATE, NOT_ANALYSED, UNATTRIBUTED = "template", "not-analysed", "unattributed"
_TEMPLATE_SUFFIXES = frozenset(".html .htm .jinja .jinja2 .j2 .djhtml .jinja-html .tmpl .tpl .mako .hbs .mustache .twig .erb .haml".split())
_DOCUMENT_SUFFIXES = frozenset(".md .markdown .rst .txt .adoc".split())
# Project manifests: their keys (`description = ...`, "version") are packaging metadata, never a query.
_MANIFESTS = frozenset({"pyproject.toml", "setup.cfg", "setup.py", "package.json", "tox.ini", "Cargo.toml", "Pipfile", "environment.yml"})
_LINE_COMMENT = re.compile(r"^\s*(#|--|//|\{#)")


@dataclass(frozen=True, order=True)
class ColumnMention:
    """One line of `path` that names the column and that no usage of it claims."""

    path: str
    line: int
    why: str  # TEMPLATE, NOT_ANALYSED (a kind of file no scanner reads) or UNATTRIBUTED
    text: str

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.line)


def word_pattern(name: str) -> re.Pattern[str]:
    """The name as a whole word, or as a segment of a Django lookup (`owner__legacy_code__in`).

    >>> bool(word_pattern("notes").search("Q(notes__icontains=term)")), bool(word_pattern("notes").search("permanent_notes"))
    (True, False)
    """
    escaped = re.escape(name)
    return re.compile(rf"(?:(?<![A-Za-z0-9_])|(?<=__)){escaped}(?:(?![A-Za-z0-9_])|(?=__))")


def unattributed_mentions(ctx: ImpactContext) -> list[ColumnMention]:
    """Every production line outside migrations that names the column and that no fact claims."""
    if ctx.root is None:
        return []
    name = ctx.spec.column
    pattern, needle = word_pattern(name), name.lower().encode("utf-8")
    claimed = _claimed_lines(ctx)
    reader = Reader(ctx.root)
    found: list[ColumnMention] = []
    for file in files_to_search(ctx.root, ctx.config).files:
        path = file.path
        suffix = os.path.splitext(path)[1].lower()
        if is_test_path(path) or is_migration_path(path) or suffix in _DOCUMENT_SUFFIXES or path.rsplit("/", 1)[-1] in _MANIFESTS:
            continue
        data = reader.read_bytes(file)
        if not isinstance(data, bytes) or needle not in data.lower():
            continue
        text = decode(file, data)
        if isinstance(text, Skipped):
            continue
        unread = unread_kind(file) is not None
        regions = regions_for(file.kind, text) if not unread else None
        starts = _line_starts(text)
        for match in pattern.finditer(text):
            line = _line_of(starts, match.start())
            if (path, line) in claimed:
                continue
            if regions is not None and regions.kind_at(match.start()) not in (CODE, STRING):
                continue  # a comment or a docstring
            if regions is not None and regions.role_at(match.start()) == IMPORT:
                continue  # `from flask import views`: a module, not the column
            source = text[starts[line - 1]: starts[line] - 1 if line < len(starts) else len(text)].strip()
            if _LINE_COMMENT.match(source):
                continue
            why = TEMPLATE if suffix in _TEMPLATE_SUFFIXES else NOT_ANALYSED if unread else UNATTRIBUTED
            if not found or (found[-1].path, found[-1].line) != (path, line):
                found.append(ColumnMention(path, line, why, source[:160]))
    return sorted(found)


def _claimed_lines(ctx: ImpactContext) -> set[tuple[str, int]]:
    """Lines a fact already explains: any fact that names the column (of this table or another
    table with a column of that name), and the ORM fields that map it."""
    name = ctx.spec.column
    claimed: set[tuple[str, int]] = set()
    for fact in ctx.facts:
        fields = fact.extra.get("fields") if isinstance(fact.extra.get("fields"), list) else []
        if name not in fact.columns and name not in fields:
            continue
        where = fact.location
        for line in range(where.line, max(where.line, where.end_line or where.line) + 1):
            claimed.add((where.path, line))
    for model in ctx.registry.models.values():
        for field in model.fields.values():
            if field.column == name or field.name == name:
                claimed.add((field.path, field.line))
    return claimed


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)
