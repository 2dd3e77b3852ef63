"""Why a line that names the table is not explained: one reason per line, the most telling one.

In order: a file (or statement) depmap did not analyse says so whatever the line holds; then what
the words are part of, the most code-like one deciding (a name outweighs a string, a string a
type annotation or an import, those a docstring, a docstring a comment), so that a comment at the
end of a query line does not hide the query. A comment or docstring is prose; an import or a type
annotation names the model without using it. Code or a string held by another table's statement
is "inside another table's statement" (the analysis read the line, and gave it to that table
only). A string elsewhere never reaches a query (no SQL scanner took it). A Python name is
unclassified, a usage depmap missed, when it is linked to the table: the model's class in a file
that imports (or defines) it, an accessor as an attribute (`customer.orders`) or in a lookup
(`orders__status`) in a file that imports one of its two models. Any other name is "a name that
could be another class": a variable, a parameter or an attribute with the same word. A linked
model class whose every use on the line is a constant (`Bookmark.STATE_OPEN`) or its exception
(`Bookmark.DoesNotExist`) names the class, not its rows: a class attribute.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

from depmap.mentions.claims import Claims
from depmap.mentions.lexical import ANNOTATION, CODE, COMMENT, DOCSTRING, IMPORT, STRING, Regions, regions_for
from depmap.mentions.mention import (
    COMMENT as WHY_COMMENT,
    DOCSTRING as WHY_DOCSTRING,
    IMPORT as WHY_IMPORT,
    NOT_ANALYSED,
    TYPE_HINT,
    OTHER_NAME,
    CLASS_ATTRIBUTE,
    OTHER_TABLE,
    STRING as WHY_STRING,
    UNCLASSIFIED,
    Mention,
)
from depmap.mentions.names import ACCESSOR, MODEL_CLASS, QUERY_NAME
from depmap.mentions.words import Occurrence
from depmap.python.imports import ImportTable
from depmap.python.module_names import module_name_for

# What a word is part of, most code-like first.
_WEIGHT = {CODE: 0, STRING: 1, ANNOTATION: 2, IMPORT: 3, DOCSTRING: 4, COMMENT: 5}
_TEXT_WIDTH = 160


@dataclass
class FileView:
    """One file being classified: its text, why it was not analysed (if so), and its regions, read
    only when a line needs them (most lines that name a table are usages), and only as far as
    `reach` (the end of the last word asked about) when given."""

    path: str
    kind: str
    text: str
    not_analysed: str | None = None
    reach: int | None = None

    @cached_property
    def regions(self) -> Regions:
        return regions_for(self.kind, self.text, self.reach) if self.not_analysed is None else Regions()


def classify_lines(view: FileView, occurrences: list[Occurrence], claims: Claims, links: ModelLinks) -> list[Mention]:
    """A mention per line of `occurrences` that no fact of the table claims."""
    by_line: dict[int, list[Occurrence]] = {}
    for occurrence in occurrences:
        by_line.setdefault(occurrence.line, []).append(occurrence)
    unexplained = [(line, found) for line, found in by_line.items() if not claims.explains(view.path, line)]
    if unexplained and view.reach is not None and "regions" not in view.__dict__:
        # the regions are asked about these words only: lexed no further than the last of them
        view.reach = min(view.reach, max(o.end for _, found in unexplained for o in found))
    linked: set[str] | None = None
    mentions: list[Mention] = []
    for line, found in unexplained:
        why, detail, deciding = _reason(view, line, found, claims)
        if why == OTHER_NAME:
            if linked is None:
                linked = links.of(view.regions.import_tree, view.path)
            if any(_linked(view.text, o, linked) for o in deciding):
                why = CLASS_ATTRIBUTE if all(_class_attribute(view.text, o) for o in deciding) else UNCLASSIFIED
        mentions.append(Mention(view.path, line, why, trimmed(view.text, found[0]), detail))
    return mentions


_CLASS_ATTRIBUTE = re.compile(r"\.(?:[A-Z][A-Z0-9_]*\b(?!\s*\()|DoesNotExist\b|MultipleObjectsReturned\b)")


def _class_attribute(text: str, occurrence: Occurrence) -> bool:
    """A model class followed by an UPPER_CASE constant (not called) or one of its exceptions."""
    return any(form.kind == MODEL_CLASS for form in occurrence.forms) and bool(_CLASS_ATTRIBUTE.match(text, occurrence.end))


def _linked(text: str, occurrence: Occurrence, linked: set[str]) -> bool:
    """Whether the word refers to the table here: one of its forms belongs to a linked model, and
    an accessor is used as one (an attribute or a lookup, not a variable of the same name)."""
    for form in occurrence.forms:
        if not linked.intersection(form.links):
            continue
        if form.kind not in (ACCESSOR, QUERY_NAME):
            return True
        start, end = occurrence.start, occurrence.end
        if text[start - 1 : start] == "." or text[start - 2 : start] == "__" or text[end : end + 2] == "__":
            return True
    return False


def _reason(view: FileView, line: int, found: list[Occurrence], claims: Claims) -> tuple[str, str, list[Occurrence]]:
    """(why, detail, the occurrences that decided it)."""
    if view.not_analysed:
        return NOT_ANALYSED, view.not_analysed, found
    error = claims.unparsed(view.path, line)
    if error is not None:
        return NOT_ANALYSED, f"SQL not parsed: {error}", found
    parts = [(_part(view.regions, o.start), o) for o in found]
    kind = min((part for part, _ in parts), key=_WEIGHT.__getitem__)
    deciding = [o for part, o in parts if part == kind]
    if kind in _PROSE:
        return _PROSE[kind], "", deciding
    others = claims.others(view.path, line)
    if others:
        return OTHER_TABLE, _inside(others), deciding
    if kind == STRING:
        return WHY_STRING, "", deciding
    if view.kind == "python":
        return OTHER_NAME, "", deciding
    return UNCLASSIFIED, "", deciding


_PROSE = {COMMENT: WHY_COMMENT, DOCSTRING: WHY_DOCSTRING, IMPORT: WHY_IMPORT, ANNOTATION: TYPE_HINT}


def _part(regions: Regions, offset: int) -> str:
    """What the word at `offset` is part of: a comment or docstring first, then an import or an
    annotation (a string annotation included), then a string, else code."""
    kind = regions.kind_at(offset)
    if kind in (COMMENT, DOCSTRING):
        return kind
    return regions.role_at(offset) or kind


def _inside(others: Iterable[tuple[str, str]]) -> str:
    """'inside a usage of a, b' / 'inside the definition of c'."""
    by_role: dict[str, list[str]] = {}
    for role, table in others:
        by_role.setdefault(role, []).append(table)
    parts = [f"{'a usage' if role == 'usage' else 'the definition'} of {', '.join(tables)}" for role, tables in sorted(by_role.items(), reverse=True)]
    return "inside " + " and ".join(parts)


class ModelLinks:
    """Which models a Python module refers to: imported by name (or through a package that
    re-exports it), reached through an imported models module or a star import, or defined in it.
    Never a guess by class name alone.

    Module names are matched by a run of their parts (two at least, unless from the top), as the
    project's imports write them:
    `from dcim.models import *` reaches `netbox.dcim.models.devices.Device` when the project is
    scanned from above its import root."""

    def __init__(self, models: Iterable[str]) -> None:
        """`models`: the qualified names of the models a search links (those its forms name: a
        model no form names decides nothing)."""
        self.by_module: dict[str, set[str]] = {}  # a run of module parts -> models in or below it
        self.by_name: dict[str, set[str]] = {}  # a run of module parts + the class name -> the model
        for qualname in sorted(set(models)):
            module, class_name = qualname.rsplit(".", 1)[0], qualname.rsplit(".", 1)[-1]  # as `Model` has them
            parts = module.split(".")
            for i in range(len(parts)):
                for j in range(i + 1, len(parts) + 1):
                    if i and j - i < 2:
                        continue  # one inner part alone (`devices`) is too weak a match
                    run = ".".join(parts[i:j])
                    self.by_module.setdefault(run, set()).add(qualname)
                    self.by_name.setdefault(f"{run}.{class_name}", set()).add(qualname)

    def of(self, tree: ast.Module | None, path: str) -> set[str]:
        module = module_name_for(path)
        linked = {q for q in self.by_module.get(module, ()) if q.rsplit(".", 1)[0] == module}
        if tree is None:
            return linked
        is_package = path.endswith("__init__.py")
        names = ImportTable.of(tree, module, is_package=is_package)
        for qualified in set(names.names.values()):
            linked.update(self.by_name.get(qualified, ()))
            linked.update(self.by_module.get(qualified, ()))
        for base in _star_imports(tree.body, module, is_package):
            linked.update(self.by_module.get(base, ()))
        return linked


def _star_imports(statements: list[ast.stmt], module: str, is_package: bool) -> list[str]:
    """The modules a module's `from x import *` statements name, relative ones resolved."""
    found: list[str] = []
    for node in statements:
        if isinstance(node, (ast.If, ast.Try)):
            found.extend(_star_imports(node.body, module, is_package))
        elif isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            if not node.level:
                found.append(node.module or "")
                continue
            parts = module.split(".") if module else []
            if not is_package:
                parts = parts[:-1]
            parts = parts[: len(parts) - (node.level - 1)] if node.level - 1 <= len(parts) else []
            found.append(".".join(parts + ([node.module] if node.module else [])))
    return found


def trimmed(text: str, occurrence: Occurrence) -> str:
    """The occurrence's line without its indentation, at most about 160 characters around the word."""
    start = text.rfind("\n", 0, occurrence.start) + 1
    end = text.find("\n", occurrence.start)
    line = text[start : end if end >= 0 else len(text)].rstrip("\r")
    stripped = line.strip()
    if len(stripped) <= _TEXT_WIDTH:
        return stripped
    at = occurrence.start - start - (len(line) - len(line.lstrip()))
    left = max(0, min(at - _TEXT_WIDTH // 3, len(stripped) - _TEXT_WIDTH))
    piece = stripped[left : left + _TEXT_WIDTH]
    return ("…" if left else "") + piece + ("…" if left + _TEXT_WIDTH < len(stripped) else "")
