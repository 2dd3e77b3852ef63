"""dbt Python models: `def model(dbt, session)` in a models folder, reading through `dbt.ref("x")`
and `dbt.source("s", "t")` and building the relation named by its file.

Each `dbt.ref()`/`dbt.source()` is a read of that relation at its line (columns unknown: a
DataFrame is selected from later); the file writes its own relation, from line 1, unless
`dbt.config(materialized="ephemeral")` says it is never built. Relations are placeholders the dbt
linker resolves like a SQL model's (`depmap.frameworks.dbt.symbols`), keeping the plain name when
the scan does not know the model.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from depmap.model import ACCESS, READ, WRITE, Fact, Location
from depmap.python.analysis import PythonAnalysis
from depmap.python.tree import ParsedTree, argument, literal_string
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.symbols import ref_placeholder, source_placeholder


def wants_python_model(text: str) -> bool:
    return "def model(" in text and ("dbt.ref(" in text or "dbt.source(" in text)


def analyse_python_model(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    model = next((n for n in parsed.tree.body if isinstance(n, ast.FunctionDef) and n.name == "model" and n.args.args), None)
    if model is None:
        return []
    dbt = model.args.args[0].arg
    name = PurePosixPath(parsed.path).stem
    facts, materialized = [], "table"
    for node in ast.walk(model):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)):
            continue
        if node.func.value.id != dbt:
            continue
        args = [literal_string(a) for a in node.args]
        location = Location(parsed.path, node.lineno, node.end_lineno, symbol=name)
        if node.func.attr == "ref" and args and args[-1]:
            target, plain = ref_placeholder(args[-1]), args[-1].lower()
        elif node.func.attr == "source" and len(args) == 2 and all(args):
            target, plain = source_placeholder(args[0], args[1]), f"{args[0]}.{args[1]}".lower()  # type: ignore[arg-type]
        else:
            if node.func.attr == "config":
                materialized = literal_string(argument(node, None, "materialized")) or materialized
            continue
        snippet = " ".join(parsed.source.segment(node).split())[:160]
        facts.append(Fact(ACCESS, target, location, (), READ, "dbt_python_ref", "dbt", snippet=snippet, extra={"dbt_name": plain}))
    if materialized != "ephemeral":
        built = Location(parsed.path, 1, 1, symbol=name)
        extra = {"dbt_name": name.lower(), "model": name, "materialized": materialized}
        facts.append(Fact(ACCESS, ref_placeholder(name), built, (), WRITE, "dbt_build", "dbt", snippet=f"materialized: {materialized}", extra=extra))
    return facts


DBT_PYTHON_MODELS = PythonAnalysis("dbt python models", wants_python_model, analyse_python_model)
