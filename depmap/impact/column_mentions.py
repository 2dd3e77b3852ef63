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
from typing import Any

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
    """The name as a whole word in any case, or as a segment of a Django lookup (`owner__legacy_code__in`).

    >>> bool(word_pattern("notes").search("Q(notes__icontains=term)")), bool(word_pattern("notes").search("permanent_notes"))
    (True, False)
    """
    escaped = re.escape(name)  # in any case: SQL folds unquoted names, `"QUERY_ID"` may be query_id
    return re.compile(rf"(?:(?<![A-Za-z0-9_])|(?<=__)){escaped}(?:(?![A-Za-z0-9_])|(?=__))", re.IGNORECASE)


def unattributed_mentions(ctx: ImpactContext) -> list[ColumnMention]:
    """Every production line outside migrations that names the column and that no fact claims."""
    if ctx.root is None:
        return []
    name = ctx.spec.column
    pattern, needle = word_pattern(name), name.lower().encode("utf-8")
    reader = Reader(ctx.root)
    named: list[tuple[Any, str, bool]] = []  # (file, text, unread) of the files that name the column
    for file in (ctx.searched or files_to_search(ctx.root, ctx.config)).files:
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
        named.append((file, text, unread_kind(file) is not None))
    claimed = _claimed_lines(ctx, [file.path for file, _, _ in named])
    found: list[ColumnMention] = []
    for file, text, unread in named:
        path = file.path
        suffix = os.path.splitext(path)[1].lower()
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


def _claimed_lines(ctx: ImpactContext, paths: list[str]) -> set[tuple[str, int]]:
    """Lines a fact already explains: a fact that names the column (case aside: `"QUERY_ID"` is
    `query_id` where names fold to upper case), and the ORM fields of that name. A fact of another
    table with a column of that name explains a line only outside the statements that use this
    table: inside one (`"QUERY_ID" as query_id` in the model that reads it), the word may be this
    table's column that the statement's analysis did not attribute. Only lines of `paths` (the files
    that name the column) are asked about, so only their facts are read."""
    name, table = ctx.spec.column.lower(), ctx.spec.table
    ours = {(f.location.path, line) for f in ctx.table_facts() for line in _lines_of(f.location)}
    claimed: set[tuple[str, int]] = set()
    for fact in ctx.facts_at(paths):
        fields = fact.extra.get("fields") if isinstance(fact.extra.get("fields"), list) else []
        if not any(str(c).lower() == name for c in [*fact.columns, *fields]):
            continue
        lines = {(fact.location.path, line) for line in _lines_of(fact.location)}
        claimed |= lines if fact.table == table else lines - ours
    for model in ctx.registry.models.values():
        for field in model.fields.values():
            if (field.column or "").lower() == name or field.name.lower() == name:
                claimed.add((field.path, field.line))
    return claimed


def _lines_of(where: Location) -> range:
    return range(where.line, max(where.line, where.end_line or where.line) + 1)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)
