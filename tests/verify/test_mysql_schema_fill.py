"""The DDL verify writes for MariaDB/MySQL from the catalog, and the rows it loads there."""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.index.build import build_index
from depmap.verify.fill import fill
from depmap.verify.related_tables import related_tables
from depmap.verify.schema_sql import Rejected, apply_schema, schema_statements, statements_from_file

FIXTURE = Path(__file__).parent / "fixtures" / "mysql_shop"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"

MYSQL_SHOP = [
    """CREATE TABLE customers (
    id BIGINT UNSIGNED AUTO_INCREMENT NOT NULL,
    email VARCHAR(191) NOT NULL,
    full_name TEXT NOT NULL,
    country CHAR(2) NOT NULL DEFAULT 'FR',
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (id),
    CONSTRAINT customers_email_key UNIQUE (email)
)""",
    """CREATE TABLE orders (
    id BIGINT UNSIGNED AUTO_INCREMENT NOT NULL,
    customer_id BIGINT UNSIGNED NOT NULL,
    status ENUM('pending', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'pending',
    total_cents INT NOT NULL DEFAULT 0,
    note TEXT,
    is_gift TINYINT(1) NOT NULL DEFAULT 0,
    placed_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT orders_total_check CHECK (total_cents >= 0)
)""",
    "CREATE INDEX orders_placed_at_idx ON orders (placed_at)",
]


@pytest.fixture(scope="module")
def mysql_shop():
    return build_index(FIXTURE)


@pytest.fixture(scope="module")
def shop_index():
    return build_index(SAMPLES / "shop_sql")


def test_mysql_ddl_keeps_the_projects_own_types_keys_and_checks(mysql_shop):
    plan = schema_statements(mysql_shop.catalog, ["orders", "customers"], "mysql", root=mysql_shop.root,
                             dialect=mysql_shop.dialect)
    assert plan.statements == MYSQL_SHOP
    assert plan.notes == ["orders: index orders_note_idx on expressions left out: the catalog keeps its columns only"]


def test_postgres_types_become_mariadb_ones_and_text_keys_get_a_length(shop_index):
    plan = schema_statements(shop_index.catalog, ["customers", "payments"], "mysql", root=shop_index.root)
    customers = plan.statements[0].splitlines()
    assert customers[1:8] == [
        "    id BIGINT AUTO_INCREMENT NOT NULL,",
        "    email VARCHAR(255) NOT NULL,",
        "    full_name TEXT NOT NULL,",
        "    phone TEXT,",
        "    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(),",
        "    marketing_opt_in BOOLEAN NOT NULL DEFAULT FALSE,",
        "    marketing_opt_in_at DATETIME(6),",
    ]
    assert [n for n in plan.notes if "VARCHAR(255)" in n] == [
        "customers.email: TEXT in a key declared VARCHAR(255): InnoDB keys no TEXT/BLOB column without a length",
        "payments.provider: TEXT in a key declared VARCHAR(255): InnoDB keys no TEXT/BLOB column without a length",
        "payments.provider_ref: TEXT in a key declared VARCHAR(255): InnoDB keys no TEXT/BLOB column without a length",
    ]
    indexes = schema_statements(shop_index.catalog, ["orders"], "mysql", root=shop_index.root).statements[1:]
    assert indexes[0] == "CREATE INDEX orders_status_idx ON orders (status(255))"  # a plain index takes a prefix


def test_the_shop_neighbourhood_builds_and_fills_on_mariadb(shop_index, mysql_database):
    tables = related_tables(shop_index.catalog, "orders")
    plan = schema_statements(shop_index.catalog, tables + ["order_totals"], "mysql", root=shop_index.root)
    assert apply_schema(mysql_database, plan.statements) == []
    result = fill(mysql_database, shop_index.catalog, "orders", 20_000, neighbours={t: 2_000 for t in tables if t != "orders"})
    assert (result.rows, result.failed) == ({"customers": 2000, "orders": 20000, "order_items": 2000, "payments": 2000,
                                             "shipments": 2000}, {})
    with mysql_database.connect() as conn:
        statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM orders")}
        orphans = conn.execute("SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
                               "WHERE c.id IS NULL").fetchone()[0]
        nulls = conn.execute("SELECT COUNT(*) - COUNT(updated_at) FROM orders").fetchone()[0]
        view = conn.execute("SELECT COUNT(*) FROM order_totals").fetchone()[0]
    assert statuses == {"pending", "paid", "shipped", "delivered", "cancelled"}  # the CHECK's values
    assert (orphans, nulls, view) == (0, 2000, 20000)  # every key has its parent; 10 % NULL


def test_the_mysql_fixture_fills_its_enum_boolean_and_check_and_a_seed_repeats_the_load(mysql_shop, mysql_database):
    plan = schema_statements(mysql_shop.catalog, ["orders", "customers"], "mysql", root=mysql_shop.root, dialect="mysql")
    apply_schema(mysql_database, plan.statements)
    result = fill(mysql_database, mysql_shop.catalog, "orders", 5_000, seed=7)
    assert (result.rows, result.failed) == ({"customers": 500, "orders": 5000}, {})
    with mysql_database.connect(autocommit=True) as conn:
        shape = conn.execute("SELECT COUNT(DISTINCT status), MIN(is_gift), MAX(is_gift), MIN(total_cents) >= 0, "
                             "COUNT(*) - COUNT(note) FROM orders").fetchone()
        first = conn.execute("CHECKSUM TABLE orders").fetchone()[1]
        conn.execute("DELETE FROM orders")
    assert shape == (4, 0, 1, 1, 500)
    again = fill(mysql_database, mysql_shop.catalog, "orders", 5_000, seed=7)
    with mysql_database.connect() as conn:
        assert again.failed == {} and conn.execute("CHECKSUM TABLE orders").fetchone()[1] == first


def test_a_statement_mariadb_refuses_is_listed_not_fatal(mysql_database):
    rejected = apply_schema(mysql_database, [
        "CREATE TABLE customers (id BIGINT PRIMARY KEY)",
        "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT, UNIQUE KEY (body(10)), KEY (missing))",
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT REFERENCES customers (id))",
    ])
    assert rejected == [Rejected("CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT, UNIQUE KEY (body(10)), KEY (missing))",
                                 "Key column 'missing' doesn't exist in table")]
    with mysql_database.connect() as conn:
        tables = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                              "ORDER BY 1").fetchall()
    assert tables == (("customers",), ("orders",))


MYSQLDUMP = """-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `orders`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE `orders` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `note` varchar(40) DEFAULT 'a;b',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
/*!40101 SET character_set_client = @saved_cs_client */;
"""


def test_a_mysqldump_without_data_is_a_schema_file(tmp_path, mysql_database):
    dump = tmp_path / "schema.sql"
    dump.write_text(MYSQLDUMP, encoding="utf-8")
    statements = statements_from_file(dump, "mysql")
    assert statements == ["DROP TABLE IF EXISTS `orders`",
                          "CREATE TABLE `orders` (\n  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n  `note` varchar(40) "
                          "DEFAULT 'a;b',\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"]
    assert apply_schema(mysql_database, statements) == []
    assert fill(mysql_database, None, "orders", 1000).rows == {"orders": 1000}
