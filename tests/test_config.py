"""Settings from pyproject.toml / .depmap.toml: user mistakes become warnings, never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.config import DEFAULT_SENSITIVE_COLUMNS, Config, known_dialects, load_config


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


def test_no_config_files_means_defaults_and_no_warnings(tmp_path: Path) -> None:
    assert load_config(tmp_path) == (Config(), [])


def test_pyproject_without_depmap_table_is_silent(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "shop"\n\n[tool.ruff]\nline-length = 99\n')
    assert load_config(tmp_path) == (Config(), [])


def test_pyproject_tool_depmap_all_keys(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        """
[project]
name = "shop"

[tool.depmap]
include = ["src/", "migrations/**/*.sql"]
exclude = ["src/legacy/"]
dialect = "Postgres"
server-version = "14.5"
max-file-bytes = 500_000
dbt-projects = ["warehouse"]
sensitive-columns = ["*pin*"]
link-base = "https://github.com/acme/shop/blob/main/"
""",
    )
    config, warnings = load_config(tmp_path)
    assert warnings == []
    assert config == Config(
        include=("src/", "migrations/**/*.sql"),
        exclude=("src/legacy/",),
        dialect="postgres",
        server_version="14.5",
        max_file_bytes=500_000,
        dbt_projects=("warehouse",),
        sensitive_columns=("*pin*",),
        link_base="https://github.com/acme/shop/blob/main/",
    )


def test_snake_case_keys_are_accepted(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.depmap]\nmax_file_bytes = 10\nserver_version = 8\n")
    config, warnings = load_config(tmp_path)
    assert warnings == []
    assert (config.max_file_bytes, config.server_version) == (10, "8")


def test_both_spellings_kebab_wins_with_warning(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.depmap]\nmax_file_bytes = 10\nmax-file-bytes = 20\n")
    config, warnings = load_config(tmp_path)
    assert config.max_file_bytes == 20
    assert warnings == [
        "pyproject.toml [tool.depmap]: both 'max-file-bytes' and 'max_file_bytes' are set; "
        "using 'max-file-bytes'"
    ]


def test_depmap_toml_top_level_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.depmap]\ndialect = "mysql"\nexclude = ["a"]\n')
    write(tmp_path, ".depmap.toml", 'dialect = "sqlite"\n')
    config, warnings = load_config(tmp_path)
    assert config == Config(dialect="sqlite")
    assert warnings == [
        "pyproject.toml: [tool.depmap] is ignored because .depmap.toml exists; "
        "keep the settings in one of the two files"
    ]


def test_depmap_toml_with_tool_depmap_table(tmp_path: Path) -> None:
    write(tmp_path, ".depmap.toml", '[tool.depmap]\ndialect = "snowflake"\ninclude = "models"\n')
    config, warnings = load_config(tmp_path)
    assert warnings == []
    assert config == Config(dialect="snowflake", include=("models",))


def test_invalid_toml_warns_names_file_and_uses_defaults(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.depmap]\ndialect = postgres\ninclude = []\n')
    config, warnings = load_config(tmp_path)
    assert config == Config()
    assert len(warnings) == 1
    assert warnings[0].startswith("pyproject.toml: invalid TOML: ")
    assert "(at line 2, column 11)" in warnings[0]
    assert warnings[0].endswith("; using default settings")


def test_invalid_depmap_toml_uses_defaults_not_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.depmap]\ndialect = "mysql"\n')
    write(tmp_path, ".depmap.toml", "dialect = \n")
    config, warnings = load_config(tmp_path)
    assert config == Config()
    assert [w.split(":")[0] for w in warnings] == [".depmap.toml"]
    assert "invalid TOML" in warnings[0]


def test_non_utf8_config_file_warns(tmp_path: Path) -> None:
    (tmp_path / ".depmap.toml").write_bytes(b'dialect = "caf\xe9"\n')
    config, warnings = load_config(tmp_path)
    assert config == Config()
    assert warnings == [".depmap.toml: not valid UTF-8 at byte 14; using default settings"]


def test_unknown_keys_listed(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.depmap]\nexcludes = ["x"]\ndialekt = "mysql"\n')
    config, warnings = load_config(tmp_path)
    assert config == Config()
    assert warnings == [
        "pyproject.toml [tool.depmap]: unknown key(s) dialekt, excludes ignored; known keys: "
        "include, exclude, dialect, server-version, max-file-bytes, dbt-projects, "
        "sensitive-columns, link-base, seconds-per-file, megabytes-per-file, python-files, sql-files, python-section-start, python-section-end, rules, per-file-ignores, judge-test-code"
    ]


def test_single_string_is_wrapped_in_a_list(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.depmap]\ninclude = "src/"\nexclude = "*.pyi"\n')
    config, warnings = load_config(tmp_path)
    assert warnings == []
    assert (config.include, config.exclude) == (("src/",), ("*.pyi",))


def test_wrong_types_warn_and_keep_defaults(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        """[tool.depmap]
include = 3
exclude = ["ok/", 7]
max-file-bytes = "5MB"
link-base = true
server-version = 5.10
""",
    )
    config, warnings = load_config(tmp_path)
    assert config == Config(exclude=("ok/",))
    where = "pyproject.toml [tool.depmap]: "
    assert warnings == [
        where + "exclude must contain only strings; ignoring 7",
        where + "include must be a list of strings, got an integer; using the default",
        where + "link-base must be a string, got a boolean; ignoring it",
        where + "max-file-bytes must be a positive integer (bytes), got '5MB'; keeping 2000000",
        where + 'server-version must be a quoted version such as "8.0.32", got 5.1; ignoring it',
    ]


def test_non_positive_max_file_bytes_rejected(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.depmap]\nmax-file-bytes = 0\n")
    config, warnings = load_config(tmp_path)
    assert config.max_file_bytes == 2_000_000
    assert len(warnings) == 1 and "max-file-bytes must be a positive integer" in warnings[0]


def test_unknown_dialect_warns_with_suggestion_and_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.depmap]\ndialect = "postgresql"\n')
    config, warnings = load_config(tmp_path)
    assert config.dialect is None
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "pyproject.toml [tool.depmap]: unknown dialect 'postgresql' ignored; "
        "did you mean 'postgres'? expected one of: "
    )
    assert "mysql" in warnings[0] and "tsql" in warnings[0]


def test_known_dialects_come_from_sqlglot() -> None:
    dialects = known_dialects()
    assert {"postgres", "mysql", "sqlite", "snowflake", "bigquery", "tsql"} <= set(dialects)
    assert "" not in dialects
    assert list(dialects) == sorted(dialects)


def test_invalid_glob_dropped_with_warning(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.depmap]\nexclude = ["!", "", "tmp/"]\n')
    config, warnings = load_config(tmp_path)
    assert config.exclude == ("tmp/",)
    assert len(warnings) == 2
    assert warnings[0].startswith("pyproject.toml [tool.depmap]: exclude pattern '!' ignored: ")
    assert warnings[1] == (
        "pyproject.toml [tool.depmap]: exclude pattern '' ignored: "
        "it is blank or a comment, so it matches nothing"
    )


def test_tool_depmap_not_a_table(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool]\ndepmap = "yes"\n')
    assert load_config(tmp_path) == (
        Config(),
        ["pyproject.toml: tool.depmap must be a table; using default settings"],
    )


def test_default_sensitive_patterns() -> None:
    for pattern in ("*password*", "*secret*", "*token*", "*ssn*", "*api_key*", "*credit_card*",
                    "*iban*"):
        assert pattern in DEFAULT_SENSITIVE_COLUMNS
    assert Config().sensitive_columns == DEFAULT_SENSITIVE_COLUMNS


def test_link_base_must_be_a_web_address(tmp_path: Path) -> None:
    """The scanned project sets it, and reports make links of it: nothing but http(s) passes."""
    for base in ("https://github.com/acme/shop/blob/main", "http://git.example:8080/shop/{path}#L{line}-{end_line}"):
        write(tmp_path, "pyproject.toml", f'[tool.depmap]\nlink-base = "{base}"\n')
        assert load_config(tmp_path) == (Config(link_base=base), [])
    for base in ("javascript:alert(1)//{path}", "data:text/html,x", "//evil.example/{path}", "https://{path}", "{path}#L{line}"):
        write(tmp_path, "pyproject.toml", f'[tool.depmap]\nlink-base = "{base}"\n')
        assert load_config(tmp_path) == (Config(), [
            f"pyproject.toml [tool.depmap]: link-base '{base}' ignored: it is not an http:// or https:// URL such as "
            "https://github.com/ORG/REPO/blob/SHA, or a template of one holding {path}, {line}, {end_line}; "
            "reports carry no source links"
        ])


def test_a_pyproject_nested_too_deeply_means_defaults(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.ruff]\nx = " + "[" * 500 + "]" * 500 + "\n")
    assert load_config(tmp_path) == (Config(), ["pyproject.toml: nested too deeply to read; using default settings"])


def test_the_scan_budget_is_configurable_and_checked(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.depmap]\nseconds-per-file = 5.5\nmegabytes-per-file = 0\n")
    config, warnings = load_config(tmp_path)
    assert (config.seconds_per_file, config.megabytes_per_file) == (5.5, 768)
    assert warnings == ["pyproject.toml [tool.depmap]: megabytes-per-file must be a positive number, got 0; keeping the default"]


def test_a_configuration_that_links_outside_the_tree_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    write(outside, "pyproject.toml", '[tool.depmap]\nlink_base = "https://example.com/{path}"\n')
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").symlink_to(outside / "pyproject.toml")
    assert load_config(project) == (Config(), ["pyproject.toml: links outside the scanned folder; not read, using default settings"])
    inside = project / "config"
    inside.mkdir()
    write(inside, "depmap.toml", 'dialect = "mysql"\n')
    (project / "pyproject.toml").unlink()
    (project / ".depmap.toml").symlink_to(inside / "depmap.toml")  # a link within the tree is fine
    assert load_config(project) == (Config(dialect="mysql"), [])


@pytest.mark.parametrize("version", ["-1", "latest", "", "16 or 17"])
def test_a_server_version_that_is_no_version_is_ignored(tmp_path: Path, version: str) -> None:
    write(tmp_path, "pyproject.toml", f'[tool.depmap]\nserver_version = "{version}"\n')
    assert load_config(tmp_path) == (
        Config(), [f'pyproject.toml [tool.depmap]: server_version must be a quoted version such as "8.0.32", got {version!r}; ignoring it']
    )
