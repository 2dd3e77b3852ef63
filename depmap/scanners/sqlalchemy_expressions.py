"""Reading libcst expressions the way SQLAlchemy code writes them: call arguments, type
annotations, server defaults as SQL, and one-line snippets of source.

Model definitions and queries are read from the same kinds of expression (`"orders"`,
`nullable=False`, `Mapped[Optional[Customer]]`, `list["Hero"]`), and models and Alembic migrations
write the same `server_default=`, so the SQLAlchemy analyses share these pure helpers instead of
each keeping its own copy (plain literals are `python_source`'s, shared by every analysis).
Nothing here knows about imports or scopes: what a name stands for is `sqlalchemy_names`' business.
"""

from __future__ import annotations

import libcst as cst

from depmap.scanners.python_source import argument, callee_name, dotted_name, is_name, literal_string
from depmap.sql.facts import snippet_of

MAPPED_NAMES = frozenset({"Mapped", "WriteOnlyMapped", "DynamicMapped"})
# SQL functions that take no parentheses: `func.current_timestamp()` renders CURRENT_TIMESTAMP.
BARE_FUNCTIONS = frozenset({"current_timestamp", "current_date", "current_time", "localtime", "localtimestamp", "current_user", "session_user", "user"})


def keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def positional(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def subscript_items(node: cst.Subscript) -> list[cst.BaseExpression]:
    return [element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)]


def parse_annotation(node: cst.BaseExpression) -> cst.BaseExpression:
    """A string annotation ("Customer", "Mapped[int]") as the expression it names."""
    text = literal_string(node)
    if text is None:
        return node
    try:
        return cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return node


def unwrap_optional(node: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    """`Optional[X]`, `Union[X, None]`, `X | None` -> (X, True); anything else -> (node, False)."""
    node = parse_annotation(node)
    if isinstance(node, cst.Subscript):
        name = callee_name(node.value)
        items = subscript_items(node)
        if name == "Optional" and len(items) == 1:
            return items[0], True
        if name == "Union":
            rest = [item for item in items if not _is_none(item)]
            if len(rest) < len(items):
                return (rest[0] if len(rest) == 1 else node), True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        parts = _union_parts(node)
        rest = [part for part in parts if not _is_none(part)]
        if len(rest) < len(parts):
            return (rest[0] if len(rest) == 1 else node), True
    return node, False


def _union_parts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union_parts(node.left) + _union_parts(node.right)
    return [node]


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None" or literal_string(node) == "None"


def target_class(node: cst.BaseExpression) -> cst.BaseExpression:
    """The class a relationship annotation names: `list["Hero"]`, `Optional[Team]`, `"Team"`."""
    node, _ = unwrap_optional(node)
    while isinstance(node, cst.Subscript) and callee_name(node.value) in {"list", "List", "set", "Set", "Sequence"}:
        items = subscript_items(node)
        if len(items) != 1:
            break
        node, _ = unwrap_optional(items[0])
    return node


def mapped_inner(annotation: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """`Mapped[X]` -> X (also `orm.Mapped[...]`, "Mapped[...]" strings, WriteOnlyMapped)."""
    if annotation is None:
        return None
    annotation = parse_annotation(annotation)
    if isinstance(annotation, cst.Subscript) and callee_name(annotation.value) in MAPPED_NAMES:
        items = subscript_items(annotation)
        return items[0] if len(items) == 1 else None
    return None


def string_tuple(node: cst.BaseExpression | None) -> list[str] | None:
    if not isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return None
    values = [literal_string(element.value) for element in node.elements]
    return [value for value in values if value is not None] if all(v is not None for v in values) else None


def server_default_sql(node: cst.BaseExpression | None, module: cst.Module | None = None) -> str | None:
    """What the database receives as DEFAULT for a `server_default=`, in a model or a migration.

    A Python string is a SQL literal to SQLAlchemy, so it is quoted (`"pending"` -> `'pending'`);
    `text("now()")` and `literal_column("x")` are the SQL itself; `func.now()` (also `sa.func`,
    `db.func`) is `now()`, `func.current_timestamp()` the bare `CURRENT_TIMESTAMP`; `sa.false()` is
    `false`; `DefaultClause(x)` is x's default; `None` is no default. Anything else is kept as written,
    with `module`'s newline and indentation if given.
    """
    if node is None or is_name(node, "None"):
        return None
    value = literal_string(node)
    if value is not None:
        return "'" + value.replace("'", "''") + "'"
    if isinstance(node, cst.Call):
        name = callee_name(node.func)
        first = argument(node, 0, "text")
        if name in ("text", "literal_column") and first is not None and literal_string(first) is not None:
            return literal_string(first)
        if name == "DefaultClause" and first is not None:
            return server_default_sql(first, module)
        written = dotted_name(node.func) or ""
        if name in ("true", "false") and not node.args:
            return name
        if name and (written == f"func.{name}" or written.endswith(f".func.{name}")):
            if not node.args and name.lower() in BARE_FUNCTIONS:
                return name.upper()
            args = ", ".join(server_default_sql(a.value, module) or "NULL" for a in node.args)
            return f"{name}({args})"
    return (module or cst.Module([])).code_for_node(node)


def python_snippet(code: str) -> str:
    """Source of an expression on one line for listings: `# comments` dropped, trimmed."""
    kept = []
    for line in code.splitlines():
        quote = None
        escaped = False
        for index, char in enumerate(line):
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif quote is not None:
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#":
                line = line[:index]
                break
        kept.append(line)
    return snippet_of("\n".join(kept))


__all__ = [
    "BARE_FUNCTIONS",
    "MAPPED_NAMES",
    "keyword",
    "mapped_inner",
    "parse_annotation",
    "positional",
    "python_snippet",
    "server_default_sql",
    "string_tuple",
    "subscript_items",
    "target_class",
    "unwrap_optional",
]
