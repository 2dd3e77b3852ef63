"""Templates whose holes stand for whole clauses (`WHERE {filters} {conditions} {sorting}`) still
give their tables: a hole where a condition starts is TRUE, one after a complete expression is
dropped, value holes stay values."""

from __future__ import annotations

from depmap.sql import analyze_sql

DELETE_ALL = """\
WITH matching_objects AS (
    SELECT id, parent_id, resource_name
        FROM objects
        WHERE {parent_id_filter}
              {resource_name_filter}
              AND NOT deleted
              {conditions_filter}
              {pagination_rules}
        {sorting}
        LIMIT :pagination_limit
        FOR UPDATE
)
DELETE
FROM objects
USING matching_objects
WHERE objects.id = matching_objects.id
RETURNING objects.id;
"""

LIST_ALL = """\
SELECT id, data
  FROM objects
 WHERE {parent_id_filter}
   AND resource_name = :resource_name
   {conditions_deleted}
   {conditions_filter}
   {sorting}
 LIMIT :pagination_limit;
"""


def usages(sql: str) -> list[tuple]:
    return sorted((o.line, o.table, o.access, tuple(sorted(o.columns))) for r in analyze_sql(sql) for o in r.observations if o.kind == "access")


def test_clause_holes_in_a_cte_and_its_delete() -> None:
    assert [r.kind for r in analyze_sql(DELETE_ALL)] == ["delete"]
    assert usages(DELETE_ALL) == [
        (3, "objects", "read", ("deleted", "id", "parent_id", "resource_name")),
        (3, "objects", "read", ("id",)),  # the DELETE's USING join and RETURNING
        (14, "objects", "write", ()),  # FROM objects, the line after DELETE
    ]


def test_consecutive_clause_holes_after_a_value_hole() -> None:
    assert usages(LIST_ALL) == [(2, "objects", "read", ("data", "id", "resource_name"))]


def test_a_table_whose_schema_is_a_hole_is_still_that_table() -> None:
    """`f"ALTER TABLE {dataset}.personal_loans ..."`: the schema is unknown, the table is not."""
    assert usages("SELECT id FROM {schema}.orders;") == [(1, "orders", "read", ("id",))]
    assert usages("SELECT * FROM {schema}.{table};") == []  # nothing known: nothing guessed
