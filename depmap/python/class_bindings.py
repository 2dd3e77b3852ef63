"""What a class binds to its attributes, and a function to its parameters: the forms generic
repositories, mixins and helpers use to hold a model their caller gives.

`class CRUDBase: def __init__(self, model): self.model = model` (bound by each constructor call,
`users = CRUDBase(User)`) and `class ArticleRepository(Base): model = Article` (bound by the class)
both make `self.model` stand for a model in every method. Syntax only: which names these are,
and where their value comes from; the linker decides whether the value is a model.
"""

from __future__ import annotations

import ast
import re

from depmap.python.tree import dotted_name, single_assignment

# `self.session`, `self.db`: a session, never a model.
_SESSION_LIKE = re.compile(r"(?i)session|^_*(?:db|sess|s|uow|conn|connection|engine)$")


def init_parameters(node: ast.ClassDef) -> dict[str, list]:
    """`self.<attr> = <param>` in `__init__`: attr -> [position among the arguments after self, name]."""
    found: dict[str, list] = {}
    for statement in node.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) or statement.name != "__init__":
            continue
        params = [p.arg for p in (*statement.args.posonlyargs, *statement.args.args)][1:]
        keywords = [p.arg for p in statement.args.kwonlyargs]
        for inner in ast.walk(statement):
            if not isinstance(inner, ast.Assign) or len(inner.targets) != 1 or not isinstance(inner.value, ast.Name):
                continue
            target = inner.targets[0]
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                name = inner.value.id
                if name in params:
                    found[target.attr] = [params.index(name), name]
                elif name in keywords:
                    found[target.attr] = [None, name]
    return {attr: where for attr, where in found.items() if not _SESSION_LIKE.search(attr)}


def class_names(node: ast.ClassDef) -> dict[str, str]:
    """Class-level `model = Article` / `model = models.Article`: attr -> the class as written."""
    found: dict[str, str] = {}
    for statement in node.body:
        target, value = single_assignment(statement)
        if target is None:
            continue
        written = dotted_name(value)
        if written and written.rsplit(".", 1)[-1][:1].isupper() and not _SESSION_LIKE.search(target):
            found[target] = written
    return found


def argument_positions(node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> dict[str, str]:
    """A function's parameters as the receivers its ORM effects name: `def count_rows(db, model)`
    -> {"db": "arg:0:db", "model": "arg:1:model"}; a method's `self`/`cls` is not counted (callers
    do not pass it), keyword-only parameters have no position ("arg::name")."""
    positional = [p.arg for p in (*node.args.posonlyargs, *node.args.args)]
    decorators = {dotted_name(d) for d in node.decorator_list}
    if in_class and positional and "staticmethod" not in decorators:
        positional = positional[1:]
    found = {name: f"arg:{index}:{name}" for index, name in enumerate(positional)}
    found.update({p.arg: f"arg::{p.arg}" for p in node.args.kwonlyargs})
    return found
