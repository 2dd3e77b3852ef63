"""Classes, module-level objects and calls on them: how a model reaches a generic repository.

`users = CRUDBase(User)` in one file, `crud.users.get(db, id)` in another, and
`db.query(self.model)` inside `CRUDBase.get` in a third: no line names `User` where the query runs.
This analysis records, per file, what the linker needs to join the three (`depmap.orm.calls`):

PY_CLASS — a module-level class: `extra = {"class": qualified name, "bases": [qualified],
    "init_parameters": {attr: [position, parameter]} (`self.model = model` in `__init__`),
    "class_names": {attr: qualified class} (`model = Article`), and with a `model`, "model_line" and
    the literal "view_fields"}`; only classes with bases or bindings.
PY_OBJECT — a module-level `name = Class(args)`: `extra = {"object": qualified name, "class":
    qualified class, "args": [qualified name or None], "keywords": {name: qualified}}`.
ORM_CALL — `crud.users.get(...)` on a project object (`object`), `Board.get_by(...)` on a class
    and `board.save()` on a name holding one (`model`, `on`, `origin`), `cls.get_by(...)` inside a
    sibling method (`receiver`, `callable`), and `count_rows(db, Order)`, a function given a class
    (`function`); `method`, `model_name` as written, and `args`/`keywords` the arguments that name
    a class, or hold or build a queryset of one (`{"1": "app.models.Order"}`), which bind the
    callee's parameters.

Syntax and imports only: whether a class is a model, an object a repository, is the linker's call.
"""

from __future__ import annotations

import ast
import re
import sys

from depmap.model import Fact, Location
from depmap.orm.symbols import ORM_CALL, PY_CLASS, PY_OBJECT
from depmap.python.analysis import PythonAnalysis
from depmap.python.class_bindings import class_names, init_parameters
from depmap.python.imports import ImportTable
from depmap.python.tree import ParsedTree, TreeVisitor, dotted_name, single_assignment, string_list, top_level, unquoted_annotation
from depmap.scan_context import ScanContext

_OBJECT_CALL = re.compile(r"\b[a-z_]\w*\.[a-z_]\w*\(")
SNIPPET_LIMIT = 160
# The query methods that return one row, an instance of the queried model.
_ONE_ROW = frozenset({"first", "one", "one_or_none", "get", "first_or_404", "get_or_404", "one_or_404", "last", "earliest", "latest", "scalar"})
# Packages whose functions are never the project's helpers: calls of theirs are not recorded.
_LIBRARIES = frozenset({"django", "flask", "sqlalchemy", "pytest", "unittest", "typing", "pydantic", "fastapi", "click", "werkzeug", "jinja2", "celery", "requests", "numpy", "pandas", "attr", "attrs", "rest_framework", "graphene", "marshmallow", "alembic", "six"})


def wants_objects(text: str) -> bool:
    """Classes, calls on a name (`crud.users.get(`), or imports (a helper of the project called by name)."""
    return "class " in text or "import " in text or _OBJECT_CALL.search(text) is not None


def analyse_objects(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    imports = ImportTable.of(parsed.tree, parsed.module_name, parsed.is_package)
    facts: list[Fact] = []
    objects: set[str] = set()
    for statement in top_level(parsed.tree.body):
        if isinstance(statement, ast.ClassDef):
            facts.extend(_class_fact(parsed, statement, imports))
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            fact = _object_fact(parsed, statement.targets[0].id, statement.value, imports)
            if fact is not None:
                facts.append(fact)
                objects.add(statement.targets[0].id)
    calls = _ObjectCalls(parsed, imports, objects)
    calls.walk(parsed.tree)
    return facts + calls.facts


class _ObjectCalls(TreeVisitor):
    """ORM_CALL facts for the calls a method of the project may answer, the enclosing function as
    symbol: `<object>.<method>(...)` on a project object, `Board.get_by(...)` on a project class,
    `board.save()` on a name holding one (`board = Board(...)` / `Board.get_by(...)` / a `for` over
    `Board.all_of(...)` / `board: Board`), and `cls.get_by(...)` / `self.save()` inside a class
    that defines that method (a mixin's method calling its sibling)."""

    def __init__(self, parsed: ParsedTree, imports: ImportTable, objects: set[str]) -> None:
        super().__init__(parsed.module_name)
        self.parsed = parsed
        self.imports = imports
        self.objects = objects
        self.top = parsed.module_name.split(".", 1)[0]
        self.frames: list[dict[str, tuple[str, str]]] = [{}]  # name -> (class, how it was had)
        self.querysets: list[dict[str, str]] = [{}]  # name -> the model of the queryset it holds
        self.receivers: list[dict[str, str]] = [{}]  # `cls` / `self` -> "cls" / "self" in a class's method
        self.methods: dict[str, set[str]] = {}  # module-level class -> its method names
        self.functions = {f.name for f in parsed.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.facts: list[Fact] = []

    # -- scopes ------------------------------------------------------------------------------------

    def enter_class(self, node: ast.ClassDef) -> None:
        if not self.scopes:
            self.methods[node.name] = {m.name for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        super().enter_class(node)

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().enter_function(node)
        frame: dict[str, tuple[str, str]] = {}
        receivers: dict[str, str] = {}
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        if len(self.scopes) == 2 and self.scopes[0][0] == "class" and node.args.args:
            decorators = {dotted_name(d) for d in node.decorator_list}
            if "staticmethod" not in decorators:
                receivers[node.args.args[0].arg] = "cls" if "classmethod" in decorators else "self"
        for argument in arguments:
            written = dotted_name(_unquoted(argument.annotation)) if argument.annotation is not None else None
            qualified = self._class(written)
            if qualified is not None:
                frame[argument.arg] = (qualified, "annotated")
        self.frames.append(frame)
        self.receivers.append(receivers)
        self.querysets.append({})

    def leave_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.frames.pop()
        self.querysets.pop()
        self.receivers.pop()
        super().leave_function(node)

    def _class(self, written: str | None) -> str | None:
        """A capitalized class defined or imported here (the standard library's aside): qualified,
        else None. Tests import the project's models from outside its package: any package counts."""
        if not written or not written.rsplit(".", 1)[-1][:1].isupper():
            return None
        head = written.split(".", 1)[0]
        if head in self.methods and "." not in written:
            return f"{self.module_name}.{written}"
        return _outside_stdlib(self.imports.qualify_text(written))

    # -- bindings ----------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.in_function:  # `from .helpers import count_rows` inside a function, against import cycles
            self.imports.add_import(node, self.parsed.is_package)

    visit_ImportFrom = visit_Import

    def visit_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and self.in_function:
            name = node.targets[0].id
            held = self._held(node.value)
            if held is not None:
                self.frames[-1][name] = held
            else:
                self.frames[-1].pop(name, None)
            model = self._queryset_of(node.value)
            if model is not None:
                self.querysets[-1][name] = model
            else:
                self.querysets[-1].pop(name, None)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        held = self._held(node.iter)
        if isinstance(node.target, ast.Name) and held is not None and held[1] == "returned":
            self.frames[-1][node.target.id] = (held[0], "returned")

    visit_AsyncFor = visit_For

    def _held(self, value: ast.expr) -> tuple[str, str] | None:
        """`Board(...)` (a new row), `Board.get_by(...)` (what a class method returns)."""
        value = value.value if isinstance(value, ast.Await) else value
        if not isinstance(value, ast.Call):
            return None
        constructed = self._class(dotted_name(value.func))
        if constructed is not None:
            return constructed, "constructed"
        if isinstance(value.func, ast.Attribute):
            owner = self._class(dotted_name(value.func.value))
            if owner is not None and not value.func.attr.startswith("_"):
                return owner, "returned"
            if value.func.attr in _ONE_ROW:  # `Teams.query.filter_by(id=x).first_or_404()`: one row of the model
                model = self._queryset_of(value.func.value)
                if model is not None:
                    return model, "returned"
        return None

    def _queryset_of(self, value: ast.expr) -> str | None:
        """`Feeding.objects.filter(...)...` / `Post.query.filter(...)` (or a chain on a name holding
        one): the model of the queryset, which a helper given it queries."""
        current: ast.expr = value.value if isinstance(value, ast.Await) else value
        while isinstance(current, (ast.Call, ast.Attribute)):
            if isinstance(current, ast.Attribute) and current.attr in ("objects", "query", "_default_manager"):
                return self._class(dotted_name(current.value))
            current = current.func if isinstance(current, ast.Call) else current.value
        if isinstance(current, ast.Name) and current is not value:
            return self.querysets[-1].get(current.id)
        return None

    # -- calls -------------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        classes = self._class_arguments(node)
        if isinstance(node.func, ast.Name) or (isinstance(node.func, ast.Attribute) and classes and self._function(node.func)):
            function = self._function(node.func)  # `count_rows(db, Order)`, `gen_award(db, ...)`: a helper
            if function is None or not (classes or self._project_function(function)):
                return
            extra: dict | None = {"function": function, "model_name": dotted_name(node.func)}
        elif isinstance(node.func, ast.Attribute) and not node.func.attr.startswith("__"):
            receiver = dotted_name(node.func.value)
            extra = self._receiver(receiver, node.func.attr) if receiver is not None else None
            if extra is not None:
                extra.update(method=node.func.attr, model_name=receiver)
        else:
            return
        if extra is None:
            return
        extra.update(classes)
        location = Location(self.parsed.path, node.lineno, node.end_lineno, symbol=self.symbol)
        snippet = " ".join(self.parsed.source.segment(node).split())[:SNIPPET_LIMIT]
        self.facts.append(Fact(ORM_CALL, "", location, via="orm", snippet=snippet, extra=extra))

    def _function(self, func: ast.expr) -> str | None:
        """A function of the project called by name: defined here, or imported from anywhere but the
        standard library (`from app.db.helpers import count_rows`, `helpers.count_rows`)."""
        written = dotted_name(func)
        if not written or written.rsplit(".", 1)[-1][:1].isupper():
            return None
        if written in self.functions:
            return f"{self.module_name}.{written}"
        return _outside_stdlib(self.imports.qualify_text(written))

    def _project_function(self, function: str) -> bool:
        """A function this module defines or imports from the project: its own package, a relative
        import, or a module of the project's (any `from x import f` outside the standard library
        may be one; the linker keeps those whose body touches a table)."""
        return function.split(".", 1)[0] not in _LIBRARIES

    def _class_arguments(self, node: ast.Call) -> dict:
        """The arguments that name a class: {"args": {"1": "app.models.Order"}, "keywords": {...}}."""
        args = {str(i): c for i, a in enumerate(node.args) if (c := self._class_or_queryset(a)) is not None}
        keywords = {k.arg: c for k in node.keywords if k.arg and (c := self._class_or_queryset(k.value)) is not None}
        return {key: value for key, value in (("args", args), ("keywords", keywords)) if value}

    def _class_or_queryset(self, argument: ast.expr) -> str | None:
        """The class an argument names, or the model of the queryset it holds or builds."""
        if isinstance(argument, ast.Name) and argument.id in self.querysets[-1]:
            return self.querysets[-1][argument.id]
        if not isinstance(argument, (ast.Name, ast.Attribute, ast.Call)):  # a literal, an operation: names no class
            return None
        return self._class(dotted_name(argument)) or (self._queryset_of(argument) if isinstance(argument, ast.Call) else None)

    def _receiver(self, receiver: str, method: str) -> dict | None:
        """What the call's `extra` says of its receiver; None when no project method may answer."""
        if "." not in receiver:
            own = self.receivers[-1].get(receiver)
            owner = self.scopes[0][1] if self.scopes else ""
            if own is not None:  # `cls.get_by(...)` in `get_by_or_404`, a sibling of the same class
                return {"receiver": own, "callable": self.symbol} if method in self.methods.get(owner, ()) else None
            for frame in reversed(self.frames):
                if receiver in frame:
                    model, origin = frame[receiver]
                    return {"model": model, "on": "instance", "origin": origin}
        model = self._class(receiver)
        if model is not None:
            return {"model": model, "on": "class"}
        if any(part[:1].isupper() for part in receiver.split(".")):
            return None
        head = receiver.split(".", 1)[0]
        if head in self.objects:
            return {"object": f"{self.module_name}.{receiver}"}
        qualified = self.imports.qualify_text(receiver) or ""
        if qualified.split(".", 1)[0] != self.top or any(part[:1].isupper() for part in qualified.split(".")):
            return None
        return {"object": qualified}


def _outside_stdlib(qualified: str | None) -> str | None:
    """A qualified name, unless it is the standard library's (`datetime.datetime`, `pathlib.Path`)."""
    return qualified if qualified is not None and qualified.split(".", 1)[0] not in sys.stdlib_module_names else None


def _unquoted(annotation: ast.expr) -> ast.expr | None:
    """`"Board"` read as `Board`; `Optional[Board]` and `Board | None` as `Board`."""
    annotation = unquoted_annotation(annotation)  # type: ignore[assignment]
    if annotation is None:
        return None
    if isinstance(annotation, ast.Subscript) and dotted_name(annotation.value) in ("Optional", "typing.Optional", "t.Optional"):
        return annotation.slice
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return annotation.left
    return annotation


def _class_fact(parsed: ParsedTree, node: ast.ClassDef, imports: ImportTable) -> list[Fact]:
    bases = []
    for base in node.bases:
        value = base.value if isinstance(base, ast.Subscript) else base  # `CRUDBase[User, ...]`
        if dotted_name(value) not in (None, "object", "Generic"):
            bases.append(imports.qualify_or_written(value))
    parameters = init_parameters(node)
    names = {attr: imports.qualify_text(written) or written for attr, written in class_names(node).items()}
    if not (bases or parameters or names):
        return []
    extra = {"class": f"{parsed.module_name}.{node.name}", "bases": bases, "init_parameters": parameters, "class_names": names}
    if "model" in names:  # a generic view's binding, which the linker may find through bases elsewhere
        extra.update(_model_binding(node))
    location = Location(parsed.path, node.lineno, node.lineno, symbol=extra["class"])
    return [Fact(PY_CLASS, "", location, via="orm", extra=extra)]


def _object_fact(parsed: ParsedTree, name: str, value: ast.expr, imports: ImportTable) -> Fact | None:
    if not isinstance(value, ast.Call):
        return None
    written = dotted_name(value.func)
    if not written or not written.rsplit(".", 1)[-1][:1].isupper():
        return None
    args = [imports.qualify_or_written(arg) for arg in value.args if not isinstance(arg, ast.Starred)]
    keywords = {k.arg: imports.qualify_or_written(k.value) for k in value.keywords if k.arg is not None}
    extra = {"object": f"{parsed.module_name}.{name}", "class": imports.qualify_or_written(value.func), "args": args, "keywords": keywords}
    location = Location(parsed.path, value.lineno, value.end_lineno, symbol=parsed.module_name)
    return Fact(PY_OBJECT, "", location, via="orm", extra=extra)


OBJECTS = PythonAnalysis("python objects", wants_objects, analyse_objects)


def _model_binding(node: ast.ClassDef) -> dict:
    """The line of `model = X` and the literal `fields` beside it (`depmap.orm.generic_views`)."""
    found: dict = {}
    for statement in node.body:
        target, value = single_assignment(statement)
        if target == "model":
            found["model_line"] = statement.lineno
        elif target == "fields" and (fields := string_list(value)) is not None:
            found["view_fields"] = list(fields)
    return found
