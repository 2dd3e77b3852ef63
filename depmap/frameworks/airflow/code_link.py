"""Give an Airflow task the reads and writes of the project code it runs (`code_tasks` targets).

A task that runs `load/dlt/loans_data.py` writes what that script writes; `who-writes` should
name the task, at the line of its command, and the script's own usages should say which tasks
run them (`extra["tasks"]`). Targets are found among the scanned files:

- a script by its path (relative to the project root after the command's `cd`), else by a
  unique path ending (medium confidence: the task's working folder is a deployment matter);
- a module by its file (`pkg/mod.py`, `pkg/mod/__main__.py`), the same way;
- a function by its qualified name (its body's facts, nested functions included);
- a dbt model by name (the file `dbt run -s model` builds: its reads and its build).

What the target touches is reported once per table and access at the task, its columns merged;
code in the DAG file itself (a `@task` body, a `python_callable` defined next to the DAG) is
already reported at its own lines there, and only learns its task.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Iterable

from depmap.model import ACCESS, HIGH, LOW, MEDIUM, Fact, Location, merged_per_table, weaker

AIRFLOW_TASK = "airflow_task"  # the scanner's kind (`dags.AIRFLOW_TASK`); linkers never import the scanner


def link_code_tasks(facts: list[Fact]) -> list[Fact]:
    tasks = [f for f in facts if f.kind == AIRFLOW_TASK and f.extra.get("runs")]
    if not tasks:
        return facts
    targets = _Targets(facts)
    added: list[Fact] = []
    named: dict[int, set[str]] = defaultdict(set)
    idle: set[int] = set()  # code tasks that reach no table: nothing to say about them
    for task in tasks:
        reached = [(target, resolved) for target in task.extra["runs"] if (resolved := targets.resolve(target))[0]]
        if not reached and not (task.extra.get("sql_file") or task.extra.get("inline_sql_line")):
            idle.add(id(task))
        for target, (found, confidence, label) in reached:
            for fact in found:
                named[id(fact)].add(task.location.symbol or "")
            elsewhere = [f for f in found if f.location.path != task.location.path]  # the DAG file's own code is seen at its lines
            if not target.get("own"):
                added.extend(_at_task(fact, task, label, confidence) for fact in merged_per_table(elsewhere))
    linked = [replace(f, extra={**f.extra, "tasks": sorted(named[id(f)])}) if id(f) in named else f for f in facts if id(f) not in idle]
    return linked + added


class _Targets:
    def __init__(self, facts: list[Fact]) -> None:
        self.by_path: dict[str, list[Fact]] = defaultdict(list)
        self.by_symbol: dict[str, list[Fact]] = defaultdict(list)
        self.dbt_models: dict[str, str] = {}
        self.paths: set[str] = set()
        for fact in facts:
            self.paths.add(fact.location.path)
            if fact.kind != ACCESS or fact.via == "airflow" and "inferred_from" in fact.extra:
                continue
            self.by_path[fact.location.path].append(fact)
            if fact.location.symbol:
                self.by_symbol[fact.location.symbol].append(fact)
            if fact.detail == "dbt_build" and fact.extra.get("model"):
                self.dbt_models[fact.extra["model"]] = fact.location.path
        # Made on first use: the symbols under each dotted name (`a`, `a.b` and `a.b.c` hold
        # `a.b.c`), the symbols by each dotted ending (`b.c`, `c`), the paths by each ending
        # after a slash. A project with hundreds of tasks and 100k symbols tested every symbol
        # against every task otherwise.
        self._under: dict[str, list[str]] | None = None
        self._ending: dict[str, list[str]] | None = None
        self._path_endings: dict[str, list[str]] | None = None

    def resolve(self, target: dict) -> tuple[list[Fact], str, str]:
        """(facts, confidence, label) of one target; no facts when it is not in the project."""
        if script := target.get("script"):
            path, confidence = self._file((script,))
            return self.by_path.get(path, []) if path else [], confidence, script
        if module := target.get("module"):
            base = module.replace(".", "/")
            path, confidence = self._file((f"{base}.py", f"{base}/__main__.py"))
            return self.by_path.get(path, []) if path else [], confidence, f"python -m {module}"
        if function := target.get("function"):
            if self._under is None:
                self._under, self._ending = defaultdict(list), defaultdict(list)
                for symbol in self.by_symbol:  # in the facts' order, as every answer lists them
                    for dot in separator_positions(symbol, "."):
                        self._under[symbol[:dot]].append(symbol)
                        self._ending[symbol[dot + 1:]].append(symbol)
                    self._under[symbol].append(symbol)
            found = [f for symbol in self._under.get(function, ()) for f in self.by_symbol[symbol]]
            if found:
                return found, HIGH, function
            # a name written without its package (dag-factory's callable file is a deployment path)
            ending = [f for symbol in self._ending.get(function, ()) for f in self.by_symbol[symbol]]
            return ending, MEDIUM, function
        found = [f for model in target.get("dbt", []) if model in self.dbt_models for f in self.by_path[self.dbt_models[model]]]
        return found, HIGH, "dbt " + " ".join(target.get("dbt", []))

    def _file(self, candidates: tuple[str, ...]) -> tuple[str | None, str]:
        for candidate in candidates:
            if candidate in self.paths:
                return candidate, HIGH
        if self._path_endings is None:
            self._path_endings = path_endings(self.paths)
        for candidate in candidates:
            ending = self._path_endings.get(candidate, [])
            if ending:
                return sorted(ending)[0], MEDIUM if len(ending) == 1 else LOW
        return None, HIGH


def path_endings(paths: Iterable[str], whole: bool = False) -> dict[str, list[str]]:
    """The paths under each ending that follows one of their slashes (`b/c.sql` and `c.sql` for
    `a/b/c.sql`; with `whole`, the path itself too), each list in the order of `paths`: a task
    names its file relative to a folder the scan does not know."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        if whole:
            found[path].append(path)
        for slash in separator_positions(path, "/"):
            found[path[slash + 1:]].append(path)
    return found


def separator_positions(text: str, separator: str) -> list[int]:
    """Where `separator` occurs in `text`."""
    found, at = [], text.find(separator)
    while at >= 0:
        found.append(at)
        at = text.find(separator, at + 1)
    return found


def _at_task(fact: Fact, task: Fact, label: str, confidence: str) -> Fact:
    line = int(task.extra.get("runs_line") or task.location.line)
    location = Location(path=task.location.path, line=line, end_line=line, symbol=task.location.symbol)
    extra = {
        "inferred_from": f"task runs {label}",
        "dag_id": task.extra.get("dag_id"),
        "task_id": task.extra.get("task_id"),
        "code": f"{fact.location.path}:{fact.location.line}",
    }
    return Fact(
        fact.kind, fact.table, location, fact.columns, fact.access, fact.detail, "airflow",
        weaker(weaker(fact.confidence, confidence), task.confidence), task.snippet, extra,
    )  # fmt: skip
