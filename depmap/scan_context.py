"""Project-level context handed to every scanner: derived from files, never from running code."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable


@dataclass(frozen=True)
class ScanContext:
    """What a scanner may know beyond its own file. Kept small and hashable so that a scan
    result can be cached under (file content, context)."""

    dialect: str = "postgres"
    # dbt `vars` of each dbt project in the tree: (project folder, JSON of its vars), so that a
    # model's `var("x")` renders with the project's value, as `dbt run` would.
    dbt_vars: tuple[tuple[str, str], ...] = ()
    # (start, end) marker patterns of the Python sections in files of other extensions scanned as
    # Python (`python-files` with `python-section-start`): see depmap.python.sections.
    python_sections: tuple[str, str] | None = None

    def dbt_vars_for(self, path: str) -> dict[str, Any]:
        """The vars of the innermost dbt project holding `path` (a path relative to the root)."""
        best: tuple[str, str] | None = None
        for root, encoded in self.dbt_vars:
            inside = root in ("", ".") or path.startswith(root.rstrip("/") + "/")
            if inside and (best is None or len(root) > len(best[0])):
                best = (root, encoded)
        return json.loads(best[1]) if best else {}


def dbt_vars_of(root: Path, files: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    """Vars of every dbt project among the discovered `files`, read before the models that use
    them are rendered."""
    projects = [file for file in files if file.kind == "dbt_project"]
    if not projects:
        return ()  # no YAML to read (and no YAML parser to import)
    import yaml

    from depmap.discover import read_source
    from depmap.safe_yaml import YamlRefused, load_plain

    pairs = []
    for file in projects:
        text = read_source(root, file)
        try:
            data = load_plain(text) if isinstance(text, str) else None
        except (yaml.YAMLError, YamlRefused):
            continue  # the dbt scanner reports the broken file
        if (pair := dbt_project_vars(file.path, data)) is not None:
            pairs.append(pair)
    return tuple(sorted(pairs))


def dbt_project_vars(path: str, data: Any) -> tuple[str, str] | None:
    """(project folder, JSON of its top-level vars) from a parsed `dbt_project.yml`."""
    if not isinstance(data, dict) or not isinstance(data.get("vars"), dict):
        return None
    values = {k: v for k, v in data["vars"].items() if isinstance(k, str) and not isinstance(v, dict)}
    return posixpath.dirname(path), json.dumps(values, sort_keys=True, default=str)
