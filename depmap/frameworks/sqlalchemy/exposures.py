"""Classes that expose ORM rows to the outside: marshmallow-sqlalchemy schemas and pydantic
classes read from ORM objects.

Such a class reads every column it lists whenever a row is serialised, so a dropped or renamed
column breaks it just like a query. Recognising one takes its own knowledge (schema base classes,
`Meta.model` / `fields` / `exclude`, `from_attributes` / `orm_mode`), apart from what makes a
class a model; the models visitor asks `exposure_extra` first and emits the EXPOSURE fact.
"""

from __future__ import annotations

import ast
from typing import Any

from depmap.python.tree import callee_name, dotted_name, literal_bool, literal_string
from depmap.frameworks.sqlalchemy.expressions import class_bases, dict_items, keyword, parse_annotation, string_tuple
from depmap.frameworks.sqlalchemy.names import ClassInfo, ModuleNames, is_dunder, single_assignment

AUTO_SCHEMAS = frozenset({"SQLAlchemyAutoSchema", "ModelSchema", "TableSchema"})
MANUAL_SCHEMAS = frozenset({"SQLAlchemySchema"})


def exposure_extra(node: ast.ClassDef, body: list[ast.stmt], classes: dict[str, ClassInfo], names: ModuleNames) -> dict[str, Any] | None:
    """The EXPOSURE fact's extra when the class exposes rows (`model`, `model_name`, `fields`,
    `exclude`, `automatic`), or None. `classes` are the classes seen earlier in the file."""
    bases = class_bases(node)
    base_names = {callee_name(base) for base in bases}
    local_exposure = any(
        isinstance(classes.get(dotted_name(base) or ""), ClassInfo) and classes[dotted_name(base) or ""].role == "exposure" for base in bases
    )
    meta = next((s for s in body if isinstance(s, ast.ClassDef) and s.name in ("Meta", "Config")), None)
    meta_values = _class_assignments(meta) if meta is not None else {}
    extra: dict[str, Any]
    if base_names & (AUTO_SCHEMAS | MANUAL_SCHEMAS):
        model_node = meta_values.get("model")
        fields = string_tuple(meta_values.get("fields"))
        exclude = string_tuple(meta_values.get("exclude")) or []
        auto = bool(base_names & AUTO_SCHEMAS)
        declared = [name for name in _class_assignments_names(body) if name not in ("Meta",)]
        if not auto:
            fields = list(dict.fromkeys([*(fields or []), *declared]))
        extra = {
            "model": names.qualify(model_node) if model_node is not None else None,
            "model_name": dotted_name(model_node) if model_node is not None else None,
            "fields": fields if fields is not None else "__all__",
            "exclude": exclude,
            "automatic": auto and fields is None,
        }
    elif local_exposure or _reads_attributes(body, meta_values):
        inherited: list[str] = []
        for base in bases:
            info = classes.get(dotted_name(base) or "")
            if info is not None and info.role == "exposure":
                inherited.extend(info.fields)
        own = [name for name in _annotated_names(body) if name != "model_config"]
        fields = list(dict.fromkeys([*inherited, *own]))
        extra = {"model": None, "model_name": None, "fields": fields, "exclude": [], "automatic": False}
    else:
        return None
    return extra


def _reads_attributes(body: list[ast.stmt], config: dict[str, ast.expr]) -> bool:
    """pydantic `model_config = ConfigDict(from_attributes=True)` or `Config.orm_mode = True`."""
    if literal_bool(config.get("orm_mode")) or literal_bool(config.get("from_attributes")):
        return True
    value = _class_assignments_values(body).get("model_config")
    if isinstance(value, ast.Call):
        return bool(literal_bool(keyword(value, "from_attributes")))
    if isinstance(value, ast.Dict):
        return any(literal_string(key) == "from_attributes" and literal_bool(item) for key, item in dict_items(value))
    return False


def _class_assignments(node: ast.ClassDef) -> dict[str, ast.expr]:
    return _class_assignments_values(node.body)


def _class_assignments_values(body: list[ast.stmt]) -> dict[str, ast.expr]:
    values: dict[str, ast.expr] = {}
    for small in body:
        if isinstance(small, (ast.Assign, ast.AnnAssign)):
            target, value = single_assignment(small)
            if target is not None and value is not None:
                values[target] = value
    return values


def _class_assignments_names(body: list[ast.stmt]) -> list[str]:
    names = []
    for small in body:
        if isinstance(small, (ast.Assign, ast.AnnAssign)):
            target, _ = single_assignment(small)
            if target is not None and not is_dunder(target):
                names.append(target)
    return names


def _annotated_names(body: list[ast.stmt]) -> list[str]:
    names = []
    for small in body:
        if isinstance(small, ast.AnnAssign) and isinstance(small.target, ast.Name):
            if callee_name(parse_annotation(small.annotation)) != "ClassVar":
                names.append(small.target.id)
    return names


__all__ = ["AUTO_SCHEMAS", "MANUAL_SCHEMAS", "exposure_extra"]
