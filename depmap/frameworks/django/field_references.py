"""Which model fields the arguments of a queryset method name, as written.

A read fact of `django_queries` lists every field a chain refers to, so that renaming or dropping
a column finds the code that uses it. Django spells those references in many ways — lookup
keywords (`status__in`), positional names (`values("total")`, `order_by("-created_at")`),
`F("x")`, `Q(a=1)`/`When(a=1)` keywords, the first string of `Count("items")`-like expressions —
and this module knows them, apart from the visitor that decides which chain a call belongs to.
`annotate()`/`alias()` names are not fields: they go to `Refs.aliases`.

Expressions are recognised when they resolve into Django (`django.db.models.*`,
`django.contrib.postgres.*`) or, unresolved (star imports), by the names below. A nested ORM chain
is a subquery whose references are its own fact's: only its `OuterRef("pk")` is ours.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from depmap.frameworks.django.classes import last_name
from depmap.frameworks.django.orm_vocabulary import ALIAS_METHODS, LOOKUP_METHODS, NAME_METHODS, keyword_names
from depmap.python.imports import ImportTable
from depmap.python.tree import Arg, argument, children_in_source_order, dotted_name, literal_string, positional_args

# Expressions whose positional strings all name fields; other capitalised calls: the first one.
MULTI_FIELD_FUNCTIONS = frozenset({"Coalesce", "Greatest", "Least", "Concat", "ConcatPair", "JSONObject"})
NOT_FIELD_FUNCTIONS = frozenset("Value RawSQL Subquery Exists Case OuterRef Q F When ExpressionWrapper".split())
AGGREGATES = frozenset({"Count", "Sum", "Avg", "Max", "Min", "StdDev", "Variance"})
KNOWN_EXPRESSIONS = AGGREGATES | MULTI_FIELD_FUNCTIONS | frozenset(
    """Lower Upper Length Trim LTrim RTrim Cast Prefetch Extract ExtractYear ExtractMonth ExtractDay
    ExtractWeek ExtractWeekDay ExtractQuarter ExtractHour Trunc TruncDate TruncDay TruncMonth TruncYear
    TruncWeek TruncQuarter TruncHour TruncTime Abs Round ArrayAgg StringAgg JSONBAgg BoolAnd BoolOr""".split()
)
_EXPRESSION_MODULES = ("django.db.models", "django.contrib.postgres")
# Methods whose relation paths load the related rows whole (every column of each related model).
LOADING_METHODS = frozenset({"select_related", "prefetch_related"})


@dataclass
class Refs:
    """The field references and alias names collected along one chain, first use first."""

    fields: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # select_related/prefetch_related paths: rows loaded whole

    def add(self, names: Any, *, to_aliases: bool = False) -> None:
        target = self.aliases if to_aliases else self.fields
        for name in names:
            if name not in target:
                target.append(name)


@dataclass(frozen=True)
class FieldReferenceFinder:
    """Adds to a `Refs` the fields that arguments name; `imports` resolves expression names,
    `is_query` tells a nested ORM chain (a subquery) from any other call."""

    imports: ImportTable
    is_query: Callable[[ast.Call], bool]
    # What a variable of the function holds when it was built from expressions (`q = Q(a=1) | Q(b=2)`,
    # `conditions &= Q(c=3)`): `filter(q)` names the fields of those expressions.
    bound: Callable[[str], Sequence[ast.AST]] = lambda name: ()

    def in_arguments(self, method: str, args: Sequence[Arg], refs: Refs) -> None:
        """The references of `method(*args)`, a queryset method (`filter`, `values`, `annotate`, …),
        its arguments in source order (`call_args`)."""
        for position, arg in enumerate(args):
            keyword = arg.keyword
            if method in LOOKUP_METHODS and keyword is not None and keyword not in ("defaults", "create_defaults"):
                refs.add([keyword])
            elif method in NAME_METHODS and keyword is None and not arg.star:
                text = literal_string(arg.value)
                if text is not None and (method not in ("dates", "datetimes") or position == 0):
                    refs.add([text])
                    if method in LOADING_METHODS and text not in refs.related:
                        refs.related.append(text)
                elif method == "prefetch_related" and isinstance(arg.value, ast.Call):
                    path = literal_string(argument(arg.value, 0, "lookup"))  # Prefetch("lines", queryset=...)
                    if path and last_name(dotted_name(arg.value.func) or "") == "Prefetch" and path not in refs.related:
                        refs.related.append(path)
            elif method in ALIAS_METHODS and keyword is not None and method != "aggregate":
                refs.add([keyword], to_aliases=True)
            elif method == "values" and keyword is not None:
                refs.add([keyword], to_aliases=True)
            elif method == "in_bulk" and keyword == "field_name" and literal_string(arg.value):
                refs.add([literal_string(arg.value)])
            if method == "annotate" and keyword is None and isinstance(arg.value, ast.Call):
                function = last_name(dotted_name(arg.value.func) or "")
                first = literal_string(argument(arg.value, 0, ""))
                if function in AGGREGATES and first:  # annotate(Count("items")) is named items__count
                    refs.add([f"{first}__{function.lower()}"], to_aliases=True)
            if keyword not in ("defaults", "create_defaults"):
                self.in_expression(arg.value, refs, inner=False)

    def in_expression(self, node: ast.AST, refs: Refs, *, inner: bool, resolve: bool = True) -> None:
        """Field names inside an argument: F("x"), Q(a=1), When(a=1), Count("items"), and the
        OuterRef("pk") of a subquery (the subquery's own references are its own fact's); a variable
        holding such expressions, once (`q = q | Q(...)` is not followed round)."""
        if isinstance(node, ast.Name) and resolve and not inner:
            for held in self.bound(node.id):
                self.in_expression(held, refs, inner=False, resolve=False)
            return
        if isinstance(node, ast.Call):
            if not inner and self.is_query(node):
                inner = True
            written = dotted_name(node.func) or ""
            name = last_name(written)
            qualified = self.imports.qualify_text(written)
            expression = qualified.startswith(_EXPRESSION_MODULES) if qualified else name in KNOWN_EXPRESSIONS
            strings = [literal_string(value) for value in positional_args(node)]
            if inner:
                if name == "OuterRef" and strings and strings[0]:
                    refs.add([strings[0]])
            elif name == "F" and strings and strings[0]:
                refs.add([strings[0]])
            elif name in ("Q", "When"):
                refs.add(kw for kw in keyword_names(node, skip=frozenset({"then", "_connector", "_negated"}))[0])
            elif expression and name in MULTI_FIELD_FUNCTIONS:
                refs.add(text for text in strings if text)
            elif expression and name not in NOT_FIELD_FUNCTIONS and strings and strings[0]:
                refs.add([strings[0]])
        for child in children_in_source_order(node):
            self.in_expression(child, refs, inner=inner, resolve=resolve)
