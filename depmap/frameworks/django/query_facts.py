"""What the Django query visitor tracks and what it says: `Subject`, `Op`, the ORM_ACCESS fact.

`django_queries` follows names and chains; for each expression it knows a `Subject` (a queryset,
rows or an instance of a model, reached through relations) and for each operation an `Op` (read or
write, the ORM detail, the fields named). Turning the two into the contract's ORM_ACCESS fact
(`depmap.orm.symbols`) — its `extra`, its lines, a one-line snippet — is kept here so that the
visitor's module holds only the tracking, and so that the fact's shape is read in one place.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Sequence

from depmap.model import HIGH, READ, WRITE, Fact, Location
from depmap.orm import symbols
from depmap.frameworks.django.field_references import FieldReferenceFinder, Refs
from depmap.frameworks.django.orm_vocabulary import RELATION_WRITES, keyword_names, literal_keys
from depmap.python.tree import argument, call_args, string_list
from depmap.python.name_lines import call_arguments, first_lines
from depmap.python.tree import ParsedTree

SNIPPET_LIMIT = 160


@dataclass
class Subject:
    """What an expression holds: a queryset, rows or an instance of a model (through relations)."""

    kind: str  # "queryset" | "rows" | "instance"
    model: str | None
    model_name: str
    relation: tuple[str, ...] = ()
    confidence: str = HIGH
    reason: str | None = None
    queryset: str | None = None  # the QuerySet/Manager class whose methods run, model unknown here
    constructed: list[str] | None = None  # a new instance: the fields set before its first save
    all_fields: bool = False  # the constructor took **kwargs
    saved: bool = False
    built: ast.expr | None = None  # the constructor call of a new instance, in the function at hand
    accessor: bool = False  # of unknown class: the linker finds the model by its relation's name
    receiver: str | None = None  # `self.model` in a mixin or generic view: the model its class binds
    aliases: tuple[str, ...] = ()  # names an earlier `annotate(date=...)` of this queryset made: not fields


@dataclass(frozen=True)
class Op:
    """What one fact says was done: access, detail, and the fields it names."""

    access: str
    detail: str
    fields: Sequence[str] = ()
    all_fields: bool = False
    aliases: Sequence[str] = ()
    related: Sequence[str] = ()  # relation paths whose rows are loaded whole (select/prefetch_related)
    rows: bool = False  # the query loads model instances: every column of each row (`get`, a `for`)


def query_op(refs: Refs) -> Op:
    """The read of a chain that named `refs`."""
    return Op(READ, symbols.ORM_QUERY, refs.fields, aliases=refs.aliases, related=refs.related)


def write_op(method: str, call: ast.Call, refs: Refs, field_refs: FieldReferenceFinder, built: tuple[list[str], bool] | None) -> Op:
    """The write a terminal queryset method does; the fields it reads (lookups, F()) go to `refs`.
    `built`: for bulk_create, the fields the constructors of its objects set, when known."""
    if method in ("get_or_create", "update_or_create"):
        field_refs.in_arguments(method, call_args(call), refs)
        lookups, star = keyword_names(call, skip=frozenset({"defaults", "create_defaults"}))
        fields = [name for name in lookups if "__" not in name]
        for keyword in ("defaults", "create_defaults"):
            value = argument(call, 0 if keyword == "defaults" and method == "get_or_create" else None, keyword)
            keys = literal_keys(value) if value is not None else []
            star = star or keys is None
            fields.extend(key for key in keys or [] if key not in fields)
            if value is not None:
                field_refs.in_expression(value, refs, inner=False)
        return Op(WRITE, symbols.ORM_CREATE, fields, star)
    for arg in call_args(call):
        field_refs.in_expression(arg.value, refs, inner=False)
    if method == "create":
        fields, star = keyword_names(call)
        return Op(WRITE, symbols.ORM_CREATE, fields, star)
    if method == "bulk_create":
        return Op(WRITE, symbols.ORM_CREATE, built[0] if built else (), built is None or built[1])
    if method == "bulk_update":
        names = string_list(argument(call, 1, "fields"))  # none given or not literal: unknown
        return Op(WRITE, symbols.ORM_UPDATE, names or (), names is None)
    if method == "update":
        fields, star = keyword_names(call)
        return Op(WRITE, symbols.ORM_UPDATE, fields, star)
    if method in RELATION_WRITES:
        return Op(WRITE, symbols.ORM_UPDATE)
    return Op(WRITE, symbols.ORM_DELETE)


def access_fact(parsed: ParsedTree, symbol: str, subject: Subject, op: Op, anchor: ast.AST, end: ast.AST) -> Fact:
    """One ORM_ACCESS fact from the line of `anchor` (where the chain starts) to the end of `end`;
    the snippet is `end`'s source (`(\n Order.objects ... \n)`: not the brackets around it).
    `extra["field_lines"]`: the line of each field first named on another line than `anchor`'s
    (a write's own arguments first: `.filter(status=...).update(status=...)` writes at update)."""
    start, stop = anchor.lineno, end.end_lineno  # type: ignore[attr-defined]
    extra: dict[str, Any] = {
        "model": subject.model,
        "model_name": subject.model_name,
        "relation": list(subject.relation),
        "fields": list(op.fields),
        "all_fields": op.all_fields,
        "aliases": list(op.aliases),
    }
    if op.related:
        extra["related"] = list(op.related)
    if op.rows:
        extra["rows"] = True
    preferred = call_arguments(end) if op.access == WRITE else []
    lines = {name: line for name, line in first_lines(op.fields, preferred, [end]).items() if line != start}
    if lines:
        extra["field_lines"] = lines
    if subject.reason:
        extra["reason"] = subject.reason
    if subject.queryset:
        extra["queryset"] = subject.queryset
    if subject.accessor:
        extra["by_accessor"] = True
    if subject.kind == "instance" and subject.relation:  # `line.save()` for a line of `order.lines`: no join
        extra["held"] = True
    if subject.receiver:  # an effect of this method on the model its class (or caller) binds
        extra["receiver"], extra["callable"] = subject.receiver, symbol
    snippet = " ".join(parsed.source.segment(end).split())
    if len(snippet) > SNIPPET_LIMIT:
        snippet = snippet[: SNIPPET_LIMIT - 1] + "…"
    location = Location(parsed.path, start, stop, symbol=symbol)
    return Fact(symbols.ORM_ACCESS, "", location, access=op.access, detail=op.detail, via="orm",
                confidence=subject.confidence, snippet=snippet, extra=extra)  # fmt: skip
