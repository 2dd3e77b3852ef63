"""The words the model registry gives each table, stored with the index, so a warm query builds
no registry.

A mention search names a table by its models' classes, their accessors and relationships
(`depmap.mentions.names.model_forms`), which come from the model registry: at a million lines,
decoding the registry's facts (8 MB of JSON) and building it took a third of a warm
`who-reads`. The forms of every table are one pass over the registry, so they are stored when the
index is (`linked_model_names`, a row per table that has models), with the class names of every
model (what telling a model target from a table needs) in the meta row `model_names`. A relink
whose files had or have model facts writes them again from the stored model facts; any other
relink leaves them, since nothing else goes into them.

The rows are data anyone can edit: a row of the wrong shape raises `StoreDamaged` (the caller
then links again); no meta row (an index stored by an older depmap) means "build the registry".
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Sequence

from depmap.index import fast_json
from depmap.index.linked_store import LinkedStore, StoreDamaged
from depmap.model import Fact
from depmap.orm.symbols import APP_CONFIG, MODEL, TABLE_BINDING

# The facts the forms come from (`depmap.mentions.names.model_registry`).
REGISTRY_KINDS = frozenset({MODEL, APP_CONFIG, TABLE_BINDING})
_CREATE = "CREATE TABLE IF NOT EXISTS linked_model_names (name TEXT PRIMARY KEY, forms TEXT NOT NULL)"
_FORM_FIELDS = ("text", "kind", "lookup_only", "links")


def write_model_names(db: sqlite3.Connection, facts: Iterable[Fact]) -> None:
    """Replace the stored forms with those of the registry of `facts`, in the caller's transaction."""
    from depmap.mentions.names import model_forms_by_table, model_registry

    registry = model_registry(facts)
    db.execute(_CREATE)
    db.execute("DELETE FROM linked_model_names")
    db.executemany("INSERT INTO linked_model_names VALUES (?, ?)",
                   [(table, fast_json.dumps([[f.text, f.kind, f.lookup_only, list(f.links)] for f in forms]))
                    for table, forms in model_forms_by_table(registry).items()])
    classes = sorted({model.class_name for model in registry.models.values()})
    db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('model_names', ?)", (fast_json.dumps(classes),))


def refresh_model_names(db: sqlite3.Connection, before: Iterable[Fact], after: Iterable[Fact]) -> None:
    """After some files' rows were replaced (`before` by `after`): when either held a fact the
    registry is built of, the forms are written again from every stored one."""
    if not any(fact.kind in REGISTRY_KINDS for facts in (before, after) for fact in facts):
        return
    if db.execute("SELECT 1 FROM linked_meta WHERE name = 'model_names'").fetchone() is None:
        return  # none stored: queries build the registry
    from depmap.index.lean_facts import facts_of_rows

    kinds = sorted(REGISTRY_KINDS)
    rows = db.execute(f"SELECT fact FROM linked_facts WHERE kind IN ({','.join('?' * len(kinds))}) ORDER BY id", kinds)
    try:
        facts = list(facts_of_rows(text for (text,) in rows))
    except (ValueError, TypeError, RecursionError):  # a damaged row: queries build the registry, and meet it there
        db.execute("DELETE FROM linked_meta WHERE name = 'model_names'")
        return
    write_model_names(db, facts)


def class_names_of(index: Any) -> frozenset[str]:
    """The class names of every model of `index` (an `Index`): stored for a warm query's, else
    from its model facts."""
    if index.store is not None and (stored := stored_class_names(index.store)) is not None:
        return stored
    facts = index.store.always.values() if index.store is not None else index.facts
    return frozenset(f.extra["model"].rsplit(".", 1)[-1] for f in facts if f.kind == MODEL)


def model_forms_of(index: Any, tables: Iterable[str]) -> list[Any]:
    """The words the models give `tables` (`mentions.names.model_forms`): stored for a warm
    query's index, else from the registry of its model facts."""
    from depmap.mentions.names import model_forms, model_registry

    tables = list(tables)
    stored = stored_model_forms(index.store, tables) if index.store is not None else None
    if stored is not None:
        return stored
    return model_forms(model_registry(index.store.always.values() if index.store is not None else index.facts), tables)


def stored_class_names(store: LinkedStore) -> frozenset[str] | None:
    """The class names of every model; None when not stored."""
    text = store.meta("model_names")
    if text is None:
        return None
    names = _loads(text)
    if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
        raise StoreDamaged("the stored model class names")
    return frozenset(names)


def stored_model_forms(store: LinkedStore, tables: Sequence[str]) -> list[Any] | None:
    """The forms the models give `tables` (`NameForm`s); None when not stored."""
    from depmap.mentions.names import NameForm

    if store.meta("model_names") is None:
        return None
    wanted = sorted(set(tables))
    rows = store.rows(f"SELECT forms FROM linked_model_names WHERE name IN ({','.join('?' * len(wanted))})", wanted)
    forms = []
    for (text,) in rows:
        items = _loads(text) if isinstance(text, str) else None
        if not isinstance(items, list):
            raise StoreDamaged("the stored model names")
        for item in items:
            if not (isinstance(item, list) and len(item) == len(_FORM_FIELDS) and isinstance(item[0], str) and isinstance(item[1], str)
                    and isinstance(item[2], bool) and isinstance(item[3], list) and all(isinstance(q, str) for q in item[3])):
                raise StoreDamaged("the stored model names")
            forms.append(NameForm(item[0], item[1], item[2], tuple(item[3])))
    return forms


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise StoreDamaged("the stored model names") from None
