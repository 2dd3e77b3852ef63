"""Relink only what changed: which raw facts of one file shape the linked facts of another.

Linking (`depmap.linking.link_facts`) is a pure function of every file's raw facts, but most raw
facts only ever become linked facts of their own file, told by a few project-wide facts. Those few
are "project-level"; the rest are "local". When one file changes and its project-level facts stay
the same, linking it again against every other file's project-level facts gives exactly the linked
facts a full link gives it, and every other file's linked facts are those of the last run.

What each linker reads across files (the audit this module rests on):

- ORM (`depmap.orm.link`): the registry is built from MODEL, APP_CONFIG, TABLE_BINDING and
  PY_CLASS facts (a model's table depends on its app's label, its bases and mixins, a Core
  binding); migrations are ranked and named from every MIGRATION fact, and every fact of a
  migration file takes its rank; Django migration operations replay in rank order with state
  carried from file to file (a RenameField reads the field an earlier migration added), so every
  DJANGO_MIGRATION_OP is project-level. Calls (`depmap.orm.calls`) are resolved through PY_CLASS,
  PY_OBJECT and the operations a method does on `cls`/`self`/`self.<attr>` or a parameter
  (ORM_ACCESS and ORM_CALL with a `receiver` and a `callable`): those travel to call sites in
  other files, and a generic body is reported once per binder. What a function or method touches
  (`depmap.orm.called_code`: its SQL, its ORM accesses on the models it names, and the calls it
  makes, a few levels deep) travels to the sites that call it: an SQL access, an ORM_ACCESS or an
  ORM_CALL whose symbol is below its module's top level is project-level, read without its lines
  (`_as_read`). ORM_ACCESS, EXPOSURE and ORM_CALL at module level, and everything else, are local:
  they are resolved against the registry and become facts of their own file.
- Routines (`depmap.frameworks.sql_routines.link`): ROUTINE definitions (the last one wins, by
  migration order), CREATE TRIGGER operations (they bind `NEW.col` and mark what fires), and the
  statements and calls inside a routine body (`extra["routine"]`: what a call elsewhere runs).
- dbt (`depmap.frameworks.dbt.link`): every dbt symbolic fact (projects, models, model configs,
  sources, seeds, exposures, macros) and a Python model's build: together they name every
  relation, which renames placeholders in every file; a model's column lineage (FLOW facts of a
  model file) becomes column definitions at its properties YAML, another file.
- Airflow (`depmap.frameworks.airflow`): AIRFLOW_TASK facts. A task relabels the facts of the
  `.sql` file it names and reports at its own line what the code it runs (a script, a module, a
  function, a dbt model) touches: those files' facts reach the DAG file. Which files a task names
  is project-dependent, so it is checked per change (`_named_by_tasks`), not by the predicate.

After linking, `Catalog.from_facts` reads the TABLE_DEF, COLUMN_DEF and SCHEMA_OP facts of every
file and `settle_candidates` settles each file's unqualified columns against the catalog: a change
to a file's definitions changes other files' facts through the catalog (the caller compares them,
`catalog_facts`). `sorted_facts` and `DependencyGraph` read each fact alone, in sorted order.
The catalog replays definitions by `migration_order`, whose ties are facts of one file (or of two
files whose paths differ only in a number's leading zeros: then everything is linked again), so
linked facts grouped by file, each file's in link order, give it the same catalog as one list.

Two readings the audit rests on, each checked by the differential tests rather than proved: a
call reaches only code of the last name it is recorded with (its import followed; `_callers`
compares names, not resolutions); and the `Migration` class of a migration module binds no model
and is named by nothing but Django, so adding one only reorders migrations.

`relink` takes one of four paths, and says which:
- "local": no project-level fact changed, or only what functions nobody else calls touch; the
  changed files are linked against the rest's project-level facts;
- "callers": only what some functions touch or call changed: the files that call them by name
  (and their callers, transitively) are linked again too;
- "narrow": only migrations' order or Django operations changed: every migration file is linked
  again too (their ranks, identities and replayed operations), nothing else;
- "models": only models, classes, module-level objects or Core table bindings changed (besides
  what functions touch or call), in files that are no migrations: the files that write a name of
  what changed or of what is built on it, and their callers (`depmap.index.model_scope`: a
  superset chosen by the files' words);
- "full": anything else (an app config, a routine, a dbt relation, an Airflow task, a file a task
  names, a migration file's classes beyond its `Migration`), or a "models" or "callers" change that
  reaches more than half the files, or a models change when the files' words cannot be read or a
  task names a file it reaches: every file, as `link_facts` does.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from depmap.model import ACCESS, COLUMN_DEF, EXPOSURE, FLOW, ROUTINE, ROUTINE_CALL, SCHEMA_OP, TABLE_DEF, Fact
from depmap.orm.symbols import APP_CONFIG, DJANGO_MIGRATION_OP, MIGRATION, MODEL, ORM_ACCESS, ORM_CALL, PY_CLASS, PY_OBJECT, TABLE_BINDING
from depmap.index.model_scope import REGISTRY_KINDS, Scope, moved, packages_of, scope_of
from depmap.index.project_facts import ProjectFacts, body_names, callee_name
from depmap.python.module_names import module_name_for
from depmap.linking import AIRFLOW_TASK, DBT_CONSUMED_KINDS, DBT_MODEL, DBT_MODEL_CONFIG, link_facts

LOCAL, NARROW, CALLERS, MODELS, FULL = "local", "narrow", "callers", "models", "full"

# Kinds every fact of which others' linking reads.
_PROJECT_KINDS = frozenset({MODEL, APP_CONFIG, TABLE_BINDING, PY_CLASS, PY_OBJECT, MIGRATION, DJANGO_MIGRATION_OP, ROUTINE, AIRFLOW_TASK}) | DBT_CONSUMED_KINDS
# Project-level facts whose change only reorders or replays migrations (the "narrow" path).
_MIGRATION_KINDS = frozenset({MIGRATION, DJANGO_MIGRATION_OP})
# What a migration's rank also reaches beyond migration files: the live routine definition.
_RANKED_ELSEWHERE = frozenset({ROUTINE, ROUTINE_CALL, AIRFLOW_TASK}) | DBT_CONSUMED_KINDS
CATALOG_KINDS = frozenset({TABLE_DEF, COLUMN_DEF, SCHEMA_OP})
# What the ORM registry is built from (but the app configs: migrations are ranked by their
# labels, and a routine's last definition by the ranks), and the relinked kinds that read it.
_ORM_REGISTRY_KINDS = frozenset({MODEL, TABLE_BINDING, PY_CLASS, PY_OBJECT})
_ORM_READ = _ORM_REGISTRY_KINDS | {APP_CONFIG, ORM_ACCESS, ORM_CALL, MIGRATION, DJANGO_MIGRATION_OP, EXPOSURE}


def project_level(path: str, facts: Iterable[Fact]) -> list[Fact]:
    """The raw facts of one file that other files' linking reads, in the file's order."""
    facts = list(facts)
    module = module_name_for(path)
    dbt_model_file = any(fact.kind == DBT_MODEL for fact in facts)
    return [fact for fact in facts if is_project_level(fact, module, dbt_model_file)]


def is_project_level(fact: Fact, module: str, dbt_model_file: bool = False) -> bool:
    """Whether other files' linked facts depend on this raw fact (see the module's docstring)."""
    kind, extra = fact.kind, fact.extra
    if kind in _PROJECT_KINDS:
        return True
    if kind == ORM_CALL:
        return True  # in a function, it is what the function reaches; anywhere, which files call what
    if kind == ORM_ACCESS:
        # a method's operations on `cls`/`self` travel to its callers; so does what a function or
        # method does on the models it names (`depmap.orm.called_code`)
        return bool(extra.get("receiver") and extra.get("callable")) or _in_callable(fact.location.symbol, module)
    if kind == ROUTINE_CALL:
        return bool(extra.get("routine"))
    if kind == SCHEMA_OP:
        return fact.detail == "create_trigger"
    if kind == FLOW:
        return dbt_model_file
    if kind == ACCESS:
        if extra.get("routine") or fact.detail == "dbt_build":
            return True
        return fact.via in ("sql", "migration") and "inferred_from" not in extra and _in_callable(fact.location.symbol, module)
    return False


def _in_callable(symbol: str | None, module: str) -> bool:
    """A symbol below its module's top level: a function (`shop.repo.open_orders`) or a method."""
    if not symbol or symbol == module:
        return False
    return True  # below its module, or not named after it: count it, to be sure


def _as_read(fact: Fact) -> object:
    """What other files' linking reads of a project-level fact: all of it, but of a class or a
    module-level object only what it says (its bases, bindings, arguments), never where it is:
    a line added above a class leaves every other file's linked facts as they were. Of a
    statement in a function or method, or a call it makes, its callers read what it touches and
    in which function, not its lines (`called_code` names the statement's file alone)."""
    if fact.kind in (PY_CLASS, PY_OBJECT):
        return (fact.kind, fact.extra)
    if fact.kind in (ORM_ACCESS, ORM_CALL, ACCESS) and not fact.extra.get("receiver") and fact.location.symbol:
        return (fact.kind, fact.table, fact.columns, fact.access, fact.detail, fact.via, fact.confidence, fact.snippet,
                fact.location.path, fact.location.symbol, {k: v for k, v in fact.extra.items() if not _placement(k)})
    return fact


def _placement(key: str) -> bool:
    """An extra that says where in its file a fact is (its lines), not what it touches."""
    return "line" in key or key in ("statement", "span", "col")


def catalog_facts(facts: Iterable[Fact]) -> list[Fact]:
    """The linked facts the catalog is built from: when a file's are unchanged, so is the catalog."""
    return [fact for fact in facts if fact.kind in CATALOG_KINDS]


@dataclass(frozen=True)
class Change:
    """One changed, added (`old` empty) or removed (`new` None) file: its project-level raw facts
    before the change, and all its raw facts after."""

    path: str
    old: list[Fact]
    new: list[Fact] | None


@dataclass
class Relinked:
    fresh: dict[str, list[Fact]]  # the relinked files' linked facts by located path, each in link order (FULL: every file's)
    mode: str  # LOCAL, NARROW or FULL
    relinked: tuple[str, ...]  # the files linked again
    linked: list[Fact] | None = None  # FULL: `link_facts`'s own list (its order across files)
    previous: Mapping[str, list[Fact]] = field(default_factory=dict)  # the last link's, for every other path

    @property
    def by_path(self) -> dict[str, list[Fact]]:
        """Every path's linked facts: the relinked files' fresh, the rest's from the last link."""
        if self.mode == FULL:
            return dict(self.fresh)
        again = set(self.relinked)
        merged = {path: facts for path, facts in self.previous.items() if path not in again}
        merged.update(self.fresh)
        return merged

    def facts(self, order: Iterable[str]) -> list[Fact]:
        """Every linked fact, file by file in `order` (then any other path, sorted)."""
        by_path = self.by_path
        order = list(order)
        seen = set(order)
        rest = sorted(path for path in by_path if path not in seen)
        return [fact for path in (*order, *rest) for fact in by_path.get(path, ())]


def relink(
    previous: Mapping[str, list[Fact]],
    changes: Iterable[Change],
    project: Mapping[str, list[Fact]] | ProjectFacts,
    order: list[str],
    raw_of: Callable[[list[str]], dict[str, list[Fact]]],
    mentioning: Callable[[Scope], set[str] | None] | None = None,
) -> Relinked:
    """The linked facts of the project after `changes`.

    previous: the last link's facts by located path (each in link order; only the changed files'
    are read, and which paths it holds); project: every file's project-level raw facts before
    the change; order: the files now, in discovery (link) order;
    raw_of: every raw fact of the given unchanged files (read from the scan cache), for the
    narrow and full paths; mentioning: the paths whose words a scope of names reaches
    (`depmap.index.model_scope`), None when they cannot be told (then a changed model is linked
    with every file).

    The other files' project-level facts are read as linking the relinked files needs them
    (`ProjectFacts.context`): every kind the relinked files can meet, and the bodies of what they
    call by name; never the whole project, unless every file is linked again."""
    if not isinstance(project, ProjectFacts):
        project = ProjectFacts(project)
    changes = {change.path: change for change in changes}
    now = {path: (project_level(path, change.new) if change.new is not None else []) for path, change in changes.items()}
    moved = [path for path, change in changes.items() if list(map(_as_read, change.old)) != list(map(_as_read, now[path]))]
    # each moved file's project-level facts that one side has and the other lacks
    differing = {path: [*_difference(changes[path].old, now[path]), *_difference(now[path], changes[path].old)] for path in moved}
    mode = _mode(differing, changes, now, project, previous)
    again = set(changes)
    read = _Memo(raw_of, changes)
    if mode == MODELS:
        reached = _models_reach(differing, changes, now, project, order, read, mentioning)
        if reached is None or _named_by_tasks_again(reached - again, project, now, read, previous):
            mode = FULL
        else:
            again |= reached
    if mode == CALLERS:
        again |= _callers(differing, now, project)
        if again == set(changes):
            mode = LOCAL  # nothing else calls what changed
    if mode in (CALLERS, MODELS) and len(again) > len(order) // 2:
        mode = FULL
    if mode == FULL or natural_keys_collide(order):
        return _full(order, changes, raw_of)
    if mode == NARROW:
        migrations = set(project.of_kinds({MIGRATION})) | {path for path, facts in now.items() if _has_migration(facts)}
        again |= {path for path in order if path in migrations}
    raw = read(sorted(path for path in again if path not in changes))
    raw.update({path: change.new for path, change in changes.items() if change.new is not None})
    relinked_facts = [fact for path in again for fact in (*project.get(path, ()), *raw.get(path, ()))]
    unused = _unused_context(relinked_facts, only_changed=again == set(changes), dbt_names=lambda words: project.mentions(DBT_CONSUMED_KINDS, words))
    called = {name for fact in relinked_facts if (name := callee_name(fact.kind, fact.extra))}
    context = project.context(again, unused, called)
    fresh = _by_path(link_facts([fact for path in order for fact in (raw.get(path, ()) if path in again else context.get(path, ()))], located_at=again))
    if any(path not in again and path not in previous for path in fresh):
        return _full(order, changes, raw_of)  # a fact where the last link put none: not what the audit allows
    return Relinked({path: fresh[path] for path in sorted(again) if path in fresh}, mode, tuple(sorted(again)), previous=previous)


def _unused_context(relinked: list[Fact], only_changed: bool = False, dbt_names: Callable[[set[str]], bool] | None = None) -> frozenset[str]:
    """Project-level kinds whose facts reach only files of their own sort: Django operations reach
    later migrations (state carried from one to the next), a dbt model's lineage its properties
    YAML. Relinking no such file, the others' are left out (their own linked facts are not asked
    for), which spares replaying every migration and renaming every model's lineage. Likewise
    every dbt fact, when no relinked fact is one or names a dbt relation (the dbt linker renames
    placeholders and marks flows into views, and adds facts only at dbt files): a relinked flow
    keeps them only when its target's last name is written in some dbt model, config or project
    (`dbt_names`: a view is named after its model or alias), a relinked task only when it runs
    dbt, a script or a module, or a function so named (what the Airflow linker reads of a dbt
    model's facts: its build and reads, at its file, under its name); and every Airflow
    task, when only the changed files are relinked, none has a task, and no task names one
    (`_mode` takes the full path then): the tasks' linker changes only a task's file and the
    files it names. And the models, classes, objects and table bindings the ORM registry is
    built from, when no relinked fact is one the ORM linker resolves, ranks or replays (a call,
    an ORM access, a class, a model, a migration, an exposure): the relinked files' facts then
    pass the ORM linker unchanged (no call among them fetches another body), and what the
    registry defines elsewhere is placed at other files. The app configs stay: they label
    migrations, whose ranks order the routines' definitions a relinked call may run."""
    kinds = {fact.kind for fact in relinked}
    unused = set()
    if not kinds & {MIGRATION, DJANGO_MIGRATION_OP}:
        unused.add(DJANGO_MIGRATION_OP)
    if not kinds & {DBT_MODEL, DBT_MODEL_CONFIG}:
        unused.add(FLOW)
    if not kinds & DBT_CONSUMED_KINDS and not any(map(_names_dbt, relinked)) and not _may_meet_dbt(relinked, dbt_names):
        unused |= DBT_CONSUMED_KINDS
    if only_changed and AIRFLOW_TASK not in kinds:
        unused.add(AIRFLOW_TASK)
    if not kinds & _ORM_READ:
        unused |= _ORM_REGISTRY_KINDS
    return frozenset(unused)


def _may_meet_dbt(relinked: list[Fact], dbt_names: Callable[[set[str]], bool] | None) -> bool:
    """Whether a relinked flow may end in a dbt view, or a relinked task may reach a dbt model's
    facts (see `_unused_context`); without `dbt_names`, whenever there is a flow or a task."""
    words: set[str] = set()
    for fact in relinked:
        if fact.kind == FLOW:
            words.add(str(fact.extra.get("to") or "").rsplit(".", 1)[-1])
        elif fact.kind == AIRFLOW_TASK:
            for target in fact.extra.get("runs") or []:
                if not isinstance(target, dict) or set(target) - {"function", "own"}:
                    return True  # dbt, a script, a module: what it reaches is found by path
                words.add(str(target["function"]).rsplit(".", 1)[-1])
    if not words:
        return False
    return dbt_names is None or dbt_names(words)


def _names_dbt(fact: Fact) -> bool:
    """A fact the dbt linker changes: a placeholder relation in it, or a Python model's build."""
    if fact.detail == "dbt_build" or "__dbt_" in fact.table or "__dbt_" in fact.snippet:
        return True
    return any("__dbt_" in str(fact.extra.get(key, "")) for key in ("to", "candidates"))


def _full(order: list[str], changes: dict[str, Change], raw_of: Callable[[list[str]], dict[str, list[Fact]]]) -> Relinked:
    """Every file linked again, as a scan without the index does."""
    raw = raw_of([path for path in order if path not in changes])
    raw.update({path: change.new for path, change in changes.items() if change.new is not None})
    linked = link_facts([fact for path in order for fact in raw.get(path, ())])
    return Relinked(_by_path(linked), FULL, tuple(order), linked)


def _mode(differing: dict[str, list[Fact]], changes: dict[str, Change], now: dict[str, list[Fact]], project: ProjectFacts,
          previous: Mapping[str, list[Fact]]) -> str:
    tasks = [fact for facts in project.of_kinds({AIRFLOW_TASK}).values() for fact in facts]
    tasks += [fact for facts in now.values() for fact in facts if fact.kind == AIRFLOW_TASK]
    if tasks and any(_named_by_tasks(path, change, previous.get(path, ()), tasks) for path, change in changes.items()):
        return FULL
    if not differing:
        return LOCAL
    if all(_reaches_callers(fact) for facts in differing.values() for fact in facts):
        return CALLERS
    if _changes_models(differing, changes, now):
        return MODELS
    for path, facts in differing.items():
        migration_file = _has_migration(changes[path].old) or _has_migration(now[path])
        if not all(_reorders_migrations(fact, migration_file) for fact in facts):
            return FULL
    migration_files = [project.get(path, []) for path in project.of_kinds({MIGRATION})] + [facts for facts in now.values() if _has_migration(facts)]
    if any(_ranked_elsewhere(fact) for facts in migration_files for fact in facts):
        return FULL
    return NARROW


def _changes_models(differing: dict[str, list[Fact]], changes: dict[str, Change], now: dict[str, list[Fact]]) -> bool:
    """Only models, classes, objects or Core bindings changed (and what functions touch or call),
    in files that are no migrations: the "models" path."""
    facts = [fact for found in differing.values() for fact in found]
    if not any(fact.kind in REGISTRY_KINDS for fact in facts):
        return False
    if any(_has_migration(changes[path].old) or _has_migration(now[path]) for path in differing):
        return False
    return all(fact.kind in REGISTRY_KINDS or _reaches_callers(fact) for fact in facts)


class _Memo:
    """`raw_of`, each unchanged file decoded once a relink."""

    def __init__(self, raw_of: Callable[[list[str]], dict[str, list[Fact]]], changes: dict[str, Change]) -> None:
        self.raw_of = raw_of
        self.known = {path: change.new for path, change in changes.items() if change.new is not None}
        self.changed = set(changes)

    def __call__(self, paths: list[str]) -> dict[str, list[Fact]]:
        missing = [path for path in paths if path not in self.known and path not in self.changed]
        if missing:
            self.known.update(self.raw_of(missing))
        return {path: self.known[path] for path in paths if path in self.known}


def _models_reach(differing: dict[str, list[Fact]], changes: dict[str, Change], now: dict[str, list[Fact]], project: ProjectFacts,
                  order: list[str], read: _Memo, mentioning: Callable[[Scope], set[str] | None] | None) -> set[str] | None:
    """The files whose linked facts a change to the registry's facts can change: those that write
    a name of what changed or is built on it (`depmap.index.model_scope`), and the callers of the
    functions whose facts write one, transitively; None when that cannot be told."""
    if mentioning is None:
        return None
    seeds = [fact for path in differing for fact in moved(changes[path].old, now[path])]
    registry = [fact for path, facts in project.of_kinds(REGISTRY_KINDS).items() if path not in changes for fact in facts]
    registry += [fact for path in changes for fact in (*changes[path].old, *now[path]) if fact.kind in REGISTRY_KINDS]
    scope = scope_of(seeds, registry, packages_of(order))
    if not scope.usable():
        return None
    found = mentioning(scope)
    if found is None:
        return None
    files = (found & set(order)) | set(changes)
    raw = read(sorted(files))
    frontier = {name for facts in raw.values() for fact in facts if (names := body_names(fact.kind, fact.detail, fact.location.symbol, fact.extra))
                and scope.names_fact(fact) for name in names}
    frontier |= {_short(fact.location.symbol) for facts in differing.values() for fact in facts if _reaches_callers(fact) and fact.location.symbol}
    return files | _callers_of(frontier, now, project)


def _named_by_tasks_again(paths: set[str], project: ProjectFacts, now: dict[str, list[Fact]], read: _Memo,
                          previous: Mapping[str, list[Fact]]) -> bool:
    """Whether an Airflow task may name a file linked again beyond the changed ones: what it
    runs reaches the task's file, which the "models" path does not link again."""
    tasks = [fact for facts in project.of_kinds({AIRFLOW_TASK}).values() for fact in facts]
    tasks += [fact for facts in now.values() for fact in facts if fact.kind == AIRFLOW_TASK]
    if not tasks:
        return False
    raw = read(sorted(paths))
    return any(_named_by_tasks(path, Change(path, [], raw.get(path, [])), previous.get(path, ()), tasks) for path in paths)


def _reaches_callers(fact: Fact) -> bool:
    """What a function or method touches or calls, or a call: it changes the files that call it alone."""
    extra = fact.extra
    if fact.kind == ORM_CALL:
        return not (extra.get("receiver") and extra.get("receiver") not in ("self", "cls"))
    if fact.kind in (ORM_ACCESS, ACCESS):
        return not extra.get("receiver") and not extra.get("routine") and fact.detail != "dbt_build" and bool(fact.location.symbol)
    return False


def _callers(differing: dict[str, list[Fact]], now: dict[str, list[Fact]], project: ProjectFacts) -> set[str]:
    """The files that call, by name, a function or method whose facts changed, and the files that
    call the functions those calls are in, and so on (names only: a superset of the real callers).
    A changed file's calls are its new ones; every other file's are the stored ones."""
    return _callers_of({_short(fact.location.symbol) for facts in differing.values() for fact in facts if fact.location.symbol}, now, project)


def _callers_of(frontier: set[str], now: dict[str, list[Fact]], project: ProjectFacts) -> set[str]:
    """The files that call one of the callables named `frontier`, and their callers, transitively."""
    named, found = set(frontier), set()
    while frontier:
        sites = [(path, caller) for path, caller in project.calling(frontier) if path not in now]
        sites += [(path, _short(fact.location.symbol)) for path, facts in now.items() for fact in facts
                  if fact.kind == ORM_CALL and _callee_name(fact) in frontier]
        found |= {path for path, _ in sites}
        reached = {caller for _, caller in sites if caller}
        frontier = reached - named
        named |= reached
    return found


def _short(symbol: str | None) -> str:
    return (symbol or "").rsplit(".", 1)[-1]


def _callee_name(call: Fact) -> str:
    return str(call.extra.get("method") or "") or _short(call.extra.get("function"))


def _reorders_migrations(fact: Fact, migration_file: bool) -> bool:
    """A change that only reorders or replays migrations: a migration's identity or dependencies,
    a Django operation, or the `Migration` class of a migration module (a class nothing but
    Django names, binding no model)."""
    if fact.kind in _MIGRATION_KINDS:
        return True
    return fact.kind == PY_CLASS and migration_file and not fact.extra.get("class_names") and not fact.extra.get("init_parameters")


def _ranked_elsewhere(fact: Fact) -> bool:
    """A fact of a migration file whose rank other files' linking reads: a routine or a trigger
    (the last definition wins, by migration order), a routine's statement, a dbt or Airflow fact."""
    return fact.kind in _RANKED_ELSEWHERE or fact.kind == SCHEMA_OP or bool(fact.extra.get("routine"))


def _difference(first: list[Fact], second: list[Fact]) -> list[Fact]:
    """The facts of `first` that `second` lacks, counting repeats."""
    rest = list(second)
    missing = []
    for fact in first:
        if fact in rest:
            rest.remove(fact)
        else:
            missing.append(fact)
    return missing


def _has_migration(facts: Iterable[Fact]) -> bool:
    return any(fact.kind == MIGRATION for fact in facts)


def _named_by_tasks(path: str, change: Change, linked: Iterable[Fact], tasks: list[Fact]) -> bool:
    """Whether an Airflow task may name this file, as the Airflow linkers find files: its `sql=`
    file (through a search path, or by the end of its path), a script or module it runs, a
    function of it, a dbt model it builds. Such a file's facts reach the task's file."""
    facts = [*change.old, *(change.new or ()), *linked]
    symbols = {fact.location.symbol for fact in facts if fact.location.symbol}
    dbt_model = any(fact.kind == DBT_MODEL or fact.detail == "dbt_build" for fact in facts)
    for task in tasks:
        files = task.extra.get("sql_file") or []
        for name in [files] if isinstance(files, str) else files:
            searched = [posixpath.normpath(posixpath.join(folder, name)) for folder in task.extra.get("search_paths") or [] if not folder.startswith("/")]
            if path in searched or _ends_with(path, name.lstrip("/")):
                return True
        for target in task.extra.get("runs") or []:
            if (script := target.get("script")) and _ends_with(path, script):
                return True
            if module := target.get("module"):
                base = module.replace(".", "/")
                if _ends_with(path, f"{base}.py") or _ends_with(path, f"{base}/__main__.py"):
                    return True
            if (function := target.get("function")) and any(s == function or s.startswith(function + ".") or s.endswith("." + function) for s in symbols):
                return True
            if target.get("dbt") and dbt_model:
                return True
    return False


def _ends_with(path: str, name: str) -> bool:
    return path == name or path.endswith("/" + name)


def _by_path(facts: Iterable[Fact]) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.location.path, []).append(fact)
    return grouped


_DIGITS = re.compile(r"\d+")
_LEADING_ZERO = re.compile(r"(?<!\d)0\d")


def natural_keys_collide(paths: Iterable[str]) -> bool:
    """Two paths the catalog's replay order cannot tell apart (`0001_x.sql`, `001_x.sql`): their
    ties would follow the order files are linked in, so only a full link keeps it. Two paths
    compare equal when their numbers do and the text between them is the same, that is when each
    number written without its leading zeros gives one path: one of them has a leading zero."""
    paths = set(paths)
    seen: set[str] = set()
    for path in paths:
        if path.isascii() and not _LEADING_ZERO.search(path):
            continue  # (other digits than 0-9 are numbers too)
        plain = _DIGITS.sub(lambda number: str(int(number.group())), path)
        if plain != path:
            if plain in seen or plain in paths:
                return True
            seen.add(plain)
    return False
