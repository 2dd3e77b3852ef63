"""Django migration files: the migration's place in its app's graph and each schema operation.

`analyse_django_migrations` fills in, for a file `<app>/migrations/<name>.py` holding
`class Migration(migrations.Migration)` (symbolic facts, `depmap.orm.symbols`):

- one MIGRATION fact at the class line: `extra = {"tool": "django", "app", "name",
  "dependencies"}`, each dependency `[app, name]` as written, a swappable one
  (`migrations.swappable_dependency(settings.AUTH_USER_MODEL)`) as
  `["__swappable__", "AUTH_USER_MODEL"]`; `replaces` and `run_before` too when the file has them;
- one DJANGO_MIGRATION_OP fact per operation in `operations = [...]`, from the operation's
  first line to its last: CreateModel, AddField, AlterField, RemoveField, RenameField,
  DeleteModel, RenameModel, AlterModelTable, and the index and constraint operations AddIndex
  (`index`), RemoveIndex (`index_name`), RenameIndex (`new_name`, `old_name`, `old_fields`),
  AddConstraint (`constraint`), RemoveConstraint (`constraint_name`), AlterUniqueTogether and
  AlterIndexTogether (`together`), and django.contrib.postgres' AddIndexConcurrently,
  RemoveIndexConcurrently and AddConstraintNotValid. Indexes and constraints are dicts of `schema_objects`; CreateModel
  carries its options' `indexes`, `constraints`, `unique_together`, `index_together` when written.
  Field dicts follow the MODEL field format (name, line, kind, db_column,
  type, nullable, default, db_default, primary_key, unique, related_model, related_name,
  through; `db_index` when written); an AddField/AlterField with `preserve_default=False` adds `"preserve_default":
  False` to its field: the default only fills existing rows and is not kept in the schema.

Operations inside `SeparateDatabaseAndState` are read from both lists; those of
`state_operations` carry `"state_only": True`, as they change Django's model state and not the
database. RunSQL text is left to the SQL-strings analysis, RunPython is code and not schema.

The app is the directory holding `migrations/` (Django's default app label); the linker maps it
to the label an AppConfig may set. A Django project has a migration file for every few models, so
this reads `ast` trees (`depmap.python.tree`), not libcst. Nothing here imports or runs the scanned code.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from depmap.model import HIGH, Fact, Location
from depmap.orm.symbols import DJANGO_MIGRATION_OP, MIGRATION
from depmap.scan_context import ScanContext
from depmap.python.analysis import PythonAnalysis
from depmap.python.imports import ImportTable
from depmap.python.tree import (
    ParsedTree, SourceText, argument, call_args, callee_name, dotted_name, elements, is_name, literal_bool, literal_string,
)  # fmt: skip
from depmap.frameworks.django.schema_objects import schema_object, schema_objects, together
from depmap.sql.facts import snippet_of

VIA = "migration"
_PREFILTER = re.compile(r"migrations\.Migration|from django\.db import migrations|django\.db\.migrations")
_MIGRATION_BASES = frozenset({"django.db.migrations.Migration", "django.db.migrations.migration.Migration", "migrations.Migration"})
_RELATION_KINDS = {"ForeignKey": "foreign_key", "OneToOneField": "one_to_one", "ManyToManyField": "many_to_many"}
# Operation -> the arguments it takes, in order (Django's own signatures).
_OPERATIONS = {
    "CreateModel": ("name", "fields", "options", "bases", "managers"),
    "AddField": ("model_name", "name", "field", "preserve_default"),
    "AlterField": ("model_name", "name", "field", "preserve_default"),
    "RemoveField": ("model_name", "name"),
    "RenameField": ("model_name", "old_name", "new_name"),
    "DeleteModel": ("name",),
    "RenameModel": ("old_name", "new_name"),
    "AlterModelTable": ("name", "table"),
    "AddIndex": ("model_name", "index"),
    "RemoveIndex": ("model_name", "name"),
    "RenameIndex": ("model_name", "new_name", "old_name", "old_fields"),
    "AddConstraint": ("model_name", "constraint"),
    "RemoveConstraint": ("model_name", "name"),
    "AlterUniqueTogether": ("name", "unique_together"),
    "AlterIndexTogether": ("name", "index_together"),
    "AddIndexConcurrently": ("model_name", "index"),
    "RemoveIndexConcurrently": ("model_name", "name"),
    "AddConstraintNotValid": ("model_name", "constraint"),
}


# Field arguments that change the column's database type: an AlterField that changes one of them
# runs ALTER COLUMN ... TYPE; one that changes `choices` or `help_text` runs nothing.
_SIZE_KWARGS = ("max_length", "max_digits", "decimal_places")


def wants_django_migrations(text: str) -> bool:
    return bool(_PREFILTER.search(text))


def analyse_django_migrations(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """The MIGRATION fact and one DJANGO_MIGRATION_OP fact per schema operation of one file."""
    app, name = app_and_name(parsed.path)
    if name is None:
        return []
    imports = ImportTable.of(parsed.tree, parsed.module_name)
    facts: list[Fact] = []
    for statement in parsed.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Migration" and _is_migration(statement, imports):
            facts.extend(_Migration(parsed, statement, app, name).facts())
    return facts


DJANGO_MIGRATIONS = PythonAnalysis("django migrations", wants_django_migrations, analyse_django_migrations)


def app_and_name(path: str) -> tuple[str, str | None]:
    """`shop/orders/migrations/0002_x.py` -> ("orders", "0002_x"); the app is the directory
    holding `migrations/` (or, for a MIGRATION_MODULES folder with another name, the folder
    itself). `__init__.py` is not a migration: name None."""
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    stem = parts[-1].rsplit(".", 1)[0] if parts else ""
    if not stem or stem == "__init__":
        return "", None
    folders = parts[:-1]
    if folders and folders[-1] == "migrations":
        folders = folders[:-1]
    return (folders[-1] if folders else ""), stem


def _is_migration(node: ast.ClassDef, imports: ImportTable) -> bool:
    return any(imports.qualify_or_written(base) in _MIGRATION_BASES for base in node.bases)


class _Migration:
    """One `class Migration`: its attributes, and the facts they make."""

    def __init__(self, parsed: ParsedTree, node: ast.ClassDef, app: str, name: str) -> None:
        self.parsed = parsed
        self.node = node
        self.app = app
        self.name = name
        self.symbol = f"{parsed.module_name}.{node.name}"
        self.attributes: dict[str, ast.expr] = {}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
                self.attributes[statement.targets[0].id] = statement.value
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None:
                self.attributes[statement.target.id] = statement.value

    def facts(self) -> list[Fact]:
        extra: dict[str, Any] = {"tool": "django", "app": self.app, "name": self.name, "dependencies": self._dependencies("dependencies")}
        for optional in ("replaces", "run_before"):
            if optional in self.attributes:
                extra[optional] = self._dependencies(optional)
        location = Location(self.parsed.path, self.node.lineno, self.node.lineno, symbol=self.symbol)
        written = [*self.node.bases, *(keyword.value for keyword in self.node.keywords)]
        snippet = f"class {self.node.name}({', '.join(self._code(base) for base in written)}):"
        facts = [Fact(MIGRATION, "", location, via=VIA, snippet=snippet, extra=extra)]
        operations = self.attributes.get("operations")
        for operation, state_only in self._operations(operations):
            fact = self._operation(operation, state_only)
            if fact is not None:
                facts.append(fact)
        return facts

    # dependencies

    def _dependencies(self, attribute: str) -> list[list[str]]:
        node = self.attributes.get(attribute)
        found: list[list[str]] = []
        for value in _elements(node):
            if isinstance(value, ast.Call) and callee_name(value.func) == "swappable_dependency" and call_args(value):
                found.append(_swappable(call_args(value)[0].value))
            elif isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == 2:
                app, name = value.elts
                app_name, migration = literal_string(app), literal_string(name)
                if dotted_name(app) is not None and migration is not None:
                    found.append(_swappable(app))
                elif app_name is not None and migration is not None:
                    found.append([app_name, migration])
        return found

    # operations

    def _operations(self, node: ast.expr | None, state_only: bool = False) -> list[tuple[ast.Call, bool]]:
        """The operation calls of a literal list, SeparateDatabaseAndState unpacked."""
        found: list[tuple[ast.Call, bool]] = []
        for call in _elements(node):
            if not isinstance(call, ast.Call):
                continue
            if callee_name(call.func) == "SeparateDatabaseAndState":
                found += self._operations(argument(call, 0, "database_operations"), state_only)
                found += self._operations(argument(call, 1, "state_operations"), True)
            else:
                found.append((call, state_only))
        found.sort(key=lambda item: item[0].lineno)
        return found

    def _operation(self, call: ast.Call, state_only: bool) -> Fact | None:
        op = callee_name(call.func)
        if op not in _OPERATIONS:
            return None
        args = {name: argument(call, index, name) for index, name in enumerate(_OPERATIONS[op])}
        model = literal_string(args.get("model_name") or args.get("name") or args.get("old_name"))
        if model is None:
            return None
        extra: dict[str, Any] = {"app": self.app, "op": op, "model_name": model.lower()}
        if op == "CreateModel":
            fields, complete = self._field_list(args["fields"])
            extra["fields"] = fields
            if not complete:
                extra["dynamic"] = True
            extra.update(_options(args["options"], self.parsed.source))
            bases = [literal_string(base) or self._code(base) for base in _elements(args["bases"])]
            if bases:
                extra["bases"] = bases
        elif op in ("AddField", "AlterField", "RemoveField"):
            name = literal_string(args["name"])
            if name is None:
                return None
            extra["name"] = name
            if op != "RemoveField":
                field = args["field"]
                if not isinstance(field, ast.Call):
                    return None
                spec = self._field(name, field)
                if is_name(args["preserve_default"], "False"):
                    spec["preserve_default"] = False
                extra["fields"] = [spec]
        elif op in ("RenameField", "RenameModel"):
            old, new = literal_string(args["old_name"]), literal_string(args["new_name"])
            if old is None or new is None:
                return None
            if op == "RenameModel":  # model names are compared lower-cased, as `model_name`
                old, new = old.lower(), new.lower()
            extra.update(old_name=old, new_name=new)
        elif op == "AlterModelTable":
            table = args["table"]
            if literal_string(table) is None and not is_name(table, "None"):
                return None
            extra["table"] = literal_string(table)
        elif op in ("AddIndex", "AddIndexConcurrently", "AddConstraint", "AddConstraintNotValid"):
            found = schema_object(args.get("index") or args.get("constraint"), self.parsed.source)
            if found is None:
                return None
            extra["index" if "index" in args else "constraint"] = found
        elif op in ("RemoveIndex", "RemoveIndexConcurrently", "RemoveConstraint"):
            name = literal_string(args["name"])
            if name is None:
                return None
            extra["constraint_name" if op == "RemoveConstraint" else "index_name"] = name
        elif op == "RenameIndex":
            extra.update(new_name=literal_string(args["new_name"]), old_name=literal_string(args["old_name"]))
            extra["old_fields"] = [literal_string(e) for e in _elements(args["old_fields"])] or None
        elif op in ("AlterUniqueTogether", "AlterIndexTogether"):
            groups = together(args.get("unique_together") or args.get("index_together"))
            if groups is None:
                return None
            extra["together"] = groups
        if state_only:
            extra["state_only"] = True
        location = Location(self.parsed.path, call.lineno, call.end_lineno, symbol=self.symbol)
        return Fact(DJANGO_MIGRATION_OP, "", location, via=VIA, confidence=HIGH, snippet=snippet_of(self._code(call)), extra=extra)

    def _field_list(self, node: ast.expr | None) -> tuple[list[dict[str, Any]], bool]:
        """CreateModel's `fields=[("name", models.X(...)), ...]`, each at the line of its name;
        False when some are unreadable."""
        fields: list[dict[str, Any]] = []
        complete = isinstance(node, (ast.List, ast.Tuple))
        for pair in _elements(node):
            items = _elements(pair)
            name = literal_string(items[0]) if len(items) == 2 else None
            if name is None or not isinstance(items[1], ast.Call):
                complete = False
                continue
            fields.append(self._field(name, items[1], line=items[0].lineno))
        return fields, complete

    def _field(self, name: str, call: ast.Call, line: int | None = None) -> dict[str, Any]:
        """A field dict in the MODEL format of `depmap.orm.symbols`."""
        type_name = callee_name(call.func) or self._code(call.func)
        kind = _RELATION_KINDS.get(type_name, "column")
        related = argument(call, 0, "to") if kind != "column" else None
        through = argument(call, None, "through")
        null = argument(call, None, "null")
        found = {
            "name": name,
            "line": line if line is not None else call.lineno,
            "kind": kind,
            "db_column": literal_string(argument(call, None, "db_column")),
            "type": type_name,
            "nullable": (type_name == "NullBooleanField") if null is None else literal_bool(null),  # NULL-able by definition
            "default": self._written(argument(call, None, "default")),
            "db_default": self._written(argument(call, None, "db_default")),
            "primary_key": bool(literal_bool(argument(call, None, "primary_key"))),
            "unique": bool(literal_bool(argument(call, None, "unique"))),
            "related_model": self._reference(related),
            "related_name": literal_string(argument(call, None, "related_name")),
            "through": self._reference(through),
        }
        db_index = literal_bool(argument(call, None, "db_index"))
        if db_index is not None:
            found["db_index"] = db_index
        size = {key: self._written(argument(call, None, key)) for key in _SIZE_KWARGS if argument(call, None, key) is not None}
        if size:
            found["size"] = size
        return found

    def _reference(self, node: ast.expr | None) -> str | None:
        """A model as written: "orders.customer", "settings.AUTH_USER_MODEL", "self"."""
        if node is None:
            return None
        return literal_string(node) or dotted_name(node) or self._code(node)

    def _written(self, node: ast.expr | None) -> str | None:
        return self._code(node) if node is not None else None

    def _code(self, node: ast.AST) -> str:
        return self.parsed.source.segment(node)


def _options(node: ast.expr | None, source: SourceText) -> dict[str, Any]:
    """CreateModel `options`: db_table -> table, abstract/proxy/managed, and the indexes and
    constraints it declares (only when written)."""
    values: dict[str, ast.expr] = {}
    if isinstance(node, ast.Dict):
        for key_node, value in zip(node.keys, node.values):
            if (key := literal_string(key_node)) is not None:
                values[key] = value
    found: dict[str, Any] = {
        "table": literal_string(values.get("db_table")),
        "abstract": bool(literal_bool(values.get("abstract"))),
        "proxy": bool(literal_bool(values.get("proxy"))),
    }
    if literal_bool(values.get("managed")) is False:
        found["managed"] = False  # Django neither creates nor alters its table
    for key in ("indexes", "constraints"):
        if key in values:
            found[key] = schema_objects(values[key], source)
    for key in ("unique_together", "index_together"):
        if (groups := together(values.get(key))) is not None:
            found[key] = groups
    return found


def _swappable(node: ast.expr) -> list[str]:
    """`settings.AUTH_USER_MODEL` -> ["__swappable__", "AUTH_USER_MODEL"]."""
    written = dotted_name(node) or literal_string(node) or ""
    return ["__swappable__", written.rsplit(".", 1)[-1]]


def _elements(node: ast.expr | None) -> list[ast.expr]:
    """The items of a list or tuple display (`*rest` as `rest`); none for anything else."""
    return elements(node) if isinstance(node, (ast.List, ast.Tuple)) else []


__all__ = ["DJANGO_MIGRATIONS", "analyse_django_migrations", "app_and_name", "wants_django_migrations"]
