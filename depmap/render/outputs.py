"""One run, every output format: pick the format of each `-o FILE` and render it.

`impact` and `check` both produce a ReportSet (one report, or one per column the migrations add);
each format is a pure function of it, so `-o a.html -o a.md -o a.sarif` costs one scan.
"""

from __future__ import annotations

import io
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from depmap.render.run_info import RunInfo

FORMATS = ("text", "json", "markdown", "html", "sarif", "gcc", "github", "gitlab")
_SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".sarif": "sarif",
    ".json": "json",
    ".txt": "text",
    ".text": "text",
}


class UnknownSuffix(ValueError):
    """`-o FILE` whose suffix names no format, with no --format to say which."""


@dataclass
class ReportSet:
    kind: str  # "impact" (one proposed column) or "check" (every column some migrations add)
    reports: list[Any]  # ImpactReport
    run: RunInfo
    graph: Any = None  # DependencyGraph: the HTML picture draws what each table feeds
    root: Path | None = None  # the scanned project, for source excerpts in HTML
    mentions: Any = None  # MentionSearch of an `impact` table: lines that name it and no usage explains


def format_for(path: str, explicit: str | None, single_output: bool) -> str:
    """The format of `-o path`: an explicit --format for a single file, else the file's suffix."""
    if explicit and single_output:
        return explicit
    name = path.lower()
    if name.endswith(".sarif.json"):
        return "sarif"
    for suffix, chosen in _SUFFIX_FORMATS.items():
        if name.endswith(suffix):
            return chosen
    if explicit:
        return explicit
    known = ", ".join(sorted(_SUFFIX_FORMATS))
    raise UnknownSuffix(f"cannot tell the format of '{path}' from its suffix ({known}); add --format")


def render(output_format: str, bundle: ReportSet) -> str:
    """The whole document in `output_format`, as text (plain, without colours, for text)."""
    if output_format == "json":
        from depmap.render.json import check_document, dumps, impact_document

        if bundle.kind == "impact":
            document = impact_document(bundle.reports[0], bundle.run.skipped)
            if bundle.mentions is not None:
                from depmap.render.mentions import mentions_json

                document.update(mentions_json(bundle.mentions))
            return dumps(document)
        return dumps(check_document(bundle.reports, bundle.run.migrations, bundle.run.problems, bundle.run.skipped))
    if output_format == "markdown":
        from depmap.render.markdown import render_markdown

        return render_markdown(bundle.reports, bundle.run, mentions=bundle.mentions)
    if output_format == "sarif":
        from depmap.render.json import dumps
        from depmap.render.sarif import sarif_document

        return dumps(sarif_document(bundle.reports, bundle.run))
    if output_format == "html":
        from depmap.render.html import render_html

        return render_html(bundle)
    if output_format in ("gcc", "github", "gitlab"):
        from depmap.render.lines import gcc_lines, github_lines, gitlab_document

        return {"gcc": gcc_lines, "github": github_lines, "gitlab": gitlab_document}[output_format](bundle.reports)
    if output_format == "text":
        from rich.console import Console

        buffer = io.StringIO()
        print_text(Console(file=buffer, no_color=True, width=160, soft_wrap=True), bundle)
        return buffer.getvalue()
    raise ValueError(f"unknown format {output_format!r}")


def print_text(out: Any, bundle: ReportSet) -> None:
    from depmap.render.impact_text import print_check, print_impact

    if bundle.kind == "impact":
        print_impact(out, bundle.reports[0])
        if bundle.mentions is not None:
            from depmap.render.mentions import print_mentions

            table = bundle.reports[0].spec.table
            print_mentions(out, bundle.mentions, table, listed=False, hint=f"`depmap who-reads {table} --mentions` lists them")
    else:
        print_check(out, bundle.reports, bundle.run.migrations, bundle.run.problems)
