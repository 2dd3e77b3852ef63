"""The JSON contract: one JSON Schema (draft 2020-12) per document depmap prints, shipped here.

Why: a program that reads `depmap ... --format json` (a CI step, a dashboard, a code-scanning
bridge) needs the shape written down, and a change of shape must be visible as a change of
contract. The tests validate every JSON output on every sample against these files, so a producer
cannot drift from its schema unnoticed.

`common.schema.json` holds what the documents share (usage, finding, skipped, definition,
mention, history entry, the enums); each document's file refers to it by a relative `$ref`
(`common.schema.json#/$defs/usage`), which resolves among the installed files as they are
(`depmap schema --path`). `bundle(name)` makes one self-contained schema of a document: every
definition it reaches, from any file, copied into its own `$defs` (what `depmap schema NAME`
prints), for validators that load a single file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent
COMMON = "common"
_SUFFIX = ".schema.json"


@dataclass(frozen=True)
class Document:
    name: str
    commands: str  # the commands that print it, as a user types them

    @property
    def path(self) -> Path:
        return FOLDER / f"{self.name}{_SUFFIX}"


DOCUMENTS = {
    document.name: document
    for document in (
        Document("scan", "depmap scan --format json"),
        Document("tables", "depmap tables --format json"),
        Document("usages", "depmap who-reads --format json, depmap who-writes --format json"),
        Document("downstream", "depmap downstream --format json"),
        Document("history", "depmap history --format json"),
        Document("graph", "depmap graph --format json"),
        Document("impact", "depmap impact --format json, depmap report -o FILE.json"),
        Document("check", "depmap check --format json"),
        Document("verify", "depmap verify --format json"),
    )
}


class SchemaError(ValueError):
    """A schema file refers to something the bundler cannot copy (a bug in the shipped files)."""


def path_of(name: str) -> Path:
    """The installed file of a document's schema (or of the shared definitions, `common`)."""
    if name != COMMON and name not in DOCUMENTS:
        raise KeyError(name)
    return FOLDER / f"{name}{_SUFFIX}"


@cache
def _text(file: str) -> str:
    return (FOLDER / file).read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """A schema as installed (a fresh copy: callers may change it)."""
    path_of(name)
    return json.loads(_text(f"{name}{_SUFFIX}"))


def bundle(name: str) -> dict[str, Any]:
    """The document's schema, self-contained: `$ref`s into other files become `#/$defs/KEY`."""
    return _Bundler().root(load(name), f"{name}{_SUFFIX}")


def bundle_all() -> dict[str, Any]:
    """Every document in one schema: a JSON value valid against it is one of depmap's documents,
    and each document's schema is `#/$defs/NAME` (for code generators that read one file)."""
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "depmap JSON documents",
        "description": "Every document depmap prints with --format json; each is $defs/NAME (depmap schema lists them).",
        "anyOf": [{"$ref": f"{name}{_SUFFIX}"} for name in DOCUMENTS],
    }
    return _Bundler().root(root, "")


class _Bundler:
    """Copies definitions reached by `$ref` into one `$defs`, each under its own name (a document
    reached as a whole under the document's name), refusing two different things of one name."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}
        self.origin: dict[str, tuple[str, str]] = {}

    def root(self, schema: dict[str, Any], file: str) -> dict[str, Any]:
        schema = {key: value for key, value in schema.items() if key != "$defs"}
        result = self._rewrite(schema, file)
        if self.defs:
            result["$defs"] = dict(sorted(self.defs.items()))
        return result

    def _rewrite(self, node: Any, file: str) -> Any:
        if isinstance(node, dict):
            return {key: self._target(value, file) if key == "$ref" else self._rewrite(value, file) for key, value in node.items()}
        if isinstance(node, list):
            return [self._rewrite(item, file) for item in node]
        return node

    def _target(self, ref: str, base: str) -> str:
        target, _, fragment = ref.partition("#")
        file = target or base
        if fragment.startswith("/$defs/") and fragment.count("/") == 2:
            key = fragment.split("/")[2]
            source = json.loads(_text(file))["$defs"][key]
        elif not fragment and file.endswith(_SUFFIX):
            key = file[: -len(_SUFFIX)]
            source = {k: v for k, v in json.loads(_text(file)).items() if k not in ("$schema", "$defs")}
        else:
            raise SchemaError(f"cannot bundle $ref '{ref}' of {base or 'the bundle'}: refer to a file or to #/$defs/NAME")
        if key in self.origin:
            if self.origin[key] != (file, fragment):
                raise SchemaError(f"two definitions named '{key}': {self.origin[key][0]} and {file}")
            return f"#/$defs/{key}"
        self.origin[key] = (file, fragment)
        self.defs[key] = {}  # reserved before copying: a definition may refer to itself
        self.defs[key] = self._rewrite(source, file)
        return f"#/$defs/{key}"
