"""A module's classes as the Django analyses read them: bases through the imports, `Meta` options.

`models` asks of a class whether it is a model and what its fields are; `django_exposures`
whether it is a serializer, form or admin class and of which model. Both start from the same
reading — module-level classes, their bases qualified through the import statements, their inner
`Meta`'s literal options — and the same small literal helpers, which live here so that neither
module imports the other's internals. Nothing is imported or run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from depmap.model import Location
from depmap.python.imports import ImportTable
from depmap.python.tree import ParsedTree, dotted_name


@dataclass
class ClassInfo:
    """One module-level class: its bases (qualified, and as written) and its `Meta` options."""

    node: ast.ClassDef
    name: str
    qualname: str
    bases: list[str]  # qualified, or as written
    written_bases: list[str]
    meta: dict[str, ast.expr]
    meta_bases: list[str]


def module_classes(tree: ast.Module) -> list[ast.ClassDef]:
    """Classes defined at module level (also under `if`/`try`), in source order."""
    found: list[ast.ClassDef] = []
    _add_classes(tree.body, found)
    return found


def _add_classes(statements: list[ast.stmt], found: list[ast.ClassDef]) -> None:
    """(A module-level function: a nested one that calls itself is a reference cycle, which would
    keep the file's tree alive until the garbage collector ran.)"""
    for statement in statements:
        if isinstance(statement, ast.ClassDef):
            found.append(statement)
        elif isinstance(statement, ast.If):
            _add_classes(statement.body, found)
            _add_classes(statement.orelse, found)
        elif isinstance(statement, ast.Try):
            _add_classes(statement.body, found)


def assigned(statement: Any) -> tuple[str, ast.expr | None] | None:
    """`name = value` / `name: T = value` / `name: T` in a class body."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            return target.id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None


def last_name(written: str) -> str:
    return written.rsplit(".", 1)[-1]


class ClassReader:
    """Reads one module's classes against its import table."""

    def __init__(self, parsed: ParsedTree) -> None:
        self.parsed = parsed
        self.imports = ImportTable.of(parsed.tree, parsed.module_name, parsed.is_package)
        self.classes = [self._class(node) for node in module_classes(parsed.tree)]

    def _class(self, node: ast.ClassDef) -> ClassInfo:
        written = [self.written(value) for value in node.bases if not isinstance(value, ast.Starred)]
        meta: dict[str, ast.expr] = {}
        meta_bases: list[str] = []
        for statement in node.body:
            if isinstance(statement, ast.ClassDef) and statement.name == "Meta":
                meta_bases = [self.written(value) for value in statement.bases if not isinstance(value, ast.Starred)]
                for inner in statement.body:
                    pair = assigned(inner)
                    if pair is not None and pair[1] is not None:
                        meta[pair[0]] = pair[1]
        bases = [self.imports.qualify_text(name) or name for name in written]
        qualname = f"{self.parsed.module_name}.{node.name}"
        return ClassInfo(node, node.name, qualname, bases, written, meta, meta_bases)

    def written(self, node: ast.expr) -> str:
        """A base as written; a parameterised generic (`ModelAdmin[Flip]`, typed with django-stubs)
        is its class (`ModelAdmin`)."""
        if isinstance(node, ast.Subscript) and (name := dotted_name(node.value)):
            return name
        return dotted_name(node) or self.parsed.source.segment(node)

    def source(self, node: ast.expr | None) -> str | None:
        return None if node is None else self.parsed.source.segment(node)

    def location(self, node: ast.AST, symbol: str) -> Location:
        return Location(self.parsed.path, node.lineno, node.end_lineno, symbol=symbol)  # type: ignore[attr-defined]
