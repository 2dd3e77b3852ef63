"""A Jinja SQL template (`*.sql.j2`) is scanned as SQL: its `{% if %}` branches and `{{ holes }}`
neither hide the table it writes nor invent one."""

from __future__ import annotations

from depmap.frameworks.sql_files.scanner import scan_sql_file
from depmap.scan_context import ScanContext

TEMPLATE = """\
{# Loads one batch of users; rendered by jobs/load.py #}
INSERT INTO users (id, email{% if with_name %}, full_name{% endif %})
SELECT id, email{% if with_name %}, full_name{% endif %}
  FROM {{ staging_table }}
 WHERE batch_id = {{ batch_id }}
ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;
"""


def test_template_writes_its_table_at_its_line() -> None:
    facts = scan_sql_file("templates/upsert_users.sql.j2", TEMPLATE, ScanContext()).facts
    assert sorted((f.location.line, f.table, f.columns, f.access) for f in facts if f.kind == "access") == [
        (2, "users", ("id",), "read"),  # ON CONFLICT (id)
        (2, "users", ("id", "email", "full_name"), "write"),
    ]
