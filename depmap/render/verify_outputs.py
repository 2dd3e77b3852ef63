"""One `depmap verify` run, every output format: text, JSON, Markdown, HTML and SARIF.

Like depmap.render.outputs for `impact` and `check`: the run is gathered once (`VerifyOutput`)
and each format is a pure function of it, so `-o verify.html -o verify.sarif` measures once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depmap import __version__

FORMATS = ("text", "json", "markdown", "html", "sarif")


@dataclass
class VerifyOutput:
    results: list[Any]  # verify.run.VerifyReport, one a change
    reports: list[Any]  # impact.engine.ImpactReport judged for each result: its `judged` findings match the verdicts
    migrations: list[str] | None  # the migration files verified; None for one proposal (TABLE.COLUMN)
    problems: list[str]  # migrations that could not be read for changes
    command: str  # as typed, paths made relative (run_info.command_line)
    project: str  # the project folder's name
    root: Path | None = None  # the project, for source excerpts in HTML
    version: str = __version__

    def pairs(self) -> list[tuple[Any, Any]]:
        """Each static verdict with the finding it judged, per result."""
        return [list(zip(result.verdicts, report.judged)) for result, report in zip(self.results, self.reports)]


def render_verify(output_format: str, output: VerifyOutput) -> str:
    """The whole document in `output_format`, ending with a newline."""
    from depmap.verify.report import document, markdown, text_lines

    if output_format == "markdown":
        return markdown(output.results, output.migrations)
    if output_format == "json":
        from depmap.render.json import dumps

        if output.migrations is None:
            data = document(output.results[0])
        else:
            from depmap.model import SCHEMA_VERSION

            data = {"schema_version": SCHEMA_VERSION, "migrations": output.migrations, "problems": output.problems,
                    "columns": [document(result) for result in output.results]}
        return dumps(data)
    if output_format == "html":
        from depmap.render.verify_html import render_verify_html

        return render_verify_html(output)
    if output_format == "sarif":
        from depmap.render.json import dumps
        from depmap.render.verify_sarif import verify_sarif

        return dumps(verify_sarif(output))
    if output_format == "text":
        lines = []
        if output.migrations is not None:
            lines.append(f"Verified {len(output.migrations)} migration file(s): {len(output.results)} change(s)")
            lines += [f"depmap: {problem}" for problem in output.problems]
        for number, result in enumerate(output.results):
            if number or output.migrations is not None:
                lines.append("")
            lines += text_lines(result)
        return "\n".join(lines) + "\n" if lines else ""
    raise ValueError(f"unknown format {output_format!r}")
