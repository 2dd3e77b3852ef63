"""Which qualified name does a name in this module refer to? Imports and local classes, statically.

ORM scanners must know that `O` in `O.objects.filter()` is `shop.orders.models.Order`, imported
as `from shop.orders.models import Order as O` or `from .models import Order`, and that
`models.Order` after `from shop.orders import models` is the same class. libcst's
QualifiedNameProvider answers this for every node of a file and costs 59 s per 100k lines
(PERFORMANCE.md); the import statements and class definitions of a module answer it for the
names ORM code uses, at the cost of one pass over top-level statements.

>>> import ast
>>> names = ImportTable.of(ast.parse("from .models import Order as O\\nimport sqlalchemy as sa\\n"), "shop.orders.views")
>>> names.qualify(ast.parse("O", mode="eval").body)
'shop.orders.models.Order'
>>> names.qualify(ast.parse("sa.Column", mode="eval").body)
'sqlalchemy.Column'
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from depmap.python.tree import dotted_name


def _absolute(module_name: str, is_package: bool, level: int, target: str | None) -> str:
    """Resolve `from ..x import y` (level 2, target "x") inside `module_name`."""
    parts = module_name.split(".") if module_name else []
    if not is_package:
        parts = parts[:-1]  # the module's own package
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(parts)


@dataclass
class ImportTable:
    """Local name -> qualified name, for one module (module-level bindings)."""

    module_name: str
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, tree: ast.Module, module_name: str, is_package: bool = False) -> ImportTable:
        table = cls(module_name)
        table._bind_tree_statements(tree.body, is_package)
        return table

    def _bind_tree_statements(self, statements: list[ast.stmt], is_package: bool) -> None:
        for statement in statements:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                self.add_import(statement, is_package)
            elif isinstance(statement, ast.ClassDef):
                self.names.setdefault(statement.name, f"{self.module_name}.{statement.name}")
            elif isinstance(statement, (ast.If, ast.Try)):  # `if TYPE_CHECKING:` imports still name the classes
                self._bind_tree_statements(statement.body, is_package)

    def add_import(self, node: ast.Import | ast.ImportFrom, is_package: bool = False) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    self.names[alias.asname] = alias.name
                else:  # `import a.b` binds `a`
                    head = alias.name.split(".")[0]
                    self.names[head] = head
            return
        level = node.level or 0
        base = _absolute(self.module_name, is_package, level, node.module) if level else (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                return
            self.names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name

    def qualify(self, node: ast.AST | None) -> str | None:
        """The qualified name of a Name/Attribute chain, or None if its head is not bound here."""
        text = dotted_name(node)
        if text is None:
            return None
        return self.qualify_text(text)

    def qualify_text(self, text: str) -> str | None:
        head, _, rest = text.partition(".")
        base = self.names.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def qualify_or_written(self, node: ast.AST | None) -> str | None:
        """Qualified when the head is imported or defined here; else the name as written."""
        written = dotted_name(node)
        return self.qualify_text(written) or written if written is not None else None
