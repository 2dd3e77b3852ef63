"""Which files a change to the ORM registry's facts can reach, told by the names the files write.

A changed model, class, module-level object or Core table binding changes the linked facts of
the files that reach it, and of no other: the ORM linker (`depmap.orm.link`) resolves every
ORM operation, exposure and call by names the scanner wrote at the site, and a scanner sees one
file alone, so a file that reaches an entry writes one of these names:

- the entry's class or object name (qualified or not; a Django lookup `order__status` or a
  default accessor `order_set` holds the lower-cased class name between underscores); a model's
  table, its Core binding, its managers' QuerySet classes;
- a relation that leads to a changed model: its field's name (`line.order`), its related and
  related query names (`customer.orders`), on either side (a model whose relation points at a
  changed model, and the changed model's own relations, whose targets get the reverse accessors);
- the name of what is built from a changed entry: a subclass (fields inherited from an abstract
  base, a mixin, a parent's table), a class that names it (`model = Order` in a generic view or a
  repository, which its own subclasses inherit), an object made from it (`users = CRUDBase(User)`),
  followed until nothing new is reached.

Two reaches are not by such a name. A generic method's body is reported once per binder, at the
method's own file (`depmap.orm.calls`): so the files that write, as a whole word, the name of a
project base of a changed or reached class, or of an object's class (and their bases), are
linked again too. And what a function touches travels to its callers (`depmap.orm.called_code`):
the relink adds the callers of every function whose facts name the scope (`depmap.index.relink`).

The names are tested against each file's lower-cased words (`depmap.mentions.words.file_words`
of its bytes, which `depmap.index.word_store` keeps): a name a raw fact of a file holds is written
in its source, so the files found are a superset of the files reached. The differential tests
(`tests/index/test_model_scope.py`) check it edit by edit against a full link.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from depmap.discover import FileKind, SourceFile

from depmap.model import Fact
from depmap.orm.symbols import MODEL, PY_CLASS, PY_OBJECT, TABLE_BINDING
from depmap.python.module_names import module_name_for

REGISTRY_KINDS = frozenset({MODEL, TABLE_BINDING, PY_CLASS, PY_OBJECT})
_RELATION_NAMES = ("related_name", "related_query_name")
_WORD = re.compile(r"[a-z0-9_]+")


def short(name: Any) -> str:
    """The lower-cased last part of a dotted name ("shop.models.Order" -> "order")."""
    return str(name or "").rsplit(".", 1)[-1].lower()


def entity(fact: Fact) -> str:
    """The name a registry fact defines: a model's or class's qualified name, an object's, a binding's."""
    extra = fact.extra
    return str(extra.get("model") or extra.get("class") or "") if fact.kind in (MODEL, PY_CLASS) else str(extra.get("object") or extra.get("binding") or fact.table)


@dataclass
class Scope:
    """What a file must write to reach a changed entry (lower-cased words)."""

    names: set[str] = field(default_factory=set)  # whole, or a part between underscores (`order` in `order__status`)
    classes: set[str] = field(default_factory=set)  # whole words: classes whose files hold their binders' facts
    _pattern: re.Pattern[str] | None = None

    def usable(self) -> bool:
        """Whether every name can be looked for in a file's words (plain ASCII word bytes)."""
        return all(name and name.isascii() and _WORD.fullmatch(name) for name in self.names | self.classes)

    def reaches(self, words: str) -> bool:
        """Whether a file whose words are `words` (" a b ", `file_words`) may reach the change."""
        if self._pattern is None:
            parts = []
            if self.names:
                parts.append("[ _](?:" + "|".join(map(re.escape, sorted(self.names))) + ")[ _]")
            if self.classes:
                parts.append(" (?:" + "|".join(map(re.escape, sorted(self.classes))) + ") ")
            self._pattern = re.compile("|".join(parts) or "(?!)")
        return self._pattern.search(words) is not None

    def names_fact(self, fact: Fact) -> bool:
        """Whether a fact writes a name of the scope (what it touches, its symbol, not its snippet)."""
        text = json.dumps([fact.table, list(fact.columns), fact.location.symbol, fact.extra], default=str).lower()
        return self.reaches(" " + " ".join(set(_WORD.findall(text))) + " ")


def moved(old: Iterable[Fact], new: Iterable[Fact]) -> list[Fact]:
    """The registry facts of one file that one side has and the other lacks, where they are aside:
    a model moved down by a line added above it defines what it did (its facts, at this file, are
    linked again with it)."""
    before = Counter(_as_defined(fact) for fact in old if fact.kind in REGISTRY_KINDS)
    after = Counter(_as_defined(fact) for fact in new if fact.kind in REGISTRY_KINDS)
    differ = (before - after) + (after - before)
    return [fact for fact in [*old, *new] if fact.kind in REGISTRY_KINDS and differ[_as_defined(fact)]]


def _as_defined(fact: Fact) -> str:
    return json.dumps([fact.kind, fact.table, fact.detail, _unplaced(fact.extra)], sort_keys=True, default=str)


def _unplaced(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _unplaced(item) for key, item in value.items() if "line" not in key}
    if isinstance(value, (list, tuple)):
        return [_unplaced(item) for item in value]
    return value


def scope_of(seeds: Iterable[Fact], registry: Iterable[Fact], packages: set[str]) -> Scope:
    """The names that reach the entries `seeds` define (changed registry facts, both sides), with
    what is built from them among `registry` (every file's registry facts, before and after the
    change); `packages`: every part of the project's module names (a base outside it, Django's
    `models.Model`, places nothing in the project)."""
    scope = Scope()
    named: dict[str, list[Fact]] = {}  # short name -> the facts that define it or build on it
    pointing: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}  # short name -> (model, relation) pointing at it
    bases_of: dict[str, set[str]] = {}
    for fact in registry:
        own = short(entity(fact))
        for name in {own, *_built_on(fact)}:
            named.setdefault(name, []).append(fact)
        for spec in _relations(fact):
            pointing.setdefault(short(spec.get("related_model")), []).append((own, spec))
        bases_of.setdefault(own, set()).update(_project_bases(fact, packages))
    reached: set[str] = set()
    done: set[int] = set()
    queue: list[str] = []

    def binders(names: set[str]) -> None:
        while names - scope.classes:
            fresh = names - scope.classes
            scope.classes |= fresh
            names = {base for name in fresh for base in bases_of.get(name, ())}

    def reach(fact: Fact) -> None:
        done.add(id(fact))
        extra = fact.extra
        names = {short(entity(fact))}
        if fact.kind == MODEL:
            scope.names.update(short(value) for value in (extra.get("table"), extra.get("table_binding"), extra.get("default_related_name")) if value)
            names.update(short(manager) for manager in (extra.get("managers") or {}).values() if manager)
            for spec in _relations(fact):
                scope.names.update(_relation_words(spec))
        elif fact.kind == TABLE_BINDING:
            scope.names.update(short(value) for value in (extra.get("binding"), fact.table) if value)
        elif fact.kind == PY_OBJECT and extra.get("class"):
            binders({short(extra["class"])})
        binders(_project_bases(fact, packages))
        queue.extend(names - reached)
        reached.update(names)

    for fact in seeds:
        reach(fact)
    while queue:
        name = queue.pop()
        scope.names.add(name)
        for fact in named.get(name, ()):
            if id(fact) not in done:
                reach(fact)
        for model, spec in pointing.get(name, ()):
            scope.names.update(_relation_words(spec))
            scope.names.add(model)  # the reverse accessor `<model>_set`, the lookup `<model>__`
    return scope


def _built_on(fact: Fact) -> set[str]:
    """What a fact builds on: a class's bases (a subclass), the classes a class names (`model =
    Order`), an object's class and arguments, a model's Core table binding."""
    extra = fact.extra
    found = [*(extra.get("bases") or ())]
    if fact.kind == PY_CLASS:
        found += _values(extra.get("class_names"))
    elif fact.kind == PY_OBJECT:
        found += [extra.get("class"), *_values(extra.get("args")), *_values(extra.get("keywords"))]
    elif fact.kind == MODEL and extra.get("table_binding"):
        found.append(extra["table_binding"])
    return {short(value) for value in found if isinstance(value, str) and value}


def _values(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else list(value or ()) if isinstance(value, (list, tuple)) else []


def _relations(fact: Fact) -> list[Mapping[str, Any]]:
    return [spec for spec in fact.extra.get("fields") or () if isinstance(spec, dict) and spec.get("related_model")]


def _relation_words(spec: Mapping[str, Any]) -> set[str]:
    """A relation's names at both ends: its field, its related and related query names."""
    words = {short(spec.get("name"))}
    words.update(str(spec[key]).rstrip("+").lower() for key in _RELATION_NAMES if spec.get(key))
    if spec.get("through"):
        words.add(short(spec["through"]))
    return {word for word in words if word}


def _project_bases(fact: Fact, packages: set[str]) -> set[str]:
    """The short names of a class's bases that may be classes of the project: written alone, or
    from a module of the project (`packages`, `packages_of`)."""
    found = set()
    for base in fact.extra.get("bases") or ():
        if isinstance(base, str) and ("." not in base or base.rsplit(".", 1)[0] in packages):
            found.add(short(base))
    return found


def packages_of(paths: Iterable[str]) -> set[str]:
    """The modules of the project and each one's dotted endings (`core.models` for
    `shop.core.models`: imported from the app's root, scanned from above it); a base from no such
    module (Django's `models.Model`, even in a project with a `django` folder) is not the project's."""
    found = set()
    for path in paths:
        parts = module_name_for(path).split(".")
        found.update(".".join(parts[start:]) for start in range(len(parts)))
    return found


def mentioning(root: Path, files: Iterable[SourceFile], scope: Scope) -> set[str] | None:
    """The paths of `files` whose words the scope reaches: the stored words where their row is of
    the file's stat, else the file's bytes read now; None when no words are stored."""
    from depmap.index.word_store import current_words
    from depmap.mentions.words import file_words

    files = list(files)
    stored = current_words(root, files)
    if stored is None:
        return None
    found = set()
    for file in files:
        if file.kind == FileKind.NOTEBOOK:
            found.add(file.path)  # its cells are JSON strings: `\nOrder` is one run of its bytes
            continue
        words = stored.get(file.path)
        if words is None:
            try:
                words = file_words((root / file.path).read_bytes())
            except OSError:
                found.add(file.path)  # unread: it may reach the change
                continue
        if scope.reaches(words):
            found.add(file.path)
    return found
