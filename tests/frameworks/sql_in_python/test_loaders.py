"""Libraries that load a table by its name: dlt resources, dataset and sqlite-utils tables."""

from __future__ import annotations

import textwrap

from depmap.frameworks.sql_in_python.loaders import LOADERS
from depmap.python.scanner import scan_python
from depmap.scan_context import ScanContext


def rows(path: str, code: str) -> list[tuple]:
    result = scan_python(path, textwrap.dedent(code), ScanContext(), (LOADERS,))
    return sorted((f.location.line, f.table, f.columns, f.access, f.detail, f.confidence) for f in result.facts)


def test_dlt_resources_write_the_table_they_are_named_after() -> None:
    code = '''\
    import dlt
    import pandas as pd


    @dlt.resource(write_disposition="replace")
    def personal_loans():
        yield pd.read_csv("https://example.com/loans.csv")


    @dlt.resource(table_name="zip_codes", primary_key="zip")
    def zips():
        yield from fetch()


    @dlt.transformer(data_from=personal_loans, name="loan_states")
    def states(loans):
        yield loans


    def helper():
        pass


    if __name__ == "__main__":
        pipeline = dlt.pipeline(pipeline_name="loans", destination="snowflake", dataset_name="loans")
        pipeline.run(personal_loans())
        pipeline.run([{"id": 1}], table_name="manual_rows")
    '''
    assert rows("load/loans.py", code) == [
        (6, "loans.personal_loans", (), "write", "dlt_resource", "medium"),  # dataset_name="loans"
        (11, "loans.zip_codes", (), "write", "dlt_resource", "medium"),
        (16, "loans.loan_states", (), "write", "dlt_resource", "medium"),
        (27, "manual_rows", (), "write", "dlt_run", "medium"),
    ]


def test_dataset_and_sqlite_utils_tables_by_name() -> None:
    code = '''\
    import dataset
    import sqlite_utils

    db = dataset.connect("postgresql://localhost/app")
    local = sqlite_utils.Database("cache.db")


    def remember(user):
        db["users"].upsert({"id": user.id, "email": user.email}, ["id"])
        for row in db["users"].find(status="active", order_by="-id"):
            yield row
        local.table("visits").insert({"user_id": user.id, "path": "/"})
        local["visits"].delete_where("user_id = ?", [user.id])
        local.create_table("sessions", {"id": int})


    queues = {"jobs": []}
    queues["jobs"].insert(0, "not a table")  # a dict of lists: insert(index, value)
    '''
    assert rows("app/store.py", code) == [
        (9, "users", ("id", "email"), "write", "upsert", "medium"),
        (10, "users", ("status",), "read", "select", "medium"),
        (12, "visits", ("user_id", "path"), "write", "insert", "medium"),
        (13, "visits", (), "write", "delete", "medium"),
        (14, "sessions", (), "write", "create_table", "medium"),
    ]


def test_files_without_those_libraries_are_not_read() -> None:
    assert rows("app/plain.py", 'queues = {"jobs": []}\nqueues["jobs"].insert(0, "x")\n') == []


def test_composite_types_map_a_whole_row() -> None:
    code = '''\
    from psycopg.types.composite import CompositeInfo, register_composite
    from psycopg2.extras import register_composite as register_composite2


    def setup(conn):
        info = CompositeInfo.fetch(conn, "payments")
        register_composite(info, conn)
        register_composite2("refunds", conn)
    '''
    assert rows("app/db.py", code) == [
        (6, "payments", (), "read", "select_star", "medium"),
        (8, "refunds", (), "read", "select_star", "medium"),
    ]
