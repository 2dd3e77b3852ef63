"""`who-reads` / `who-writes` on the terminal: one row per site, production code first, test code folded.

On a real project the first forty files that write a table are often its tests; the terminal
lists the production sites first and folds the test sites to one line per file (`--tests` lists
them), `--limit N` stops after N rows and says how many it left out. A site is a line where the
code reads or writes the table one way (access, detail, confidence, the view it goes through):
the facts of one site that name different columns are one row listing all of them. Code is
printed whole: after the row when it fits the terminal's width, else on a line of its own below.
The JSON document is not shaped by any of this: it carries every fact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from typing import Iterable

from rich.console import Console
from rich.text import Text

from depmap.impact.scope import is_test_path
from depmap.model import HIGH, INDIRECT_READS, SNIPPET_LIMIT, Fact, Skipped, in_own_statement
from depmap.render.printable import printable
from depmap.render.terminal_layout import GAP, aligned, print_block, print_line, wrap_list

_CONFIDENCE_MARK = {"high": "", "medium": "~", "low": "?"}
_THROUGH = "read through a view"
_FORMER = "under a former name"
_CALLED = "through a call"
# In a pipe, where nothing wraps, a cell wider than this (a whole-row load naming eighty columns)
# does not set its column's width: the other rows of the file stay aligned among themselves.
PIPE_CELL = 60
_WHOLE_ROW = ("select_star", "insert_select_star", "positional_insert")


@dataclass
class Site:
    """One row: the facts of one line that reach the table the same way, their columns merged."""

    facts: list[Fact]
    columns: list[str]

    @property
    def first(self) -> Fact:
        return self.facts[0]

    @property
    def path(self) -> str:
        return self.first.location.path

    @property
    def in_tests(self) -> bool:
        return is_test_path(self.path)


def _site_key(fact: Fact) -> tuple:
    extra = fact.extra
    return (fact.location.path, fact.location.line, fact.table, fact.access, fact.detail, fact.confidence,
            tuple(extra.get("through") or ()), extra.get("former_name"), extra.get("cell"))


def sites_of(facts: Iterable[Fact]) -> list[Site]:
    """Facts (sorted) as sites, in the order of their first fact; production sites before test sites."""
    sites: dict[tuple, Site] = {}
    columns: dict[tuple, dict[str, None]] = {}  # each site's columns in first-seen order (a list's `in` was quadratic)
    for fact in facts:
        key = _site_key(fact)
        site = sites.get(key)
        if site is None:
            site = sites[key] = Site([], [])
            columns[key] = {}
        site.facts.append(fact)
        columns[key].update(dict.fromkeys(fact.columns))
    for key, site in sites.items():
        site.columns.extend(columns[key])
    ordered = list(sites.values())
    return [s for s in ordered if not s.in_tests] + [s for s in ordered if s.in_tests]


def reach(fact: Fact) -> str:
    """How a usage reaches the table: naming it, indirectly (INDIRECT_READS), through a view, by a
    former name."""
    if fact.extra.get("through"):
        return _THROUGH
    if fact.extra.get("former_name"):
        return _FORMER
    if not in_own_statement(fact):
        return _CALLED
    return INDIRECT_READS.get(fact.detail or "", "name it")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def print_usages(out: Console, title: str, facts: list[Fact], skipped: list[Skipped], show_columns: bool = True,
                 show_tests: bool = False, limit: int | None = None) -> None:
    """The title with the counts, the sites grouped by file (at most `limit` rows), the test files
    folded to a count each unless `show_tests`, the confidence legend and the skipped files."""
    sites = sites_of(facts)
    files = {s.path for s in sites}
    header = f"{printable(title)}: {_count(len(sites), 'usage')} in {_count(len(files), 'file')}"
    kinds = Counter(reach(s.first) for s in sites)
    if len(kinds) > 1 or set(kinds) - {"name it"}:  # whole-row loads, attribute reads, views, apart
        header += " (" + ", ".join(f"{kinds[kind]} {kind}" for kind in ("name it", *INDIRECT_READS.values(), _THROUGH, _FORMER, _CALLED) if kinds[kind]) + ")"
    print_line(out, Text(header, style="bold"))
    production = [s for s in sites if not s.in_tests]
    tests = [s for s in sites if s.in_tests]
    listed = production + (tests if show_tests else [])
    shown = listed if limit is None else listed[:limit]
    left_out = len(listed) - len(shown)
    _print_groups(out, [s for s in shown if not s.in_tests], show_columns)
    tests_shown = [s for s in shown if s.in_tests]
    if left_out and not tests_shown:  # said where the rows stop
        _print_left_out(out, left_out, limit)
    if tests and (not show_tests or tests_shown):
        _print_tests(out, tests, tests_shown, show_columns, show_tests)
    if left_out and tests_shown:
        _print_left_out(out, left_out, limit)
    if any(f.confidence != HIGH for s in shown for f in s.facts):
        out.print()
        print_block(out, "~ medium confidence: inferred (SQL not seen reaching a database call, a macro or a task's code);  ? low: attribution uncertain or SQL unparsed", "", style="dim")
    print_skipped(out, skipped)


def _print_left_out(out: Console, count: int, limit: int | None) -> None:
    out.print()
    print_line(out, Text(f"… {count} more not shown (--limit {limit})", style="dim"))


def _print_tests(out: Console, tests: list[Site], shown: list[Site], show_columns: bool, show_tests: bool) -> None:
    files = sorted({s.path for s in tests})
    out.print()
    summary = f"In test code: {_count(len(tests), 'usage')} in {_count(len(files), 'file')}"
    if not show_tests:
        print_line(out, Text(f"{summary} (--tests lists them)", style="bold"))
        for path, group in groupby(sorted(tests, key=lambda s: s.path), key=lambda s: s.path):
            print_line(out, Text(f"  {printable(path)}: {_count(len(list(group)), 'usage')}"))
        return
    print_line(out, Text(summary, style="bold"))
    _print_groups(out, shown, show_columns)


def _print_groups(out: Console, sites: list[Site], show_columns: bool) -> None:
    for path, group in groupby(sites, key=lambda s: s.path):
        out.print()
        print_line(out, Text(printable(path), style="bold cyan"))
        _print_rows(out, list(group), show_columns)


def _label(fact: Fact) -> str:
    label = f"{fact.access} {fact.detail}{_CONFIDENCE_MARK[fact.confidence]}"
    if through := fact.extra.get("through"):
        label += " via view " + " → ".join(through)
    if former := fact.extra.get("former_name"):
        label += f" as {former} (its former name)"
    if not in_own_statement(fact):  # `gen_award(db, ...)`: the statement is in the function it calls
        callee = (str(fact.extra.get("inferred_from", "")).split(" ") + ["?"])[1]  # "function app.jobs.gen_award"
        label += f" via {callee.rsplit('.', 1)[-1]}()"
    if "cell" in fact.extra:  # a notebook: the line is the file's, Jupyter shows cells
        label += f" (cell {fact.extra['cell']}, line {fact.extra.get('cell_line', 1)})"
    return label


def _columns_label(site: Site) -> list[str]:
    if site.columns:
        return site.columns
    return ["*" if site.first.detail in _WHOLE_ROW else "—"]


def _print_rows(out: Console, sites: list[Site], show_columns: bool) -> None:
    """One line a site when every row and its code fit the width; else the code of each site on a
    line of its own below it, and a long list of columns broken after a comma (never in a name)."""
    heads = []
    for site in sites:
        fact = site.first
        heads.append([
            Text(str(fact.location.line), style="dim"),
            Text(printable(_label(fact)), style="red" if fact.access == "write" else "green"),
            Text(printable(_short_symbol(fact)), style="magenta"),
        ])
    columns = [[printable(c) for c in _columns_label(site)] for site in sites]
    code = [Text(printable(whole_tokens(site.first.snippet)), style="dim") for site in sites]
    cells = [head + ([Text(f"{printable(site.first.table)}({', '.join(names)})")] if show_columns else []) for head, site, names in zip(heads, sites, columns)]
    inline = aligned([[*row, snippet] for row, snippet in zip(cells, code)], widest=PIPE_CELL if out.soft_wrap else None)
    if out.soft_wrap or all(line.cell_len <= out.width for line in inline):  # a pipe: one line a site
        for line in inline:
            print_line(out, line)
        return
    code_indent = " " * (max(len(str(s.first.location.line)) for s in sites) + len(GAP))
    if not show_columns:
        for line, snippet in zip(aligned(heads), code):
            print_line(out, line)
            if snippet.plain:
                print_line(out, Text(code_indent) + snippet)
        return
    for line, site, names, snippet in zip(aligned([[*head, Text("")] for head in heads]), sites, columns, code):
        table = printable(site.first.table)
        whole = f"{table}({', '.join(names)})"
        if line.cell_len + len(whole) <= out.width:
            print_line(out, line + Text(whole))
        else:  # the columns on lines of their own, broken after a comma
            line.rstrip()
            print_line(out, line)
            hang = len(code_indent) + len(table) + 1
            listed = wrap_list(names, out.width, out.width, hang if hang <= out.width // 2 else len(code_indent) + 2,
                               prefix=f"{code_indent}{table}(", suffix=")")
            for more in listed:
                print_line(out, Text(more))
        if snippet.plain:
            print_line(out, Text(code_indent) + snippet)


def whole_tokens(snippet: str) -> str:
    """A snippet the scanner cut at its length limit ends at its last whole word, then `…`: the
    terminal never shows half a token (`ORDER BY o…` reads as a column named o)."""
    if len(snippet) < SNIPPET_LIMIT:
        return snippet
    body = snippet.removesuffix("…")
    return (body.rsplit(None, 1)[0] if " " in body.strip() else body) + " …"


def _short_symbol(fact: Fact) -> str:
    """The symbol without its module (the file heading already names it)."""
    symbol = fact.location.symbol
    if not symbol:
        return "<module>"
    module = fact.location.path.rsplit(".", 1)[0].replace("/", ".")
    for prefix in (module, module.removesuffix(".__init__")):
        if symbol.startswith(prefix + "."):
            return symbol[len(prefix) + 1 :]
    return symbol


def print_skipped(out: Console, skipped: Iterable[Skipped]) -> None:
    skipped = list(skipped)
    if not skipped:
        return
    out.print()
    print_line(out, Text(f"Not analysed ({len(skipped)}):", style="bold yellow"))
    for item in skipped:
        print_block(out, f"{printable(item.path)}: {printable(item.reason)}", "  ", style="yellow")
