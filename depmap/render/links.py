"""Links from a report to the source: `--link-base` (or `[tool.depmap] link_base`) plus path and line.

A plain base such as `https://github.com/org/repo/blob/3f2a9c1` gets `/path#L10` (or `#L10-L12`
for a range, the form GitHub and Gitea understand). A base containing `{path}`, `{line}` or
`{end_line}` is a template for every other host, e.g. GitLab's
`https://gitlab.com/org/repo/-/blob/main/{path}#L{line}-{end_line}`.

Only http(s) bases make links (depmap.config.is_link_base): the command line and the
configuration refuse others with a message, and this module, the last step before a report,
makes no link from one that slipped through.
"""

from __future__ import annotations

from urllib.parse import quote

from depmap.config import LINK_BASE_PLACEHOLDERS, is_link_base


def source_link(link_base: str | None, path: str, line: int | None = None, end_line: int | None = None) -> str | None:
    """The URL of `path` at `line` (to `end_line`), or None without a usable link base or a path."""
    if not link_base or not path or not is_link_base(link_base):
        return None
    quoted = quote(path, safe="/")
    if any(placeholder in link_base for placeholder in LINK_BASE_PLACEHOLDERS):
        first = line or 1
        return (
            link_base.replace("{path}", quoted)
            .replace("{line}", str(first))
            .replace("{end_line}", str(end_line or first))
        )
    url = f"{link_base.rstrip('/')}/{quoted}"
    if line:
        url += f"#L{line}"
        if end_line and end_line > line:
            url += f"-L{end_line}"
    return url
