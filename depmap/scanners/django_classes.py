"""A module's classes as the Django analyses read them: bases through the imports, `Meta` options.

`django_models` asks of a class whether it is a model and what its fields are; `django_exposures`
whether it is a serializer, form or admin class and of which model. Both start from the same
reading — module-level classes, their bases qualified through the import statements, their inner
`Meta`'s literal options — and the same small literal helpers, which live here so that neither
module imports the other's internals. Nothing is imported or run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from depmap.model import Location
from depmap.scanners.python_imports import ImportTable
from depmap.scanners.python_source import ParsedModule, Positions, dotted_name


@dataclass
class ClassInfo:
    """One module-level class: its bases (qualified, and as written) and its `Meta` options."""

    node: cst.ClassDef
    name: str
    qualname: str
    bases: list[str]  # qualified, or as written
    written_bases: list[str]
    meta: dict[str, cst.BaseExpression]
    meta_bases: list[str]


def module_classes(module: cst.Module) -> list[cst.ClassDef]:
    """Classes defined at module level (also under `if`/`try`), in source order."""
    found: list[cst.ClassDef] = []

    def walk(statements: Any) -> None:
        for statement in statements:
            if isinstance(statement, cst.ClassDef):
                found.append(statement)
            elif isinstance(statement, cst.If):
                walk(statement.body.body)
                if isinstance(statement.orelse, cst.Else):
                    walk(statement.orelse.body.body)
            elif isinstance(statement, cst.Try):
                walk(statement.body.body)

    walk(module.body)
    return found


def class_body(node: cst.ClassDef) -> list[cst.BaseStatement | cst.BaseSmallStatement]:
    """The statements of a class body, simple statements unpacked (`a = 1; b = 2` gives two)."""
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    statements: list[Any] = []
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            statements.extend(statement.body)
        else:
            statements.append(statement)
    return statements


def assigned(statement: Any) -> tuple[str, cst.BaseExpression | None] | None:
    """`name = value` / `name: T = value` / `name: T` in a class body."""
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target = statement.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, statement.value
    if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
        return statement.target.value, statement.value
    return None


def last_name(written: str) -> str:
    return written.rsplit(".", 1)[-1]


class ClassReader:
    """Reads one module's classes against its import table; `positions` only for facts' locations."""

    def __init__(self, parsed: ParsedModule, positions: Positions | None = None) -> None:
        self.parsed = parsed
        self.positions = positions
        self.imports = ImportTable.of(parsed.module, parsed.module_name, parsed.path.endswith("__init__.py"))
        self.classes = [self._class(node) for node in module_classes(parsed.module)]

    def _class(self, node: cst.ClassDef) -> ClassInfo:
        written = [self.written(arg.value) for arg in node.bases if arg.keyword is None and not arg.star]
        meta: dict[str, cst.BaseExpression] = {}
        meta_bases: list[str] = []
        for statement in class_body(node):
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Meta":
                meta_bases = [self.written(arg.value) for arg in statement.bases if arg.keyword is None]
                for inner in class_body(statement):
                    pair = assigned(inner)
                    if pair is not None and pair[1] is not None:
                        meta[pair[0]] = pair[1]
        bases = [self.imports.qualify_text(name) or name for name in written]
        qualname = f"{self.parsed.module_name}.{node.name.value}"
        return ClassInfo(node, node.name.value, qualname, bases, written, meta, meta_bases)

    def written(self, node: cst.BaseExpression) -> str:
        return dotted_name(node) or self.parsed.module.code_for_node(node)

    def source(self, node: cst.BaseExpression | None) -> str | None:
        return None if node is None else self.parsed.module.code_for_node(node)

    def location(self, node: cst.CSTNode, symbol: str) -> Location:
        assert self.positions is not None
        where = self.positions[node]
        return Location(self.parsed.path, where.start.line, where.end.line, symbol=symbol)
