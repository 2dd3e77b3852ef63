"""SQL statement rules (positional-insert, insert-select-star, copy-without-columns,
ambiguous-column, natural-join-change): the exact text a reviewer reads, per dialect, and the
check-mode subtleties the case folders cannot show."""

from __future__ import annotations

from pathlib import Path

from depmap.impact.rules import (
    ambiguous_column,
    copy_without_columns,
    insert_select_star,
    natural_join_change,
    positional_insert,
)
from tests.impact.helpers import CASES, context_for, findings_of, write_files

SCHEMA = """
CREATE TABLE coupons (id bigint PRIMARY KEY, discount_code text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, coupon_id bigint, total_cents integer NOT NULL);
CREATE TABLE orders_archive (id bigint PRIMARY KEY, customer_id bigint, coupon_id bigint, total_cents integer);
"""


def at(findings):
    return [(f.location.path, f.location.line, f.severity) for f in findings]


# -- positional-insert -----------------------------------------------------------------------------


def test_positional_insert_mysql_message_and_fix():
    ctx = context_for(CASES / "positional_insert" / "mysql_values_list", "audit_log.request_id", type="varchar(64)",
                      dialect="mysql")
    first = findings_of(positional_insert, ctx)[0]
    assert first.message == (
        "INSERT INTO audit_log without a column list supplies one value per current column; once request_id is "
        "added MySQL rejects every run with: Column count doesn't match value count at row 1."
    )
    assert first.fix == (
        "Name the columns so the statement no longer depends on how many audit_log has: "
        "`INSERT INTO audit_log (id, entity, entity_id, action, logged_at) VALUES (...)`, and deploy that before "
        "adding audit_log.request_id."
    )


def test_positional_insert_postgres_default_is_a_warning_naming_the_default(tmp_path: Path):
    write_files(tmp_path, {
        "schema.sql": SCHEMA,
        "app/jobs.py": '''
            def seed(cur):
                cur.execute("INSERT INTO orders VALUES (1, 2, NULL, 0)")
        ''',
    })
    ctx = context_for(tmp_path, "orders.channel", type="text", not_null=True, default="'web'")
    [finding] = findings_of(positional_insert, ctx)
    assert finding.severity == "warning"
    assert finding.message == (
        "INSERT INTO orders without a column list fills columns by position; PostgreSQL gives the new column "
        "channel its default 'web' without the statement saying so, and the statement breaks the day a column "
        "is added before the last one or its value list grows."
    )


def test_positional_insert_sqlite_counts_columns(tmp_path: Path):
    write_files(tmp_path, {"schema.sql": SCHEMA, "app/jobs.py": 'def seed(cur):\n    cur.execute("INSERT INTO orders VALUES (1, 2, NULL, 0)")\n'})
    ctx = context_for(tmp_path, "orders.channel", type="text", dialect="sqlite")
    [finding] = findings_of(positional_insert, ctx)
    assert finding.message.endswith("SQLite rejects every run with: table orders has 5 columns but 4 values were supplied.")


# -- insert-select-star ----------------------------------------------------------------------------


def test_insert_select_star_source_message_and_fix():
    ctx = context_for(CASES / "insert_select_star" / "archive_source_postgres", "orders.discount_code", type="text")
    finding = next(f for f in findings_of(insert_select_star, ctx) if f.location.path == "shop/jobs/archive.py")
    assert finding.message == (
        "INSERT INTO orders_archive ... SELECT * FROM orders copies orders by position; once it has discount_code, "
        "the star yields one more value per row and every run fails with: INSERT has more expressions than target "
        "columns."
    )
    assert finding.fix == (
        "Name the columns on both sides, so orders_archive keeps receiving exactly what it receives today: "
        "`INSERT INTO orders_archive (id, customer_id, status, total_cents, placed_at) SELECT id, customer_id, "
        "status, total_cents, placed_at FROM orders ...`. Add discount_code to both lists only once orders_archive "
        "has it too."
    )


def test_insert_select_star_source_into_a_wider_target_may_shift_silently(tmp_path: Path):
    write_files(tmp_path, {
        "schema.sql": SCHEMA + "CREATE TABLE orders_history (id bigint, customer_id bigint, coupon_id bigint, "
                               "total_cents integer, archived_at timestamptz DEFAULT now());\n",
        "jobs.sql": "INSERT INTO orders_history SELECT * FROM orders;\n",
    })
    [finding] = findings_of(insert_select_star, context_for(tmp_path, "orders.channel", type="text"))
    assert finding.message.endswith(
        "unless orders_history has a spare column there, which then silently receives channel."
    )


def test_insert_select_star_target_postgres_warning_text():
    ctx = context_for(CASES / "insert_select_star" / "staging_target_postgres", "raw_events.source", type="text")
    [finding] = findings_of(insert_select_star, ctx)
    assert finding.message == (
        "INSERT INTO raw_events SELECT * FROM staging_events fills raw_events by position; the star does not cover "
        "source, which silently gets NULL in every copied row."
    )


def test_insert_select_star_self_copy_is_not_reported(tmp_path: Path):
    write_files(tmp_path, {"schema.sql": SCHEMA, "jobs.sql": "INSERT INTO orders SELECT * FROM orders WHERE id < 0;\n"})
    assert findings_of(insert_select_star, context_for(tmp_path, "orders.channel", type="text", dialect="mysql")) == []


# -- copy-without-columns --------------------------------------------------------------------------


def test_copy_load_and_unload_messages(tmp_path: Path):
    write_files(tmp_path, {
        "schema.sql": SCHEMA,
        "scripts/io.sql": "COPY orders FROM STDIN;\nCOPY orders TO STDOUT;\n",
    })
    load, unload = sorted(findings_of(copy_without_columns, context_for(tmp_path, "orders.channel", type="text")),
                          key=lambda f: f.location.line)
    assert (load.severity, unload.severity) == ("breaking", "warning")
    assert load.message == (
        "This bulk load into orders has no column list, so it expects one field per table column; the files and "
        "rows written for today's table do not carry channel, and every load fails with: missing data for column "
        '"channel".'
    )
    assert load.fix == (
        "Name the columns the file carries, so the load keeps working once orders has channel: "
        "`COPY orders (id, customer_id, coupon_id, total_cents) FROM ...`. Deploy this before adding the column; "
        "add channel to the list when the files start carrying it."
    )
    assert unload.message == (
        "This export of orders has no column list, so its output gains channel; whatever reads the file by "
        "position (a loader, a spreadsheet, a partner's import) sees the columns shift."
    )


def test_load_data_with_a_column_placed_after_another_shifts_fields(tmp_path: Path):
    write_files(tmp_path, {
        "schema.sql": SCHEMA,
        "load.sql": "LOAD DATA INFILE '/tmp/o.csv' INTO TABLE orders FIELDS TERMINATED BY ',';\n",
    })
    ctx = context_for(tmp_path, "orders.channel", type="text", dialect="mysql", position="AFTER customer_id")
    [finding] = findings_of(copy_without_columns, ctx)
    assert finding.message.endswith("with the column placed AFTER customer_id, every field after it lands in the wrong column.")


# -- ambiguous-column ------------------------------------------------------------------------------


def test_ambiguous_column_message_and_fix(tmp_path: Path):
    write_files(tmp_path, {
        "schema.sql": SCHEMA,
        "q.sql": "SELECT o.id, discount_code FROM orders o JOIN coupons c ON c.id = o.coupon_id;\n",
    })
    [finding] = findings_of(ambiguous_column, context_for(tmp_path, "orders.discount_code", type="text", dialect="sqlite"))
    assert finding.message == (
        "This query reads discount_code without a table name while joining orders with coupons; once orders has "
        "discount_code too, the name has two owners and every run fails with: ambiguous column name: discount_code."
    )
    assert finding.fix == (
        "Qualify the column with the table it means today, `coupons.discount_code` (or that table's alias), "
        "everywhere in this query, and deploy that before adding orders.discount_code."
    )


def test_ambiguous_column_in_check_mode(tmp_path: Path):
    """In check mode the migration's column is in the scanned catalog (both tables have the name,
    nothing settles), but not in the catalog before the change: the conflict is still found."""
    write_files(tmp_path, {
        "migrations/0001_initial.sql": SCHEMA,
        "migrations/0002_discount.sql": "ALTER TABLE orders ADD COLUMN discount_code text;\n",
        "q.sql": "SELECT o.id FROM orders o JOIN coupons c ON c.id = o.coupon_id WHERE discount_code = 'X';\n",
    })
    ctx = context_for(tmp_path, "orders.discount_code", type="text", changed_paths=("migrations/0002_discount.sql",))
    assert at(findings_of(ambiguous_column, ctx)) == [("q.sql", 1, "breaking")]


def test_ambiguous_column_needs_the_other_table_to_have_the_name(tmp_path: Path):
    write_files(tmp_path, {
        "schema.sql": SCHEMA,
        "q.sql": "SELECT o.id, promo FROM orders o JOIN unknown_promos p ON p.order_id = o.id;\n",
    })
    assert findings_of(ambiguous_column, context_for(tmp_path, "orders.promo", type="text")) == []


# -- natural-join-change ---------------------------------------------------------------------------


def test_natural_join_change_with_a_default_names_the_value(tmp_path: Path):
    write_files(tmp_path, {
        "schema.sql": SCHEMA + "CREATE TABLE order_flags (id bigint, channel text, flagged boolean);\n",
        "q.sql": "SELECT id, flagged FROM orders NATURAL JOIN order_flags;\n",
    })
    ctx = context_for(tmp_path, "orders.channel", type="text", not_null=True, default="'web'")
    [finding] = findings_of(natural_join_change, ctx)
    assert finding.message == (
        "NATURAL JOIN of orders with order_flags joins on every column name they share; order_flags has channel, "
        "so once orders has it too the join silently adds orders.channel = order_flags.channel. Existing rows get "
        "'web' in orders.channel, so only those whose order_flags.channel is also 'web' still match: the query "
        "returns fewer rows without any error (an outer join returns them without order_flags's columns)."
    )
    assert finding.fix == (
        "Spell the join out so a new column cannot join it: replace `NATURAL JOIN` with `JOIN ... USING (id)` "
        "(or an explicit ON), and deploy that before adding orders.channel."
    )


def test_natural_join_in_the_migration_under_review_after_the_add_column(tmp_path: Path):
    write_files(tmp_path, {
        "migrations/0001_initial.sql": SCHEMA,
        "migrations/0002_discount.sql": (
            "CREATE VIEW before_add AS SELECT * FROM orders NATURAL JOIN coupons;\n"
            "ALTER TABLE orders ADD COLUMN discount_code text;\n"
            "CREATE VIEW after_add AS SELECT * FROM orders NATURAL JOIN coupons;\n"
        ),
    })
    ctx = context_for(tmp_path, "orders.discount_code", type="text", changed_paths=("migrations/0002_discount.sql",))
    assert at(findings_of(natural_join_change, ctx)) == [("migrations/0002_discount.sql", 3, "breaking")]


def test_frame_replaces_table_message_and_fix():
    from depmap.impact.rules import frame_replaces_table, not_null_without_default

    ctx = context_for(CASES / "frame_replaces_table" / "nightly_rebuild", "order_totals.currency", type="text")
    pandas, polars = findings_of(frame_replaces_table, ctx)
    assert pandas.message == (
        '`to_sql("order_totals", ..., if_exists="replace")` at jobs/rebuild_reporting.py:22 drops order_totals and '
        "creates it again from the frame's columns: at its next run currency is gone, with its values, and so are "
        "the table's defaults, constraints and indexes; readers of currency then fail with: column \"currency\" does "
        "not exist."
    )
    assert pandas.fix == (
        "Replace the rows, not the table: in one transaction `DELETE FROM order_totals` (or TRUNCATE), then "
        '`to_sql("order_totals", ..., if_exists="append")`; add currency to the frame once the column exists. '
        "Deploy that before adding the column."
    )
    assert '`write_database("order_totals", ..., if_table_exists="replace")`' in polars.message
    # the same writers in append mode are not-null-without-default's, and only for a NOT NULL column
    strict = context_for(CASES / "frame_replaces_table" / "nightly_rebuild", "order_totals.currency", type="text", not_null=True)
    appends = [f for f in findings_of(not_null_without_default, strict) if f.location.path.startswith("jobs/")]
    assert [(f.location.line, f.confidence) for f in appends] == [(40, "medium")]
    assert appends[0].message.startswith(
        '`to_sql("order_totals", ...)` at jobs/rebuild_reporting.py:40 writes the frame\'s columns by name, and a frame '
        "built for today's table has no currency;"
    )
