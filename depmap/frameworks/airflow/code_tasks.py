"""Airflow tasks whose work is the project's own code: what each one runs.

A task that runs SQL is read by `dags`; many tasks run a script, a module or a function of the
project instead, and that code reads and writes tables. Here a task's arguments become targets
the linker (`code_link`) can find among the scanned files:

- a shell command (`BashOperator(bash_command=...)`, `@task.bash` and other `@task.<x>bash`
  functions returning the command, `KubernetesPodOperator(cmds=..., arguments=...)`,
  `DockerOperator(command=...)`, `SSHOperator(command=...)`): `python -m pkg.mod` is
  `{"module": "pkg.mod"}`, `python path/x.py`, `./x.py` or `uv run x.py` after `cd dir &&` is
  `{"script": "dir/x.py"}`, `dbt run|build -s model+` is `{"dbt": ["model"]}`;
- a Python callable (`PythonOperator(python_callable=load)`, the virtualenv and branch
  variants) is `{"function": "pkg.jobs.load"}`, qualified through the file's imports;
- a TaskFlow `@task` function is itself (`{"function": "dags.daily.load", "own": True}`: its
  usages only learn their task, they already sit in the DAG file) plus every imported function
  its body calls and every `.sql` file it names (`run_sql_file("sql/load_users.sql")`).

Each task also says the line that names its work (`runs_line`): the command string, the callable.
"""

from __future__ import annotations

import ast
import posixpath
import re
import shlex
from typing import Callable

from depmap.python.tree import dotted_name, literal_string

Qualify = Callable[[ast.AST], "str | None"]
Resolve = Callable[[ast.expr], "ast.expr | None"]

_COMMAND_ARGUMENTS = ("bash_command", "command", "cmds", "arguments")
_CALLABLE_ARGUMENTS = ("python_callable",)
_PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")
_RUNNERS = (("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("pdm", "run"), ("hatch", "run"))
_DBT_COMMANDS = frozenset({"run", "build", "test", "seed", "snapshot"})
_SQL_FILE = re.compile(r"[\w./-]+\.sql")
_SEPARATORS = re.compile(r"&&|\|\||;|\n|\|")


def operator_runs(arguments: dict[str, ast.expr], resolve: Resolve, qualify: Qualify) -> tuple[list[dict], int | None]:
    """The targets of an operator's arguments and the line naming them ([] when it runs none)."""
    for key in _CALLABLE_ARGUMENTS:
        if (node := arguments.get(key)) is not None and (name := qualify(node) or dotted_name(node)):
            return [{"function": name}], node.lineno
    parts: list[str] = []
    line = None
    for key in _COMMAND_ARGUMENTS:
        node = resolve(arguments.get(key)) if key in arguments else None
        if node is None:
            continue
        text = _static_text(node, resolve)
        if text:  # `cmds=["python"], arguments=["x.py"]`: the arguments name the work
            parts.append(text)
            line = arguments[key].lineno
    return (command_targets(" ".join(parts)), line) if parts else ([], None)


def taskflow_runs(node: ast.FunctionDef | ast.AsyncFunctionDef, flavour: str, symbol: str, qualify: Qualify, resolve: Resolve) -> tuple[list[dict], int]:
    """A `@task` function's targets: a command it returns (`@task.bash`), else its own body
    (`symbol`, the function's qualified name) and the imported functions that body calls."""
    if "bash" in flavour or "dbt" in flavour:  # every command it may return; the first naming code
        targets: list[dict] = []
        line = None
        for inner in ast.walk(node):
            if isinstance(inner, ast.Return) and inner.value is not None and (text := _static_text(resolve(inner.value) or inner.value, resolve)):
                if found := [t for t in command_targets(text) if t not in targets]:
                    targets.extend(found)
                    line = line or inner.value.lineno
        return targets, line or node.lineno
    runs: list[dict] = [{"function": symbol, "own": True}]  # its usages are already at their lines
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and (name := qualify(inner.func)) and {"function": name} not in runs:
            runs.append({"function": name})
        elif (text := literal_string(inner)) and _SQL_FILE.fullmatch(text) and {"script": text} not in runs:
            runs.append({"script": text.lstrip("./")})  # `run_sql_file("sql/load_users.sql")`: that file's SQL
    return runs, node.lineno


def command_targets(command: str) -> list[dict]:
    """The scripts, modules and dbt models a shell command line runs."""
    targets: list[dict] = []
    folder = ""
    for segment in _SEPARATORS.split(command):
        words = _words(segment)
        while words and "=" in words[0] and not words[0].startswith("-"):  # VAR=value before the command
            words = words[1:]
        if words[:1] == ["env"]:
            words = [w for w in words[1:] if "=" not in w]
        if not words:
            continue
        if len(words) > 2 and words[1] == "-c" and posixpath.basename(words[0]) in ("bash", "sh", "zsh"):
            targets.extend(command_targets(" ".join(words[2:])))
            continue
        if words[0] == "cd" and len(words) > 1:
            folder = posixpath.normpath(posixpath.join(folder, words[1])) if not words[1].startswith("/") else words[1].lstrip("/")
            continue
        if tuple(words[:2]) in _RUNNERS:
            words = words[2:]
            if words[:1] and not _PYTHON.match(words[0]) and not words[0].endswith(".py"):
                words = ["python", *words] if words[0] == "-m" else words
        if not words:
            continue
        if _PYTHON.match(words[0]):
            rest = [w for w in words[1:] if not w.startswith("-") or w == "-m"]
            if rest[:1] == ["-m"] and len(rest) > 1:
                targets.append({"module": rest[1]})
            elif rest and rest[0].endswith(".py"):
                targets.append({"script": _joined(folder, rest[0])})
        elif words[0].endswith(".py"):
            targets.append({"script": _joined(folder, words[0])})
        elif words[0] == "dbt" and len(words) > 1 and words[1] in _DBT_COMMANDS:
            if models := _dbt_models(words[2:]):
                targets.append({"dbt": models})
    return targets


def _dbt_models(words: list[str]) -> list[str]:
    """Model names of `-s/--select/-m/--models` selectors: graph operators stripped, methods
    (`tag:`, `path:`, `config.`) and wildcards left out."""
    models: list[str] = []
    selecting = False
    for word in words:
        if word.startswith("-"):
            selecting = word in ("-s", "--select", "-m", "--models")
            continue
        if not selecting:
            continue
        for item in word.split(","):
            name = re.sub(r"^(?:\d*\+|@)|\+\d*$", "", item)
            if name and re.fullmatch(r"[A-Za-z_][\w.]*", name) and "." not in name:
                models.append(name)
    return models


def _joined(folder: str, script: str) -> str:
    return posixpath.normpath(posixpath.join(folder, script)).lstrip("/")


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment)
    except ValueError:  # an unbalanced quote in a template: words as written
        return segment.split()


def _static_text(node: ast.expr, resolve: Resolve) -> str:
    """A command's text: a string, an f-string's literal parts (a hole as `{}`), a list of them
    joined by spaces (`cmds=["python", "-m", "jobs.sync"]`)."""
    if (text := literal_string(node)) is not None:
        return text
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}" for v in node.values)
    if isinstance(node, (ast.List, ast.Tuple)):
        return " ".join(shlex.quote(t) if " " not in t else t for item in node.elts if (t := _static_text(resolve(item) or item, resolve)))
    return ""
