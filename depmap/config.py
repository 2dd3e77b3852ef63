"""Project settings from `[tool.depmap]` in pyproject.toml, or from `.depmap.toml`.

Configuration is user input: a typo must never stop a scan. Every problem becomes a one-line
warning that says what to fix, and the faulty setting falls back to its default.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from depmap.tree_boundary import real_path_inside

PYPROJECT = "pyproject.toml"
DEPMAP_TOML = ".depmap.toml"

DEFAULT_SENSITIVE_COLUMNS: tuple[str, ...] = (
    "*password*",
    "*passwd*",
    "*secret*",
    "*token*",
    "*ssn*",
    "*api_key*",
    "*apikey*",
    "*private_key*",
    "*credit_card*",
    "*card_number*",
    "*cvv*",
    "*iban*",
)


@dataclass(frozen=True)
class Config:
    """Settings for one scanned project; the defaults scan everything that can be scanned.

    `include`/`exclude` are gitignore-style globs relative to the scanned root (an empty
    `include` keeps every file). `sensitive_columns` are case-insensitive fnmatch patterns; a
    configured list replaces the defaults.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    dialect: str | None = None
    server_version: str | None = None
    max_file_bytes: int = 2_000_000
    dbt_projects: tuple[str, ...] = ()
    sensitive_columns: tuple[str, ...] = DEFAULT_SENSITIVE_COLUMNS
    link_base: str | None = None
    seconds_per_file: float = 60.0  # a file whose scan takes longer is listed as not analysed
    megabytes_per_file: int = 768  # memory one file's scan may take beyond the worker's own
    # Project-specific extensions (gitignore-style globs): scanned as Python or as SQL. A Python
    # file of another extension may hold Python only between marker lines (a page file's code
    # section): `python_section_start`/`_end` are regular expressions for those lines.
    python_files: tuple[str, ...] = ()
    sql_files: tuple[str, ...] = ()
    python_section_start: str | None = None
    python_section_end: str | None = None
    # Rules a team tunes (depmap.impact.suppressions): ((rule id, "breaking"|"warning"|"info"|"off"),
    # ...), and (glob, rule ids) whose findings are left out in the paths the glob names.
    rules: tuple[tuple[str, str], ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Findings in test code count in verdicts, counts and --fail-on (default: listed apart).
    judge_test_code: bool = False


_KNOWN_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Config))
_DEFAULT = object()  # a validator's answer meaning "keep the default"

Validator = Callable[[Any, str, str, list[str]], Any]


@lru_cache(maxsize=1)
def known_dialects() -> tuple[str, ...]:
    """sqlglot's dialect names: the only values the SQL engine can act on."""
    from sqlglot.dialects import Dialects

    return tuple(sorted(d.value for d in Dialects if d.value))


def load_config(root: Path) -> tuple[Config, list[str]]:
    """The project's settings and the warnings found while reading them; never raises.

    `.depmap.toml` (its top level, or its `[tool.depmap]` table) wins over pyproject.toml.
    """
    warnings: list[str] = []
    dedicated = root / DEPMAP_TOML
    if dedicated.is_file():
        section = _section_from_depmap_toml(dedicated, warnings)
        if section is not None and _pyproject_section(root / PYPROJECT, []) is not None:
            warnings.append(
                f"{PYPROJECT}: [tool.depmap] is ignored because {DEPMAP_TOML} exists; "
                "keep the settings in one of the two files"
            )
        where = DEPMAP_TOML
    else:
        section = _pyproject_section(root / PYPROJECT, warnings)
        where = f"{PYPROJECT} [tool.depmap]"
    if section is None:
        return Config(), warnings
    return _build(section, where, warnings), warnings


def _read_toml(path: Path, warnings: list[str]) -> dict[str, Any] | None:
    """The parsed file, or None with a warning: a broken file means defaults, not a crash. A file
    that links outside the scanned folder is not read: nothing outside the tree ever is (and the
    configuration decides what reports link to)."""
    if real_path_inside(path.parent, path.name) is None:
        warnings.append(f"{path.name}: links outside the scanned folder; not read, using default settings")
        return None
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        warnings.append(f"{path.name}: invalid TOML: {exc}; using default settings")
    except UnicodeDecodeError as exc:
        warnings.append(
            f"{path.name}: not valid UTF-8 at byte {exc.start}; using default settings"
        )
    except OSError as exc:
        warnings.append(f"{path.name}: cannot read it ({exc.strerror}); using default settings")
    except (RecursionError, MemoryError):
        warnings.append(f"{path.name}: nested too deeply to read; using default settings")
    return None


def _pyproject_section(path: Path, warnings: list[str]) -> dict[str, Any] | None:
    """`[tool.depmap]` of pyproject.toml, or None when absent (no settings is not an error)."""
    if not path.is_file():
        return None
    data = _read_toml(path, warnings)
    if data is None:
        return None
    tool = data.get("tool")
    section = tool.get("depmap") if isinstance(tool, dict) else None
    if section is None:
        return None
    if not isinstance(section, dict):
        warnings.append(f"{path.name}: tool.depmap must be a table; using default settings")
        return None
    return section


def _section_from_depmap_toml(path: Path, warnings: list[str]) -> dict[str, Any] | None:
    """`[tool.depmap]` when the file has one (so it can be copied from pyproject), else the top."""
    data = _read_toml(path, warnings)
    if data is None:
        return None
    tool = data.get("tool")
    if isinstance(tool, dict) and "depmap" in tool:
        section = tool["depmap"]
        if not isinstance(section, dict):
            warnings.append(f"{path.name}: tool.depmap must be a table; using default settings")
            return None
        return section
    return data


def _build(section: dict[str, Any], where: str, warnings: list[str]) -> Config:
    """A Config from one settings table: valid values kept, every other one reported."""
    chosen = _normalise_keys(section, where, warnings)
    values: dict[str, Any] = {}
    for name, (spelled, raw) in chosen.items():
        value = _VALIDATORS[name](raw, spelled, where, warnings)
        if value is not _DEFAULT:
            values[name] = value
    return Config(**values)


def _normalise_keys(
    section: dict[str, Any], where: str, warnings: list[str]
) -> dict[str, tuple[str, Any]]:
    """field name → (key as spelled, value); kebab-case wins when both spellings are present."""
    chosen: dict[str, tuple[str, Any]] = {}
    unknown: list[str] = []
    for key in sorted(section, key=lambda k: ("_" in k, k)):
        name = key.replace("-", "_")
        if name not in _KNOWN_KEYS:
            unknown.append(key)
        elif name in chosen:
            warnings.append(
                f"{where}: both '{chosen[name][0]}' and '{key}' are set; "
                f"using '{chosen[name][0]}'"
            )
        else:
            chosen[name] = (key, section[key])
    if unknown:
        known = ", ".join(k.replace("_", "-") for k in _KNOWN_KEYS)
        warnings.append(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))} ignored; known keys: {known}"
        )
    return chosen


def _string_list(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """A list of strings; a lone string is a one-item list (the obvious intent)."""
    if isinstance(raw, str):
        return (raw,)
    if not isinstance(raw, list):
        warnings.append(
            f"{where}: {key} must be a list of strings, got {_type_name(raw)}; using the default"
        )
        return _DEFAULT
    good = tuple(item for item in raw if isinstance(item, str))
    if len(good) != len(raw):
        bad = ", ".join(repr(item) for item in raw if not isinstance(item, str))
        warnings.append(f"{where}: {key} must contain only strings; ignoring {bad}")
    return good


def _globs(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """Gitignore-style patterns; ones that cannot match anything are dropped with a warning."""
    patterns = _string_list(raw, key, where, warnings)
    if patterns is _DEFAULT:
        return patterns
    kept: list[str] = []
    for pattern in patterns:
        problem = glob_problem(pattern)
        if problem:
            warnings.append(f"{where}: {key} pattern {pattern!r} ignored: {problem}")
        else:
            kept.append(pattern)
    return tuple(kept)


def glob_problem(pattern: str) -> str | None:
    """Why a gitignore-style pattern is unusable, or None when it is fine."""
    from pathspec import GitIgnoreSpec  # here: a warm query that reuses the stored discovery never needs it

    try:
        spec = GitIgnoreSpec.from_lines([pattern])
    except ValueError as exc:
        return str(exc)
    if not any(p.include is not None for p in spec.patterns):
        return "it is blank or a comment, so it matches nothing"
    return None


def _dialect(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """A sqlglot dialect name, case-insensitive; anything else would silently parse wrongly."""
    if not isinstance(raw, str):
        warnings.append(f"{where}: {key} must be a string, got {_type_name(raw)}; ignoring it")
        return _DEFAULT
    name = raw.strip().lower()
    dialects = known_dialects()
    if name in dialects:
        return name
    close = difflib.get_close_matches(name, dialects, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    warnings.append(
        f"{where}: unknown {key} {raw!r} ignored; {hint}expected one of: {', '.join(dialects)}"
    )
    return _DEFAULT


_VERSION = re.compile(r"v?\d+(\.\d+)*([-+~]?[0-9A-Za-z][0-9A-Za-z.]*)?")


def is_server_version(text: str) -> bool:
    """A version number such as 16, 8.0.35 or 16beta1: `-1` or `latest` would be read as some
    other version (the first number in the text), so they are refused wherever they are given."""
    return bool(_VERSION.fullmatch(text.strip()))


def _boolean(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    if isinstance(raw, bool):
        return raw
    warnings.append(f"{where}: {key} must be true or false, got {_type_name(raw)}; ignoring it")
    return _DEFAULT


def _server_version(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """A version string; an integer (`14`) is unambiguous, a float (`5.10` → 5.1) is not."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return str(raw)
    if isinstance(raw, str) and raw.strip() and is_server_version(raw):
        return raw.strip()
    warnings.append(
        f"{where}: {key} must be a quoted version such as \"8.0.32\", got {raw!r}; ignoring it"
    )
    return _DEFAULT


def _max_file_bytes(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """A positive integer number of bytes."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    warnings.append(
        f"{where}: {key} must be a positive integer (bytes), got {raw!r}; "
        f"keeping {Config.max_file_bytes}"
    )
    return _DEFAULT


def _positive_number(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """A positive number (seconds or megabytes of a file's scan budget)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 0 < raw < float("inf"):
        return raw
    warnings.append(f"{where}: {key} must be a positive number, got {raw!r}; keeping the default")
    return _DEFAULT


LINK_BASE_PLACEHOLDERS = ("{path}", "{line}", "{end_line}")
LINK_BASE_ACCEPTED = "an http:// or https:// URL such as https://github.com/ORG/REPO/blob/SHA, or a template of one holding {path}, {line}, {end_line}"
# Scheme and host first (no placeholder may stand for the host), then URL characters only: no
# space, control character, quote, angle bracket or backslash that could end an attribute or a link.
_LINK_BASE = re.compile(r"https?://[^\s/?#@\\{}<>\"'`]+(?:[/?#][^\s\\<>\"'`{}|^]*)?", re.IGNORECASE)


def is_link_base(base: str) -> bool:
    """Whether `base` may prefix the source links of a report.

    Reports turn it into clickable links, and the scanned project may set it in its own
    configuration, so only web addresses pass: never `javascript:`, `data:` or a relative path."""
    bare = base
    for placeholder in LINK_BASE_PLACEHOLDERS:
        bare = bare.replace(placeholder, "")
    before_placeholders = base.split("{", 1)[0].rstrip("/")
    return bool(_LINK_BASE.fullmatch(bare) and _LINK_BASE.fullmatch(before_placeholders))


def _optional_string(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    if isinstance(raw, str):
        return raw
    warnings.append(f"{where}: {key} must be a string, got {_type_name(raw)}; ignoring it")
    return _DEFAULT


def _pattern(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """A regular expression (a section marker line)."""
    value = _optional_string(raw, key, where, warnings)
    if value is _DEFAULT:
        return value
    try:
        re.compile(value)
    except re.error as error:
        warnings.append(f"{where}: {key} {value!r} is not a regular expression ({error}); ignoring it")
        return _DEFAULT
    return value


_RULE_SEVERITIES = ("breaking", "warning", "info", "off")


def _rules(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """`[tool.depmap.rules.select-star] severity = "warning"`: rule id -> severity or "off"."""
    if not isinstance(raw, dict):
        warnings.append(f"{where}: {key} must be a table of rules, got {_type_name(raw)}; ignoring it")
        return _DEFAULT
    chosen: list[tuple[str, str]] = []
    for rule, settings in sorted(raw.items()):
        severity = settings.get("severity") if isinstance(settings, dict) else None
        if severity not in _RULE_SEVERITIES:
            warnings.append(f"{where}: {key}.{rule}.severity must be one of {', '.join(_RULE_SEVERITIES)}; ignoring it")
            continue
        chosen.append((str(rule), severity))
    return tuple(chosen)


def _per_file_ignores(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """`per-file-ignores = {"tests/**" = ["select-star"]}`: glob -> rule ids."""
    if not isinstance(raw, dict):
        warnings.append(f"{where}: {key} must be a table of glob = [rules], got {_type_name(raw)}; ignoring it")
        return _DEFAULT
    chosen: list[tuple[str, tuple[str, ...]]] = []
    for pattern, rules in sorted(raw.items()):
        listed = (rules,) if isinstance(rules, str) else tuple(r for r in rules if isinstance(r, str)) if isinstance(rules, list) else ()
        if not listed:
            warnings.append(f"{where}: {key}.{pattern!r} must list rule ids; ignoring it")
            continue
        chosen.append((str(pattern), listed))
    return tuple(chosen)


def _link_base(raw: Any, key: str, where: str, warnings: list[str]) -> Any:
    """A web address for source links; anything else leaves the reports without links."""
    value = _optional_string(raw, key, where, warnings)
    if value is _DEFAULT:
        return value
    if not is_link_base(value):
        warnings.append(f"{where}: {key} {value!r} ignored: it is not {LINK_BASE_ACCEPTED}; reports carry no source links")
        return _DEFAULT
    return value


def _type_name(value: Any) -> str:
    """The TOML word for a value's type, which is what the user wrote."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


_VALIDATORS: dict[str, Validator] = {
    "include": _globs,
    "exclude": _globs,
    "dialect": _dialect,
    "server_version": _server_version,
    "max_file_bytes": _max_file_bytes,
    "dbt_projects": _string_list,
    "sensitive_columns": _string_list,
    "link_base": _link_base,
    "seconds_per_file": _positive_number,
    "megabytes_per_file": _positive_number,
    "python_files": _globs,
    "sql_files": _globs,
    "python_section_start": _pattern,
    "python_section_end": _pattern,
    "rules": _rules,
    "per_file_ignores": _per_file_ignores,
    "judge_test_code": _boolean,
}
