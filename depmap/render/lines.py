"""Findings one per line, for tools that read compiler output or a CI's annotation syntax.

- `gcc`: `path:line:col: severity: [rule] message`, what editors and `grep -n`-style tools jump to;
- `github`: GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), which the
  runner turns into annotations on the pull request's diff (breaking → error, warning → warning,
  info → notice);
- `gitlab`: GitLab Code Quality JSON (a list of issues with a fingerprint), for the merge
  request's Code Quality widget.

A finding about no file (the project as a whole) keeps its place with an empty path in `gcc`,
has no `file=` in `github`, and points at the project's root in `gitlab`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

_GITHUB_LEVEL = {"breaking": "error", "error": "error", "warning": "warning", "info": "notice"}
_GITLAB_SEVERITY = {"breaking": "blocker", "error": "blocker", "warning": "major", "info": "info"}


def _findings(reports: list[Any]) -> list[Any]:
    return [finding for report in reports for finding in report.findings]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def gcc_lines(reports: list[Any]) -> str:
    lines = []
    for finding in _findings(reports):
        loc = finding.location
        lines.append(f"{loc.path}:{max(loc.line, 1)}:{(loc.col or 0) + 1}: {finding.severity}: [{finding.rule}] {_one_line(finding.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _escape_github(text: str, property_value: bool = False) -> str:
    """GitHub's workflow-command escaping: % CR LF always; also : and , in property values."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def github_lines(reports: list[Any]) -> str:
    lines = []
    for finding in _findings(reports):
        loc = finding.location
        properties = []
        if loc.path:
            properties += [f"file={_escape_github(loc.path, True)}", f"line={max(loc.line, 1)}"]
            if loc.end_line and loc.end_line > loc.line:
                properties.append(f"endLine={loc.end_line}")
        properties.append(f"title={_escape_github(f'depmap {finding.rule}', True)}")
        level = _GITHUB_LEVEL.get(finding.severity, "warning")
        lines.append(f"::{level} {','.join(properties)}::{_escape_github(finding.message + ' Fix: ' + finding.fix)}")
    return "\n".join(lines) + ("\n" if lines else "")


def gitlab_document(reports: list[Any]) -> str:
    issues = []
    for finding in _findings(reports):
        loc = finding.location
        # the statement, not its line nor the message (which names the line): edits above keep it
        key = "\0".join((finding.rule, loc.path, _one_line(finding.snippet).lower() or str(loc.line)))
        issues.append({
            "description": f"[{finding.rule}] {_one_line(finding.message)}",
            "check_name": finding.rule,
            "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
            "severity": _GITLAB_SEVERITY.get(finding.severity, "major"),
            "location": {"path": loc.path or ".", "lines": {"begin": max(loc.line, 1)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
