"""Where an ORM statement first names each field it reads or writes, so a column points at its line.

A Django chain or a SQLAlchemy statement over several lines is one usage at its first line, but a
reviewer looking for `customer__email` wants the line that says it. The analyses already know
which fields a statement names (as written: `status__in`, `-created_at`, `Order.total`); this
module finds them back in the statement's tree, the same way for every ORM:

- a keyword argument `name=` (`filter(status=...)`, `create(total=...)`, `values(total=...)`);
- a string `"name"` (`values("id")`, `order_by("-created_at")`, `F("x")`, `{"total": 1}`);
- an attribute `.name` (`Order.status == ...`), at the line of the attribute's name.

`first_lines` looks in the preferred nodes first (the `.values(...)` of an UPDATE: the column an
UPDATE writes is the one its values name, even if its WHERE named it above), then in the others;
within them, the earliest naming wins. A name used by a nested subquery or by another model of a
join counts too: names are matched as written, not resolved (as SQL's unqualified columns are).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

from depmap.python.tree import subtree_nodes


def first_lines(names: Iterable[str], *groups: Sequence[ast.AST]) -> dict[str, int]:
    """{name: line} of the first naming of each of `names`, searched group by group; a name that
    no group names is left out."""
    wanted = set(names)
    found: dict[str, int] = {}
    if not wanted:  # `.all()`, `.save()`: nothing named, nothing to look for
        return found
    for group in groups:
        seen: dict[str, int] = {}
        for root in group:
            for node in subtree_nodes(root):
                name, line = _naming(node)
                if name in wanted and name not in found and line is not None:
                    seen[name] = min(line, seen.get(name, line))
        found.update(seen)
    return found


def _naming(node: ast.AST) -> tuple[str | None, int | None]:
    if isinstance(node, ast.keyword):
        return node.arg, getattr(node, "lineno", None)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, node.lineno
    if isinstance(node, ast.Attribute):
        return node.attr, node.end_lineno
    return None, None


def call_arguments(node: ast.AST) -> list[ast.AST]:
    """The arguments of `node` when it is a call (`x.update(a=1)`: `a=1`, not `x`), else none."""
    return [*node.args, *node.keywords] if isinstance(node, ast.Call) else []


__all__ = ["call_arguments", "first_lines"]
