"""Named cases that fail today, with the defect: their tests are strict xfails, and random trees
(in CI and, unless asked, in benchmarks/fuzz.py) leave them out so that they test the rest.
Delete a line once its defect is fixed: the strict xfail then fails until you do."""

from __future__ import annotations

KNOWN_DEFECTS = {
    "python_deep_brackets": "depmap crashes with SIGSEGV on 1,500+ nested brackets in a Python file",
    "python_rot13_cookie": "a '# coding: rot13' cookie ends in internal error LookupError (not a text encoding)",
    "sql_lone_surrogate": "a lone surrogate escape in a SQL string ends who-reads in internal error UnicodeEncodeError",
    "yaml_invalid_date": "an invalid YAML date (2024-13-01) ends in internal error ValueError",
    "yaml_huge_integer": "a YAML integer over 4,300 digits ends in internal error ValueError (int conversion limit)",
    "yaml_deep_nesting": "YAML nested 500 deep ends in internal error RecursionError",
    "yaml_recursive_alias": "a recursive YAML alias (&r [*r]) ends in internal error ValueError: Circular reference detected",
    "yaml_billion_laughs": "a YAML alias bomb makes the scan run out of time or memory",
    "pyproject_deep_nesting": "pyproject.toml nested 500 deep ends in internal error RecursionError",
    "dbt_config_materialized_ref": "{{ config(materialized=ref) }} ends in internal error TypeError: function is not JSON serializable",
    "dbt_nested_jinja_loops": "nested {% for %} loops in a dbt model are rendered without a bound: 24 GB RSS and the OOM killer without a memory cap",
    "symlink_loop": "a self-referencing file symlink ends in internal error OSError: Too many levels of symbolic links",
}
