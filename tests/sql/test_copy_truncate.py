"""COPY (load and unload, with and without a column list) and TRUNCATE.

`COPY t FROM` without columns writes every column by position (the `copy-without-columns`
hazard); `COPY t TO` without columns reads every column like `SELECT *`.
"""

from __future__ import annotations

from .helpers import A, H, R, W, check


def test_copy_from_without_columns_writes_the_whole_table() -> None:
    check("COPY orders FROM '/tmp/o.csv' WITH (FORMAT csv)", [(A, "orders", (), W, "copy", H)], kind="copy")


def test_copy_from_with_columns() -> None:
    check("COPY orders (id, total) FROM STDIN", [(A, "orders", ("id", "total"), W, "copy", H)], kind="copy")


def test_copy_to_without_columns_reads_every_column() -> None:
    check("COPY orders TO STDOUT", [(A, "orders", (), R, "select_star", H)], kind="copy")


def test_copy_to_with_columns() -> None:
    check("COPY public.orders (id, total) TO '/tmp/x.csv'", [(A, "orders", ("id", "total"), R, "copy", H)])


def test_copy_query_to() -> None:
    check(
        "COPY (SELECT o.id, o.total FROM orders o WHERE o.paid) TO STDOUT WITH CSV HEADER",
        [(A, "orders", ("id", "total", "paid"), R, "select", H)],
        kind="copy",
    )


def test_truncate_several_tables() -> None:
    check(
        "TRUNCATE orders, public.payments",
        [(A, "orders", (), W, "truncate", H), (A, "payments", (), W, "truncate", H)],
        kind="truncate",
    )


def test_truncate_table_with_options() -> None:
    check("TRUNCATE TABLE orders RESTART IDENTITY CASCADE", [(A, "orders", (), W, "truncate", H)], kind="truncate")


def test_mysql_load_data_without_columns_writes_the_whole_table() -> None:
    result = check(
        "LOAD DATA LOCAL INFILE '/tmp/stock.csv' REPLACE INTO TABLE stock FIELDS TERMINATED BY ',' IGNORE 1 LINES",
        [(A, "stock", (), W, "copy", H)],
        kind="copy",
        dialect="mysql",
    )
    assert result.observations[0].extra == {"loader": "load_data", "statement": "copy"}


def test_mysql_load_data_columns_skip_user_variables_and_add_set_targets() -> None:
    check(
        """LOAD DATA INFILE %s INTO TABLE `shop`.`Stock` PARTITION (p0)
           FIELDS TERMINATED BY ',' ENCLOSED BY '(' (sku, @skip, `On_Hand`) SET updated_at = NOW()""",
        [(A, "shop.stock", ("sku", "on_hand", "updated_at"), W, "copy", H)],
        kind="copy",
        dialect="mysql",
    )
