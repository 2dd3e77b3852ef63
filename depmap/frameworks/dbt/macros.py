"""dbt macros: the relations a macro's `ref()`/`source()` name, read wherever the macro runs.

A macro file is a Jinja library, not a model: nothing renders it on its own. Its `ref('x')` and
`source('s', 't')` calls are reads at their own lines (medium confidence: a macro nobody calls
reads nothing), and a DBT_MACRO fact lists them, so that the linker can also put each read at
every model line that calls the macro (`{{ latest_rates() }}`). A package's `ref('pkg', 'm')`
names the model `m`.
"""

from __future__ import annotations

import re

from depmap.model import ACCESS, MEDIUM, READ, Fact, Location, ScanResult, sorted_facts
from depmap.scan_context import ScanContext
from depmap.frameworks.dbt.symbols import DBT_MACRO, ref_placeholder, source_placeholder

_MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\s*\(.*?%\}(.*?)\{%-?\s*endmacro\s*-?%\}", re.S)
_REF = re.compile(r"""\bref\(\s*['"]([\w.-]+)['"]\s*(?:,\s*['"]([\w.-]+)['"]\s*)?(?:,\s*\w+\s*=[^)]*)?\)""")
_SOURCE = re.compile(r"""\bsource\(\s*['"]([\w.-]+)['"]\s*,\s*['"]([\w.-]+)['"]\s*\)""")


def scan_dbt_macros(path: str, text: str, ctx: ScanContext) -> ScanResult:
    if "macro" not in text:
        return ScanResult()
    facts: list[Fact] = []
    for macro in _MACRO.finditer(text):
        name, body_start = macro.group(1), macro.start(2)
        line = text.count("\n", 0, macro.start()) + 1
        reads: list[list] = []
        body = macro.group(2)
        for match in _REF.finditer(body):
            model = match.group(2) or match.group(1)
            reads.append([ref_placeholder(model), model, text.count("\n", 0, body_start + match.start()) + 1])
        for match in _SOURCE.finditer(body):
            source, table = match.group(1), match.group(2)
            reads.append([source_placeholder(source, table), f"{source}.{table}".lower(), text.count("\n", 0, body_start + match.start()) + 1])
        for placeholder, written, at in reads:
            snippet = text.splitlines()[at - 1].strip()[:160]
            location = Location(path, at, at, symbol=name)
            facts.append(Fact(ACCESS, placeholder, location, (), READ, "macro_ref", "dbt", MEDIUM, snippet, {"macro": name, "dbt_name": written}))
        if reads:
            facts.append(Fact(DBT_MACRO, "", Location(path, line, line, symbol=name), via="dbt", extra={"name": name, "reads": reads}))
    return ScanResult(facts=sorted_facts(facts))
