"""Reading `ast` expressions the way SQLAlchemy code writes them: call arguments, type
annotations, server defaults as SQL, and one-line snippets of source.

Model definitions and queries are read from the same kinds of expression (`"orders"`,
`nullable=False`, `Mapped[Optional[Customer]]`, `list["Hero"]`), and models and Alembic migrations
write the same `server_default=`, so the SQLAlchemy analyses share these pure helpers instead of
each keeping its own copy (plain literals are `depmap.python.tree`'s, shared by every analysis).
Nothing here knows about imports or scopes: what a name stands for is `names`' business.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from depmap.python.tree import (
    SourceText, argument, call_args, callee_name, dotted_name, elements, is_name, literal_string, subscript_items, unstarred,
)  # fmt: skip
from depmap.sql.facts import snippet_of

MAPPED_NAMES = frozenset({"Mapped", "WriteOnlyMapped", "DynamicMapped"})
# SQL functions that take no parentheses: `func.current_timestamp()` renders CURRENT_TIMESTAMP.
BARE_FUNCTIONS = frozenset({"current_timestamp", "current_date", "current_time", "localtime", "localtimestamp", "current_user", "session_user", "user"})
_ANNOTATION_SOURCE = "_depmap_annotation_source"  # on the nodes of a parsed string annotation


# -- calls and containers ----------------------------------------------------------------------------


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The argument passed as `name=`."""
    return argument(call, None, name)


def class_bases(node: ast.ClassDef) -> list[ast.expr]:
    """The positional bases of a class as written, `*bases` read as `bases`."""
    return [unstarred(base) for base in node.bases]


def dict_items(node: ast.Dict) -> Iterator[tuple[ast.expr | None, ast.expr]]:
    """(key, value) in source order; key None for `**mapping`."""
    return zip(node.keys, node.values)


# -- source text -----------------------------------------------------------------------------------


def source_of(node: ast.AST, source: SourceText) -> str:
    """The node's source as written: in the file, or in the string annotation it was parsed from."""
    own = getattr(node, _ANNOTATION_SOURCE, None)
    return (own or source).segment(node)


# -- annotations -----------------------------------------------------------------------------------


def parse_annotation(node: ast.expr) -> ast.expr:
    """A string annotation ("Customer", "Mapped[int]") as the expression it names."""
    text = literal_string(node)
    if text is None:
        return node
    try:
        parsed = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return node
    own = SourceText(text)  # its nodes' positions are in `text`, not in the file
    for inner in ast.walk(parsed):
        setattr(inner, _ANNOTATION_SOURCE, own)
    return parsed


def unwrap_optional(node: ast.expr) -> tuple[ast.expr, bool]:
    """`Optional[X]`, `Union[X, None]`, `X | None` -> (X, True); anything else -> (node, False)."""
    node = parse_annotation(node)
    if isinstance(node, ast.Subscript):
        name = callee_name(node.value)
        items = subscript_items(node)
        if name == "Optional" and len(items) == 1:
            return items[0], True
        if name == "Union":
            rest = [item for item in items if not _is_none(item)]
            if len(rest) < len(items):
                return (rest[0] if len(rest) == 1 else node), True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = _union_parts(node)
        rest = [part for part in parts if not _is_none(part)]
        if len(rest) < len(parts):
            return (rest[0] if len(rest) == 1 else node), True
    return node, False


def _union_parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_parts(node.left) + _union_parts(node.right)
    return [node]


def _is_none(node: ast.expr) -> bool:
    return is_name(node, "None") or literal_string(node) == "None"


def target_class(node: ast.expr) -> ast.expr:
    """The class a relationship annotation names: `list["Hero"]`, `Optional[Team]`, `"Team"`."""
    node, _ = unwrap_optional(node)
    while isinstance(node, ast.Subscript) and callee_name(node.value) in {"list", "List", "set", "Set", "Sequence"}:
        items = subscript_items(node)
        if len(items) != 1:
            break
        node, _ = unwrap_optional(items[0])
    return node


def mapped_inner(annotation: ast.expr | None) -> ast.expr | None:
    """`Mapped[X]` -> X (also `orm.Mapped[...]`, "Mapped[...]" strings, WriteOnlyMapped)."""
    if annotation is None:
        return None
    annotation = parse_annotation(annotation)
    if isinstance(annotation, ast.Subscript) and callee_name(annotation.value) in MAPPED_NAMES:
        items = subscript_items(annotation)
        return items[0] if len(items) == 1 else None
    return None


def string_tuple(node: ast.expr | None) -> list[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return None
    values = [literal_string(element) for element in elements(node)]
    return [value for value in values if value is not None] if all(v is not None for v in values) else None


# -- SQL and snippets ------------------------------------------------------------------------------


def server_default_sql(node: ast.expr | None, source: SourceText) -> str | None:
    """What the database receives as DEFAULT for a `server_default=`, in a model or a migration.

    A Python string is a SQL literal to SQLAlchemy, so it is quoted (`"pending"` -> `'pending'`);
    `text("now()")` and `literal_column("x")` are the SQL itself; `func.now()` (also `sa.func`,
    `db.func`) is `now()`, `func.current_timestamp()` the bare `CURRENT_TIMESTAMP`; `sa.false()` is
    `false`; `DefaultClause(x)` is x's default; `None` is no default. Anything else is kept as
    written in `source`, the file's text.
    """
    if node is None or is_name(node, "None"):
        return None
    value = literal_string(node)
    if value is not None:
        return "'" + value.replace("'", "''") + "'"
    if isinstance(node, ast.Call):
        name = callee_name(node.func)
        first = argument(node, 0, "text")
        if name in ("text", "literal_column") and first is not None and literal_string(first) is not None:
            return literal_string(first)
        if name == "DefaultClause" and first is not None:
            return server_default_sql(first, source)
        written = dotted_name(node.func) or ""
        has_args = bool(node.args or node.keywords)
        if name in ("true", "false") and not has_args:
            return name
        if name and (written == f"func.{name}" or written.endswith(f".func.{name}")):
            if not has_args and name.lower() in BARE_FUNCTIONS:
                return name.upper()
            args = ", ".join(server_default_sql(arg.value, source) or "NULL" for arg in call_args(node))
            return f"{name}({args})"
    return source_of(node, source)


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
    "class_bases",
    "dict_items",
    "keyword",
    "mapped_inner",
    "parse_annotation",
    "python_snippet",
    "server_default_sql",
    "source_of",
    "string_tuple",
    "target_class",
    "unwrap_optional",
]
