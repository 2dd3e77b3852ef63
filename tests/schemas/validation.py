"""Validators of depmap's documents against the installed schema files, shared by the tests that
check the schemas (tests/schemas) and the tests that check every command's output (tests/e2e)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from depmap import schemas


@cache
def registry() -> Registry:
    """Each installed file under its own name: relative `$ref`s resolve as they do on disk."""
    names = [schemas.COMMON, *schemas.DOCUMENTS]
    return Registry().with_resources((f"{name}.schema.json", Resource.from_contents(schemas.load(name))) for name in names)


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{name}.schema.json"}, registry=registry())


def problems(name: str, document: Any) -> list[str]:
    """Where `document` breaks the schema of `name`, one line each ('' for the document itself)."""
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator(name).iter_errors(document)]
