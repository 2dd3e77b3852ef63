"""Bind routine bodies to the statements that run them.

The SQL engine reports a function's body statements at their own lines, tagged with the function
(`extra["routine"]`), its definition (ROUTINE), calls by name (ROUTINE_CALL) and a trigger
function's `NEW.col`/`OLD.col` with no table yet (`extra["trigger_row"]`). Across files:

- the last definition of a name wins (`migration_order`, as the catalog replays DDL); the body
  statements of earlier ones stay, marked `superseded_by` the definition that replaced them;
- `CREATE TRIGGER t ON members ... EXECUTE FUNCTION f()` gives `NEW.col`/`OLD.col` of f the table
  `members`, and marks every statement of f as fired by that trigger (`fired_by`): a trigger that
  updates `teams.member_count` is a writer of that column on every write to `members`;
- a call of a project function (`SELECT compute_balance(a) FROM accounts a`, `PERFORM f()` in
  another body) reads and writes what the function's body does, reported at the call
  (`inferred_from`), through calls up to a few levels deep.

Calls are consumed; definitions stay (verify creates the functions the code calls); trigger rows no
trigger binds are dropped (their table is unknown).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from depmap.model import ACCESS, ROUTINE, ROUTINE_CALL, SCHEMA_OP, Fact, Location, migration_order

_MAX_DEPTH = 4


def link_routines(facts: list[Fact]) -> list[Fact]:
    definitions: dict[str, list[Fact]] = defaultdict(list)
    calls: list[Fact] = []
    rest: list[Fact] = []
    for fact in facts:
        if fact.kind == ROUTINE:
            if fact.extra.get("name"):
                definitions[fact.extra["name"].rsplit(".", 1)[-1]].append(fact)
        elif fact.kind == ROUTINE_CALL:
            calls.append(fact)
        else:
            rest.append(fact)
    kept = [fact for named in definitions.values() for fact in named]  # where each routine is defined: verify creates it
    if not definitions:
        return [fact for fact in rest if not _unbound_row(fact)]
    bodies = _Bodies(definitions, rest, calls)
    triggers = _triggers(rest)
    linked = []
    for fact in rest:
        name = _routine(fact)
        if name is None:
            linked.append(fact)
            continue
        definition = bodies.definition_of(name, fact)
        firing = bodies.firing(name, definition, triggers.get(name, ()))
        fact = _fired(bodies.mark(fact, name, definition), firing)
        if _unbound_row(fact):  # one row per table, however many times its trigger was (re)created
            by_table: dict[str, list[Fact]] = defaultdict(list)
            for trigger in firing:
                by_table[trigger.table].append(trigger)
            linked.extend(_bound(fact, table, triggers_on) for table, triggers_on in by_table.items())
        else:
            linked.append(fact)
    linked.extend(effect for call in calls for effect in bodies.effects_at(call))
    return linked + kept


def _routine(fact: Fact) -> str | None:
    name = fact.extra.get("routine")
    return name.rsplit(".", 1)[-1] if isinstance(name, str) and name else None


def _unbound_row(fact: Fact) -> bool:
    return fact.kind == ACCESS and not fact.table and "trigger_row" in fact.extra


class _Bodies:
    """Each routine name's definitions in replay order, and what each body touches."""

    def __init__(self, definitions: dict[str, list[Fact]], facts: list[Fact], calls: list[Fact]) -> None:
        self.definitions = {name: sorted(found, key=migration_order) for name, found in definitions.items()}
        self.members: dict[tuple[str, str, int], list[Fact]] = defaultdict(list)
        self.calls_in: dict[tuple[str, str, int], list[Fact]] = defaultdict(list)
        for fact in facts:
            if (name := _routine(fact)) and fact.kind == ACCESS and "trigger_row" not in fact.extra:
                if (definition := self.definition_of(name, fact)) is not None:
                    self.members[_key(definition)].append(fact)
        for call in calls:
            if (name := _routine(call)) and (definition := self.definition_of(name, call)) is not None:
                self.calls_in[_key(definition)].append(call)

    def definition_of(self, name: str, fact: Fact) -> Fact | None:
        for definition in self.definitions.get(name, ()):
            loc = definition.location
            if loc.path == fact.location.path and loc.line <= fact.location.line <= (loc.end_line or loc.line):
                return definition
        return None

    def live(self, name: str) -> Fact | None:
        found = self.definitions.get(name)
        return found[-1] if found else None

    def mark(self, fact: Fact, name: str, definition: Fact | None) -> Fact:
        """A statement of a definition a later one replaced: kept, marked `superseded_by`."""
        live = self.live(name)
        if definition is None or live is None or definition is live:
            return fact
        return replace(fact, extra={**fact.extra, "superseded_by": f"{live.location.path}:{live.location.line}"})

    def firing(self, name: str, definition: Fact | None, triggers: list[Fact]) -> list[Fact]:
        """The triggers that ran this definition of `name`: every trigger for the live one; for
        an earlier one, the triggers created before the next definition replaced it."""
        found = self.definitions.get(name, [])
        if definition is None or definition is found[-1]:
            return list(triggers)
        following = migration_order(found[found.index(definition) + 1])
        return [trigger for trigger in triggers if migration_order(trigger) < following]

    def effects_at(self, call: Fact, depth: int = 0, seen: frozenset[str] = frozenset()) -> list[Fact]:
        """What calling the function named by `call` reads and writes, located at the call."""
        name = call.extra.get("name", "").rsplit(".", 1)[-1]
        live = self.live(name)
        if live is None or name in seen or depth >= _MAX_DEPTH:
            return []
        effects = []
        for fact in self.members.get(_key(live), ()):
            effects.append(_at_call(fact, call, name))
        for nested in self.calls_in.get(_key(live), ()):
            effects.extend(_at_call(effect, call, name) for effect in self.effects_at(nested, depth + 1, seen | {name}))
        return effects


def _key(definition: Fact) -> tuple[str, str, int]:
    return (definition.extra.get("name", ""), definition.location.path, definition.location.line)


def _at_call(effect: Fact, call: Fact, name: str) -> Fact:
    extra = {key: value for key, value in effect.extra.items() if key not in ("routine", "lines", "column_lines", "fired_by")}
    extra["inferred_from"] = f"function {name}"
    location = Location(path=call.location.path, line=call.location.line, end_line=call.location.end_line, symbol=call.location.symbol)
    return replace(effect, location=location, snippet=call.snippet, via=call.via, extra=extra)


def _triggers(facts: list[Fact]) -> dict[str, list[Fact]]:
    """Function name -> the CREATE TRIGGER operations that execute it."""
    found: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == SCHEMA_OP and fact.detail == "create_trigger":
            function = (fact.extra.get("trigger") or {}).get("function")
            if function:
                found[function.rsplit(".", 1)[-1]].append(fact)
    return found


def _trigger_note(trigger: Fact) -> dict:
    details = trigger.extra.get("trigger") or {}
    return {"trigger": trigger.extra.get("name"), "table": trigger.table, "events": details.get("events", []), "timing": details.get("timing")}


def _fired(fact: Fact, triggers) -> Fact:
    if not triggers:
        return fact
    notes = list({(n["trigger"], n["table"]): n for n in map(_trigger_note, triggers)}.values())  # the last creation of each
    return replace(fact, extra={**fact.extra, "fired_by": notes})


def _bound(row: Fact, table: str, triggers: list[Fact]) -> Fact:
    """`NEW.col` of a trigger function, on the table of the triggers that execute it there."""
    return _fired(replace(row, table=table), triggers)
