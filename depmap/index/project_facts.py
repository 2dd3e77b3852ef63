"""Every file's project-level raw facts, read by what a relink asks, not decoded whole.

A relink (`depmap.index.relink`) links the changed files against the other files' project-level
facts. At a million lines those are 140,000 facts (85 MB of JSON), most of them what functions
touch and call, which only the files that call those functions by name read. So the facts are
kept in groups (`linked_context`): a fact that says what a function or method touches or calls
(a "body" fact) under the short name of the callable it is in, every other fact under its kind.
A relink reads every kind it needs whole (models, classes, objects, migrations, routines, tasks:
what the registry and the call resolution are built from) and the body facts of the names the
relinked files call, then of the names those bodies call, and so on (`context`): the ORM linker
finds a callee only by a name whose last part is the one the call wrote (`depmap.orm.called_code`,
`depmap.orm.calls`), so bodies of other names never reach the relinked files' facts.

`linked_callees` says which files call a name, and from which callable: the "callers" path of a
relink follows it instead of reading every call.

`ProjectFacts` answers from a dict (every file's facts in memory, as tests give them);
`StoredProjectFacts` from the rows. Both select the same facts, each file's in its own order.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Iterator, Mapping

from depmap.index import fast_json
from depmap.model import ACCESS, Fact
from depmap.orm.symbols import ORM_ACCESS, ORM_CALL

TABLES = (
    # path, group ("k:<kind>" or "b:<callable's short name>"), [[place in the file's list, fact], ...]
    "CREATE TABLE IF NOT EXISTS linked_context (path TEXT NOT NULL, name TEXT NOT NULL, facts TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS linked_context_by_name ON linked_context (name, path)",
    "CREATE INDEX IF NOT EXISTS linked_context_by_path ON linked_context (path)",
    # a call's callee name (`_callee_name`), its file, and the short name of the callable it is in ('' at module level)
    "CREATE TABLE IF NOT EXISTS linked_callees (callee TEXT NOT NULL, path TEXT NOT NULL, caller TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS linked_callees_by_callee ON linked_callees (callee)",
    "CREATE INDEX IF NOT EXISTS linked_callees_by_path ON linked_callees (path)",
)
ROWS = ("linked_context", "linked_callees")
_CHUNK = 500  # names per query: under SQLite's limit of bound parameters


def short(symbol: Any) -> str:
    return str(symbol or "").rsplit(".", 1)[-1]


def callee_name(kind: str, extra: Mapping[str, Any]) -> str:
    """The name a call is resolved by (its method, or its function's last part); '' for no call."""
    if kind != ORM_CALL:
        return ""
    return str(extra.get("method") or "") or short(extra.get("function"))


def body_names(kind: str, detail: str, symbol: Any, extra: Mapping[str, Any]) -> tuple[str, ...]:
    """The callables a body fact is found under (the one it is in, and the `callable` a method's
    operation names), or () for a fact every relink reads by its kind."""
    if kind not in (ORM_ACCESS, ORM_CALL, ACCESS) or extra.get("routine") or detail == "dbt_build":
        return ()
    names = {short(symbol)}
    if extra.get("callable"):
        names.add(short(extra["callable"]))
    return tuple(sorted(names))


def _group_of(item: Mapping[str, Any]) -> tuple[str, ...]:
    location = item.get("location") or {}
    names = body_names(item["kind"], item.get("detail") or "", location.get("symbol"), item.get("extra") or {})
    return tuple(f"b:{name}" for name in names) if names else (f"k:{item['kind']}",)


def rows_of(path: str, project_json: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The `linked_context` and `linked_callees` rows of one file's project-level facts (the JSON
    list `linked_files.project` holds)."""
    return rows_of_items(path, json.loads(project_json))


def rows_of_items(path: str, items: list[Any]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """`rows_of` of the facts' JSON data (`Fact.to_json` of each, as a scan worker holds them)."""
    groups: dict[str, list[Any]] = {}
    callees = set()
    for place, item in enumerate(items):
        for name in _group_of(item):
            groups.setdefault(name, []).append([place, item])
        if callee := callee_name(item["kind"], item.get("extra") or {}):
            callees.add((callee, path, short((item.get("location") or {}).get("symbol"))))
    context = [(path, name, fast_json.dumps(members)) for name, members in groups.items()]
    return context, sorted(callees)


def write_rows(db: sqlite3.Connection, files: Iterable[tuple[str, str, str, str]], replace: bool) -> None:
    """The groups of each `linked_files` row (path, digest, project, skipped); `replace`: remove a
    path's groups first (a relink replaces a few files' rows). A cold scan's rows are read once, as
    they are inflated (`packed_rows`)."""
    if replace:
        files = list(files)
        forget(db, [row[0] for row in files])
    callees: list[tuple[str, str, str]] = []
    grouped = getattr(files, "rows_of", rows_of)  # `packed_rows.PackedRows`: as the scan workers made them

    def context() -> Iterator[tuple[str, str, str]]:  # made as SQLite takes them: 85 MB of JSON at a million lines
        for path, _, project, _ in files:
            if project != "[]":
                rows, calls = grouped(path, project)
                callees.extend(calls)
                yield from rows

    db.executemany("INSERT INTO linked_context VALUES (?, ?, ?)", context())
    db.executemany("INSERT INTO linked_callees VALUES (?, ?, ?)", callees)


def forget(db: sqlite3.Connection, paths: Iterable[str]) -> None:
    keys = [(path,) for path in paths]
    db.executemany("DELETE FROM linked_context WHERE path = ?", keys)
    db.executemany("DELETE FROM linked_callees WHERE path = ?", keys)


class ProjectFacts:
    """Every file's project-level facts, from a dict: what `relink` reads of them."""

    def __init__(self, by_path: Mapping[str, list[Fact]]) -> None:
        self.by_path = by_path

    def get(self, path: str, default: Any = None) -> Any:
        return self.by_path.get(path, default)

    def __contains__(self, path: object) -> bool:
        return path in self.by_path

    def everything(self) -> Mapping[str, list[Fact]]:
        return self.by_path

    def of_kinds(self, kinds: Iterable[str]) -> dict[str, list[Fact]]:
        """path -> its facts of `kinds`, for the paths that have any."""
        kinds = set(kinds)
        found = {path: [fact for fact in facts if fact.kind in kinds] for path, facts in self.by_path.items()}
        return {path: facts for path, facts in found.items() if facts}

    def mentions(self, kinds: Iterable[str], words: set[str]) -> bool:
        """Whether any of `words` is written, in any case, in a fact of `kinds` (the dbt kinds: a
        superset of the relations and model names dbt has)."""
        wanted = _searchable(words)
        if wanted is None:
            return True
        kinds = set(kinds)
        texts = (json.dumps(fact.to_json()).lower() for facts in self.by_path.values() for fact in facts if fact.kind in kinds)
        return any(word in text for text in texts for word in wanted)

    def calling(self, names: set[str]) -> Iterator[tuple[str, str]]:
        """(path, short name of the callable the call is in, '' at module level) of each call of `names`."""
        for path, facts in self.by_path.items():
            for fact in facts:
                if callee_name(fact.kind, fact.extra) in names:
                    yield path, short(fact.location.symbol)

    def _grouped(self, leave_out: set[str], kinds_left_out: frozenset[str]) -> tuple[dict[str, list], dict[str, list]]:
        """(kind -> [(path, place, fact)], body name -> [(path, place, fact)]) of every path but `leave_out`."""
        kinds: dict[str, list] = {}
        bodies: dict[str, list] = {}
        for path, facts in self.by_path.items():
            if path in leave_out:
                continue
            for place, fact in enumerate(facts):
                names = body_names(fact.kind, fact.detail, fact.location.symbol, fact.extra)
                if not names:
                    if fact.kind not in kinds_left_out:
                        kinds.setdefault(fact.kind, []).append((path, place, fact))
                for name in names:
                    bodies.setdefault(name, []).append((path, place, fact))
        return kinds, bodies

    def context(self, leave_out: set[str], kinds_left_out: frozenset[str], called: set[str]) -> dict[str, list[Fact]]:
        """The facts of every path but `leave_out` that linking the relinked files reads: every kind
        but `kinds_left_out`, and the bodies of the callables named `called` and of what they call,
        transitively; each path's facts in its own order."""
        kinds, bodies = self._grouped(leave_out, kinds_left_out)
        picked = [member for members in kinds.values() for member in members]
        return _closure(picked, called, lambda names: [member for name in names for member in bodies.get(name, ())])


class StoredProjectFacts(ProjectFacts):
    """The same, read from the rows: only the groups asked for are decoded."""

    def __init__(self, db_rows: Any, decode: Any, decode_shared: Any, damaged: type[Exception]) -> None:
        super().__init__({})
        self._damaged = damaged  # what a row depmap did not write raises (`linked_store.StoreDamaged`)
        self._rows = db_rows  # (query, values) -> rows; raises StoreDamaged
        self._decode = decode  # a JSON list of facts, loaded -> list[Fact]; raises StoreDamaged
        self._decode_shared = decode_shared  # the same, values shared: for the whole project, held longer
        self._whole: dict[str, list[Fact]] | None = None
        self._paths: dict[str, list[Fact]] = {}
        self._decoded: dict[str, list[tuple[str, int, Fact]]] = {}  # "k:<kind>" -> its members, as decoded

    def get(self, path: str, default: Any = None) -> Any:
        if path not in self._paths:
            rows = self._rows("SELECT project FROM linked_files WHERE path = ?", (path,))
            self._paths[path] = self._decode(_loaded(rows[0][0], self._damaged)) if rows else []
        facts = self._paths[path]
        return facts if facts else default

    def __contains__(self, path: object) -> bool:
        return bool(self.get(str(path), []))

    def everything(self) -> Mapping[str, list[Fact]]:
        if self._whole is None:
            self._whole = {path: facts for path, text in self._rows("SELECT path, project FROM linked_files WHERE project != '[]'", ())
                           if (facts := self._decode_shared(_loaded(text, self._damaged)))}
        return self._whole

    def _members(self, query: str, values: Iterable[str], named: bool = False) -> list[Any]:
        """(path, place, fact) of each member of the rows the query selects (and the row's name, `named`)."""
        found: list[Any] = []
        values = list(values)
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for path, text, *name in self._rows(query.format(marks=marks), chunk):
                found += [(path, place, fact, *name) for place, fact in _decode_members(text, self._decode, self._damaged)]
        return found

    def _groups(self, names: Iterable[str]) -> list[tuple[str, int, Fact]]:
        """The members of the groups `names`, each group decoded once a run (the relink's path is
        chosen from the tasks, which its context reads again)."""
        names = list(names)
        missing = [name for name in names if name not in self._decoded]
        for name in missing:
            self._decoded[name] = []
        for member in self._members("SELECT path, facts, name FROM linked_context WHERE name IN ({marks})", missing, named=True):
            self._decoded[member[3]].append(member[:3])
        return [member for name in names for member in self._decoded[name]]

    def of_kinds(self, kinds: Iterable[str]) -> dict[str, list[Fact]]:
        found: dict[str, list[Fact]] = {}
        for path, _, fact in sorted(self._groups([f"k:{kind}" for kind in kinds]), key=lambda member: (member[0], member[1])):
            found.setdefault(path, []).append(fact)
        return found

    def mentions(self, kinds: Iterable[str], words: set[str]) -> bool:
        wanted = _searchable(words)
        if wanted is None:
            return True
        groups = sorted(f"k:{kind}" for kind in kinds)
        marks = ",".join("?" * len(groups))
        for word in wanted:  # SQLite's lower() folds ASCII alone: the words are ASCII
            if self._rows(f"SELECT 1 FROM linked_context WHERE name IN ({marks}) AND instr(lower(facts), ?) > 0 LIMIT 1", [*groups, word]):
                return True
        return False

    def calling(self, names: set[str]) -> Iterator[tuple[str, str]]:
        names_list = sorted(names)
        for start in range(0, len(names_list), _CHUNK):
            chunk = names_list[start:start + _CHUNK]
            yield from self._rows(f"SELECT path, caller FROM linked_callees WHERE callee IN ({','.join('?' * len(chunk))})", chunk)

    def context(self, leave_out: set[str], kinds_left_out: frozenset[str], called: set[str]) -> dict[str, list[Fact]]:
        kinds = [row[0] for row in self._rows("SELECT DISTINCT name FROM linked_context WHERE name LIKE 'k:%'", ())]
        wanted = [name for name in kinds if name[2:] not in kinds_left_out]
        picked = [member for member in self._groups(wanted) if member[0] not in leave_out]

        def bodies(names: set[str]) -> list[tuple[str, int, Fact]]:
            members = self._members("SELECT path, facts FROM linked_context WHERE name IN ({marks})", [f"b:{name}" for name in sorted(names)])
            return [member for member in members if member[0] not in leave_out]

        return _closure(picked, called, bodies)


def _searchable(words: set[str]) -> set[str] | None:
    """The words, lowercased, to look for in stored JSON text; None when one cannot be found that
    way (empty, or not plain ASCII, which JSON escapes): then assume it is there."""
    if any(not word or not word.isascii() or not word.isprintable() or '"' in word or "\\" in word for word in words):
        return None
    return {word.lower() for word in words}


def _loaded(text: Any, damaged: type[Exception]) -> Any:
    try:
        return fast_json.loads(text)
    except (ValueError, TypeError, RecursionError):
        raise damaged("a stored file's project-level facts") from None


def _decode_members(text: Any, decode: Any, damaged: type[Exception]) -> list[tuple[int, Fact]]:
    """A group's (place, fact) pairs: the group is stored as `[[place, fact], ...]`."""
    try:
        members = fast_json.loads(text)
        places = [int(place) for place, _ in members]
    except (ValueError, TypeError, RecursionError):
        raise damaged("a stored group of project-level facts") from None
    return list(zip(places, decode([item for _, item in members])))


def _closure(picked: list[tuple[str, int, Fact]], called: set[str], bodies_named: Any) -> dict[str, list[Fact]]:
    """`picked` and the bodies of `called`, then of what those call, by path, each path's facts
    in their place order, each once."""
    members = {(path, place): fact for path, place, fact in picked}
    asked: set[str] = set()
    names = set(called)
    while names - asked:
        fresh = names - asked
        asked |= fresh
        for path, place, fact in bodies_named(fresh):
            if (path, place) not in members:
                members[(path, place)] = fact
                if callee := callee_name(fact.kind, fact.extra):
                    names.add(callee)
    found: dict[str, list[Fact]] = {}
    for (path, _), fact in sorted(members.items(), key=lambda member: member[0]):
        found.setdefault(path, []).append(fact)
    return found
