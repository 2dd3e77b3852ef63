"""Application code that touches no database: helper modules, command-line tools and their
pytest tests. About half the files of a real application look like this, and a scanner that can
tell them apart cheaply never needs to parse them fully."""

from __future__ import annotations

from synth import plain_classes as classes
from synth import plain_snippets as functions
from synth.names import ABSTRACT_NOUNS, VERBS, plural
from synth.plain_snippets import Snippet, Words
from synth.repo import Repo, docstring, render

AREAS: tuple[str, ...] = ("utils", "domain", "services", "integrations", "formatting", "pricing", "scheduling", "security")
# What a module is made of; a module samples a few, so no two modules read alike.
SHAPES = (
    functions.normalize_shape,
    functions.slugify_shape,
    functions.chunked_shape,
    classes.retry_shape,
    classes.window_shape,
    classes.state_machine_shape,
    functions.money_shape,
    functions.business_days_shape,
    classes.settings_shape,
    functions.lookup_shape,
    functions.group_by_shape,
    functions.csv_render_shape,
    classes.rate_limiter_shape,
    functions.json_default_shape,
    functions.deep_merge_shape,
    functions.checksum_shape,
    functions.percentile_shape,
    classes.calculator_shape,
    classes.protocol_shape,
    functions.cutoff_shape,
    functions.duration_shape,
    functions.validate_email_shape,
)


def render_imports(pairs: list[tuple[str, str]]) -> list[str]:
    """Imports grouped per module, plain `import x` first, both sorted, as isort would."""
    plain = sorted({m for m, n in pairs if not n})
    names: dict[str, set[str]] = {}
    for module, name in pairs:
        if name:
            names.setdefault(module, set()).add(name)
    out = [f"import {m}" for m in plain]
    out += [f"from {m} import {', '.join(sorted(names[m]))}" for m in sorted(names)]
    return out


def _module(repo: Repo, area: str, words: Words, count: int) -> tuple[list[Snippet], list[str]]:
    snippets: list[Snippet] = []
    seen: set[str] = set()
    for shape in repo.rng.sample(SHAPES, count):
        snippet = shape(words)
        if snippet.name in seen:
            continue
        seen.add(snippet.name)
        snippets.append(snippet)
    constants: list[str] = []
    for snippet in snippets:
        constants += [line for line in snippet.constants if line not in constants]
    imports = render_imports([pair for s in snippets for pair in s.imports])
    head = docstring(f"{words.noun.capitalize()} helpers for {words.thing}s in the {area} layer. {repo.rng.choice(_MODULE_NOTES)}")
    out = head + ["", "from __future__ import annotations", ""] + imports + [""] + constants + ["", ""]
    for snippet in snippets:
        out += snippet.lines + ["", ""]
    return snippets, out


_MODULE_NOTES = (
    "Pure functions only: easy to test, safe to call from anywhere.",
    "Nothing here performs I/O; callers pass in what they have read.",
    "Kept free of framework imports so the workers can use it too.",
    "Shared by the web application and the batch jobs.",
    "",
)


def _cli(repo: Repo, name: str) -> list[str]:
    """An argparse tool wired to a few text helpers written earlier."""
    helpers = repo.rng.sample(repo.plain_helpers, min(len(repo.plain_helpers), repo.rng.randint(1, 3)))
    out = [*docstring(f"Command-line tool `{name}`: small text utilities for support staff."), "", "from __future__ import annotations", ""]
    out += ["import argparse", "import sys", "from collections.abc import Sequence", ""]
    for module, function in sorted(helpers):
        out.append(f"from {module} import {function}")
    out += ["", "", "def build_parser() -> argparse.ArgumentParser:", f'    parser = argparse.ArgumentParser(prog="{name}")']
    out.append('    sub = parser.add_subparsers(dest="command", required=True)')
    for _, function in helpers:
        out += [f'    cmd = sub.add_parser("{function.replace("_", "-")}", help="apply {function} to each argument")', '    cmd.add_argument("values", nargs="+")']
    out += ["    return parser", "", "", "def main(argv: Sequence[str] | None = None) -> int:", "    args = build_parser().parse_args(argv)"]
    out += ["    commands = {"] + [f'        "{f.replace("_", "-")}": {f},' for _, f in helpers] + ["    }"]
    out += ["    for value in args.values:", "        print(commands[args.command](value))", "    return 0", "", "", 'if __name__ == "__main__":']
    out.append("    sys.exit(main())")
    return out


def unit(repo: Repo) -> None:
    """One module of plain code, usually with its test module; now and then a command-line tool."""
    rng = repo.rng
    if repo.plain_helpers and rng.random() < 0.08:
        name = repo.namer.module("cli", [f"{repo.company}-{rng.choice(VERBS)}", f"{repo.company}-{rng.choice(ABSTRACT_NOUNS)}"])
        _package(repo, f"{repo.company}/cli")
        repo.add(f"{repo.company}/cli/{name.replace('-', '_')}.py", "plain", render(_cli(repo, name)))
        return
    area = rng.choice(AREAS)
    words = Words(rng)
    module = repo.namer.module(f"plain:{area}", [f"{words.thing}_{plural(words.noun)}", f"{words.noun}_{words.verb}", f"{words.thing}_{words.verb}"])
    snippets, lines = _module(repo, area, words, rng.randint(2, 6))
    _package(repo, f"{repo.company}/{area}")
    dotted = f"{repo.company}.{area}.{module}"
    repo.add(f"{repo.company}/{area}/{module}.py", "plain", render(lines))
    repo.plain_helpers += [(dotted, s.name) for s in snippets if s.takes_text]
    tested = [s for s in snippets if s.test]
    if tested and rng.random() < 0.7:
        uses_pytest = any("pytest" in line for s in tested for line in s.test)
        extra = sorted({pair for s in tested for pair in s.imports if pair[0] in ("datetime", "decimal")})
        out = ["from __future__ import annotations", ""]
        out += render_imports(extra + ([("pytest", "")] if uses_pytest else []))
        out += ["", f"from {dotted} import {', '.join(sorted({s.name for s in tested} | _helpers_named(tested)))}", "", ""]
        for snippet in tested:
            out += snippet.test + ["", ""]
        _package(repo, f"tests/{area}")
        repo.add(f"tests/{area}/test_{module}.py", "plain", render(out))


def _helpers_named(snippets: list[Snippet]) -> set[str]:
    """Names a test uses besides the snippet's own (a state machine's `can_move`)."""
    return {"can_move" for s in snippets if any("can_move(" in line for line in s.test)} | {
        f"Logging{s.name}" for s in snippets if s.name.endswith("Notifier")
    }


def _package(repo: Repo, path: str) -> None:
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        init = "/".join(parts[:depth]) + "/__init__.py"
        if init not in repo.files:
            repo.add(init, "plain", "")
