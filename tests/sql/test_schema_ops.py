"""Schema operations of DDL: one SCHEMA_OP per operation on a table, in the shared vocabulary,
with what the catalog needs (names, columns, uniqueness, partial predicates, references)."""

from __future__ import annotations

from tests.sql.helpers import ops


def test_create_table_declares_column_constraints_and_lists_table_level_items_apart() -> None:
    sql = """
CREATE TABLE orders (
    id bigint,
    customer_id int NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    number text UNIQUE,
    total numeric,
    CONSTRAINT uq_orders_customer_number UNIQUE (customer_id, number),
    CONSTRAINT ck_orders_total CHECK (total >= 0),
    FOREIGN KEY (customer_id) REFERENCES public.customers (id),
    PRIMARY KEY (id)
);
"""
    assert ops(sql) == [
        ("create_table", "orders", ("id", "customer_id", "number", "total"), {"column_constraints": [
            {"column": "id", "primary_key": True},
            {"column": "customer_id", "references": {"table": "customers", "columns": ["id"]}},
            {"column": "number", "unique": True},
        ]}),
        ("add_constraint", "orders", ("customer_id", "number"),
         {"name": "uq_orders_customer_number", "constraint": "unique", "within": "create_table"}),
        ("add_constraint", "orders", ("total",),
         {"name": "ck_orders_total", "constraint": "check", "check": "total >= 0", "within": "create_table"}),
        ("add_constraint", "orders", ("customer_id",),
         {"constraint": "foreign_key", "references": {"table": "customers", "columns": ["id"]}, "within": "create_table"}),
    ]


def test_mysql_keys_inside_create_table() -> None:
    sql = """CREATE TABLE `orders` (
  `id` int NOT NULL AUTO_INCREMENT,
  `status` varchar(20),
  KEY `ix_orders_status` (`status`),
  UNIQUE KEY `uq_orders_id_status` (`id`, `status`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;"""
    assert ops(sql, "mysql") == [
        ("create_table", "orders", ("id", "status"), {"column_constraints": [{"column": "id", "primary_key": True}]}),
        ("create_index", "orders", ("status",), {"name": "ix_orders_status", "within": "create_table"}),
        ("add_constraint", "orders", ("id", "status"), {"name": "uq_orders_id_status", "constraint": "unique", "within": "create_table"}),
    ]


def test_create_index_unique_partial_and_on_expressions() -> None:
    sql = """
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_users_email
    ON public.users USING btree (lower(email), tenant_id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX ON orders (created_at);
"""
    assert ops(sql) == [
        ("create_index", "users", ("email", "tenant_id"),
         {"name": "uq_users_email", "unique": True, "where": "deleted_at IS NULL", "expressions": True, "concurrently": True}),
        ("create_index", "orders", ("created_at",), {}),
    ]


def test_alter_table_actions_each_an_operation() -> None:
    sql = """
ALTER TABLE ONLY orders
    ADD COLUMN coupon_id int UNIQUE REFERENCES coupons (id),
    DROP COLUMN note,
    ALTER COLUMN status SET NOT NULL,
    ALTER COLUMN total TYPE bigint,
    ADD PRIMARY KEY (id),
    DROP CONSTRAINT IF EXISTS orders_legacy_check;
ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders RENAME COLUMN paid TO paid_at;
ALTER TABLE orders RENAME TO sales_orders;
"""
    assert ops(sql) == [
        ("add_column", "orders", ("coupon_id",), {"column_constraints": [
            {"column": "coupon_id", "unique": True, "references": {"table": "coupons", "columns": ["id"]}}]}),
        ("drop_column", "orders", ("note",), {}),
        ("alter_column", "orders", ("status",), {"change": "set not null"}),
        ("alter_column", "orders", ("total",), {"change": "type"}),
        ("add_constraint", "orders", ("id",), {"constraint": "primary_key"}),
        ("drop_constraint", "orders", (), {"name": "orders_legacy_check"}),
        ("add_constraint", "orders", ("customer_id",),
         {"name": "fk_orders_customer", "constraint": "foreign_key", "references": {"table": "customers", "columns": ["id"]},
          "not_valid": True}),
        ("rename_column", "orders", ("paid",), {"new_name": "paid_at"}),
        ("rename_table", "orders", (), {"new_name": "sales_orders"}),
    ]


def test_mysql_alter_table_indexes_and_foreign_keys() -> None:
    sql = "ALTER TABLE orders DROP INDEX ix_status, ADD INDEX ix_status_created (status, created_at), DROP FOREIGN KEY fk_customer, ADD UNIQUE KEY uq_number (number);"
    assert ops(sql, "mysql") == [
        ("drop_index", "orders", (), {"name": "ix_status"}),
        ("create_index", "orders", ("status", "created_at"), {"name": "ix_status_created"}),
        ("drop_constraint", "orders", (), {"name": "fk_customer", "constraint": "foreign_key"}),
        ("add_constraint", "orders", ("number",), {"name": "uq_number", "constraint": "unique"}),
    ]


def test_drops_of_tables_views_indexes_and_triggers() -> None:
    sql = """
DROP TABLE IF EXISTS order_notes, order_tags;
DROP VIEW order_totals;
DROP INDEX CONCURRENTLY IF EXISTS ix_orders_status;
DROP TRIGGER IF EXISTS orders_audit ON orders;
ALTER INDEX ix_orders_created RENAME TO ix_orders_created_at;
"""
    # an index or trigger dropped by name alone has no table yet: the history finds it by name
    assert ops(sql) == [
        ("drop_table", "order_notes", (), {}),
        ("drop_table", "order_tags", (), {}),
        ("drop_view", "order_totals", (), {}),
        ("drop_index", "", (), {"name": "ix_orders_status", "concurrently": True}),
        ("drop_trigger", "orders", (), {"name": "orders_audit"}),
        ("rename_index", "", (), {"name": "ix_orders_created", "new_name": "ix_orders_created_at"}),
    ]
    assert ops("DROP INDEX ix_orders_status ON orders;", "mysql") == [("drop_index", "orders", (), {"name": "ix_orders_status"})]


def test_create_trigger_parsed_and_with_an_unparsed_body() -> None:
    postgres = """
CREATE OR REPLACE TRIGGER orders_audit
    AFTER INSERT OR UPDATE OF status ON public.orders
    FOR EACH ROW EXECUTE FUNCTION audit_orders();
"""
    assert ops(postgres) == [
        (
            "create_trigger",
            "orders",
            (),
            {"name": "orders_audit", "trigger": {"timing": "AFTER", "events": ["INSERT", "UPDATE"], "function": "audit_orders"}},
        ),
    ]
    mysql = """CREATE DEFINER=`app`@`%` TRIGGER orders_before_insert BEFORE INSERT ON `shop`.`orders` FOR EACH ROW
BEGIN
  SET NEW.created_at = NOW();
  INSERT INTO audit_log (table_name) VALUES ('orders');
END;"""
    assert ops(mysql, "mysql") == [
        ("create_trigger", "shop.orders", (), {"name": "orders_before_insert", "trigger": {"timing": "BEFORE", "events": ["INSERT"]}}),
    ]
    sqlite = "CREATE TRIGGER IF NOT EXISTS orders_ai AFTER DELETE ON orders BEGIN DELETE FROM order_lines WHERE order_id = old.id; END;"
    assert ops(sqlite, "sqlite") == [
        ("create_trigger", "orders", (), {"name": "orders_ai", "trigger": {"timing": "AFTER", "events": ["DELETE"]}}),
    ]


def test_a_trigger_whose_statement_does_not_parse_or_follows_others() -> None:
    # MySQL's client delimiter and an IF in the body: the statement does not parse, its trigger is still known
    dumped = """DELIMITER $$
CREATE TRIGGER orders_bu BEFORE UPDATE ON orders FOR EACH ROW
BEGIN
  IF NEW.status <> OLD.status THEN
    INSERT INTO order_audit (order_id, status) VALUES (NEW.id, NEW.status);
  END IF;
END$$
DELIMITER ;
"""
    assert ops(dumped, "mysql") == [
        ("create_trigger", "orders", (), {"name": "orders_bu", "trigger": {"timing": "BEFORE", "events": ["UPDATE"]}}),
    ]
    migration = """ALTER TABLE orders ADD COLUMN updated_at datetime;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.updated_at = NOW();
"""
    assert ops(migration, "mysql") == [
        ("add_column", "orders", ("updated_at",), {}),
        ("create_trigger", "orders", (), {"name": "orders_touch", "trigger": {"timing": "BEFORE", "events": ["UPDATE"]}}),
    ]


def test_comments_and_alters_kept_as_text() -> None:
    sql = """
COMMENT ON TABLE orders IS 'One row per checkout';
COMMENT ON COLUMN public.orders.status IS 'new, paid, shipped';
"""
    assert ops(sql) == [("comment", "orders", (), {}), ("comment", "orders", ("status",), {})]
    # sqlglot keeps these ALTERs as text: the table and the action's first words (the constraint's name
    # for a VALIDATE)
    assert ops("SELECT 1;\nALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer;") == [
        ("alter_table", "orders", (), {"operation": "validate constraint", "name": "fk_orders_customer"}),
    ]


def test_views_and_create_table_as() -> None:
    sql = "CREATE VIEW paid_orders AS SELECT id, total FROM orders WHERE paid; CREATE TABLE orders_copy AS SELECT id FROM orders;"
    assert ops(sql) == [
        ("create_view", "paid_orders", ("id", "total"), {}),
        ("create_table_as", "orders_copy", ("id",), {}),
    ]


def test_lock_words_sqlglot_drops_are_kept_from_the_text() -> None:
    """NOT VALID and CONCURRENTLY decide whether a migration locks a busy table; a named
    constraint takes NOT VALID from its own clause only."""
    sql = """
DROP INDEX CONCURRENTLY IF EXISTS orders_old_idx;
ALTER TABLE orders
    ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID,
    ADD CONSTRAINT orders_total_positive CHECK (total >= 0);
ALTER TABLE orders ADD CONSTRAINT orders_status_known CHECK (status <> '') -- NOT VALID later
;
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_idx;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
"""
    assert ops(sql) == [
        ("drop_index", "", (), {"name": "orders_old_idx", "concurrently": True}),
        ("add_constraint", "orders", ("customer_id",),
         {"name": "orders_customer_fk", "constraint": "foreign_key", "references": {"table": "customers", "columns": ["id"]},
          "not_valid": True}),
        ("add_constraint", "orders", ("total",), {"name": "orders_total_positive", "constraint": "check", "check": "total >= 0"}),
        ("add_constraint", "orders", ("status",), {"name": "orders_status_known", "constraint": "check", "check": "status <> ''"}),
        ("add_constraint", "customers", (), {"name": "customers_email_key", "constraint": "unique", "using_index": "customers_email_idx"}),
        ("alter_table", "orders", (), {"operation": "validate constraint", "name": "orders_customer_fk"}),
    ]
