"""The arguments of `AddField(...)` and `op.add_column(...)` calls that the scanners' column facts
leave out, read again from one migration file (statically, with libcst).

The scanners keep what the catalog replays (type name, nullability, defaults); a migration under
review needs more to describe the column exactly: a CharField's `max_length`, the model a
ForeignKey points at, SQLAlchemy's client-side `default=`, `Computed(...)`, a
`batch_alter_table` block. Only files named for `depmap check` are read, so the cost is small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from depmap.python.source import argument, callee_name, literal_bool, literal_string, parse_python

if TYPE_CHECKING:  # libcst loads when a migration is read, not with every command that may read one
    import libcst as cst


@dataclass(frozen=True)
class CallInfo:
    """One call: its line range, the class called inside it and that call's arguments as code."""

    line: int
    end_line: int
    name: str | None  # the field's or column's name, when a literal
    callee: str | None  # Django field class (CharField) / "Column"
    kwargs: dict[str, str] = field(default_factory=dict)
    items: tuple[tuple[str, dict[str, str], tuple[str, ...]], ...] = ()  # Column's schema items: (class, kwargs, args)
    batch: bool = False
    args: tuple[str, ...] = ()  # the inner call's positional arguments as code


@dataclass
class MigrationCalls:
    """`AddField` and `add_column` calls keyed by their own first line (where the column fact points)."""

    django: dict[int, list[CallInfo]] = field(default_factory=dict)
    alembic: dict[int, list[CallInfo]] = field(default_factory=dict)


def read_calls(path: str, text: str) -> MigrationCalls:
    import libcst as cst
    from libcst.metadata import PositionProvider

    parsed = parse_python(path, text, metadata=True)
    found = MigrationCalls()
    if not hasattr(parsed, "wrapper") or parsed.wrapper is None:
        return found  # a syntax error: the scan already reported the file
    positions = parsed.wrapper.resolve(PositionProvider)
    module = parsed.module
    batches = _batch_names(module)

    def code(node: cst.CSTNode) -> str:
        return module.code_for_node(node)

    def kwargs_of(call: cst.Call) -> dict[str, str]:
        return {a.keyword.value: code(a.value) for a in call.args if a.keyword is not None}

    for call in _calls(module):
        method = callee_name(call.func)
        where = positions[call]
        if method == "AddField":
            inner = argument(call, 2, "field")
            if isinstance(inner, cst.Call):
                args = tuple(code(a.value) for a in inner.args if a.keyword is None and not a.star)
                info = CallInfo(where.start.line, where.end.line, literal_string(argument(call, 1, "name")),
                                callee_name(inner.func), kwargs_of(inner), args=args)
                found.django.setdefault(where.start.line, []).append(info)
        elif method == "add_column" and isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name):
            batch = call.func.value.value in batches
            column = argument(call, 0 if batch else 1, "column")
            if not isinstance(column, cst.Call) or callee_name(column.func) != "Column":
                continue
            positional = [a.value for a in column.args if a.keyword is None and not a.star]
            items = tuple(
                (callee_name(item.func) or "", kwargs_of(item), tuple(code(a.value) for a in item.args if a.keyword is None))
                for item in positional[1:]
                if isinstance(item, cst.Call)
            )
            name = literal_string(positional[0]) if positional else literal_string(argument(column, None, "name"))
            info = CallInfo(where.start.line, where.end.line, name.lower() if name else None, "Column", kwargs_of(column), items, batch)
            found.alembic.setdefault(where.start.line, []).append(info)
    return found


def _calls(module: cst.Module) -> list[cst.Call]:
    import libcst as cst

    calls: list[cst.Call] = []

    class Gather(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            calls.append(node)

    module.visit(Gather())
    return calls


def _batch_names(module: cst.Module) -> set[str]:
    """Names bound by `with op.batch_alter_table("t") as batch_op:` anywhere in the file."""
    import libcst as cst

    names: set[str] = set()

    class Gather(cst.CSTVisitor):
        def visit_WithItem(self, node: cst.WithItem) -> None:
            item = node.item
            if isinstance(item, cst.Call) and callee_name(item.func) == "batch_alter_table" and node.asname is not None:
                if isinstance(node.asname.name, cst.Name):
                    names.add(node.asname.name.value)

    module.visit(Gather())
    return names


def flag(code: str | None) -> bool | None:
    """`True`/`False` written as an argument; None when absent or not a literal."""
    import libcst as cst

    if code is None:
        return None
    return literal_bool(cst.parse_expression(code)) if code.strip() in ("True", "False") else None
