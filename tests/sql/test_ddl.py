"""DDL: table and column definitions (what the catalog replays), views, ALTER forms, indexes.

A column definition carries type (as the dialect writes it), nullability (a primary key or
serial is NOT NULL), default, and identity; ALTER forms say which property changed.
"""

from __future__ import annotations

from .helpers import A, CDEF, FLOW, H, R, S, TDEF, check, extra, find

ORDERS_DDL = """
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers(id),
    total numeric(10,2) DEFAULT 0,
    note text NULL,
    status varchar(20) NOT NULL DEFAULT 'new'
)
"""


def test_create_table_columns_types_nullability_defaults() -> None:
    result = check(
        ORDERS_DDL,
        [
            (TDEF, "orders", ("id", "customer_id", "total", "note", "status"), S, "create_table", H),
            (CDEF, "orders", ("id",), S, "create_table", H),
            (CDEF, "orders", ("customer_id",), S, "create_table", H),
            (CDEF, "orders", ("total",), S, "create_table", H),
            (CDEF, "orders", ("note",), S, "create_table", H),
            (CDEF, "orders", ("status",), S, "create_table", H),
        ],
        kind="create_table",
    )
    assert find(result, "orders", kind=TDEF).columns == ("id", "customer_id", "total", "note", "status")
    specs = {o.columns[0]: extra(o) for o in result.observations if o.kind == CDEF}
    assert specs == {
        "id": {"type": "SERIAL", "nullable": False, "default": None, "identity": True, "primary_key": True},
        "customer_id": {"type": "INT", "nullable": False, "default": None, "references": "customers (id)"},
        "total": {"type": "DECIMAL(10, 2)", "nullable": True, "default": "0"},
        "note": {"type": "TEXT", "nullable": True, "default": None},
        "status": {"type": "VARCHAR(20)", "nullable": False, "default": "'new'"},
    }


def test_table_level_primary_key_makes_columns_not_null() -> None:
    result = one_table("CREATE TABLE order_items (order_id int, line int, sku text, PRIMARY KEY (order_id, line))")
    assert result == {
        "order_id": {"type": "INT", "nullable": False, "default": None, "primary_key": True},
        "line": {"type": "INT", "nullable": False, "default": None, "primary_key": True},
        "sku": {"type": "TEXT", "nullable": True, "default": None},
    }


def test_bigserial_is_an_identity_not_null() -> None:
    spec = one_table("CREATE TABLE events (id bigserial, at timestamptz NOT NULL DEFAULT now())")
    assert spec == {
        "id": {"type": "BIGSERIAL", "nullable": False, "default": None, "identity": True},
        "at": {"type": "TIMESTAMPTZ", "nullable": False, "default": "CURRENT_TIMESTAMP"},  # sqlglot spells now()
    }


def test_mysql_auto_increment() -> None:
    spec = one_table("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10) UNIQUE)", "mysql")
    assert spec == {
        "id": {"type": "INT", "nullable": False, "default": None, "identity": True, "primary_key": True},
        "name": {"type": "VARCHAR(10)", "nullable": True, "default": None, "unique": True},
    }


def test_create_temporary_table_is_marked() -> None:
    result = check(
        "CREATE TEMPORARY TABLE scratch (id int)",
        [(TDEF, "scratch", ("id",), S, "create_table", H), (CDEF, "scratch", ("id",), S, "create_table", H)],
    )
    assert extra(find(result, "scratch", kind=TDEF)) == {"temporary": True}


def test_create_table_as() -> None:
    result = check(
        "CREATE TABLE paid AS SELECT id, total AS amount FROM orders WHERE paid",
        [
            (TDEF, "paid", ("id", "amount"), S, "create_table_as", H),
            (CDEF, "paid", ("id",), S, "create_table_as", H),
            (CDEF, "paid", ("amount",), S, "create_table_as", H),
            (A, "orders", ("id", "total", "paid"), R, "select", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", ("id",), None, "column", H),
            (FLOW, "orders", ("total",), None, "column", H),
        ],
        kind="create_table_as",
    )
    assert extra(find(result, "paid", columns=("amount",), kind=CDEF)) == {"type": None, "nullable": None, "default": None}
    assert extra(find(result, "orders", "table", kind=FLOW)) == {"to": "paid"}
    # Lineage by name: the CTAS column `amount` is fed by orders.total.
    assert extra(find(result, "orders", "column", ("total",), kind=FLOW)) == {"to": "paid", "to_column": "amount"}
    assert extra(find(result, "orders", "column", ("id",), kind=FLOW)) == {"to": "paid", "to_column": "id"}


def test_create_view() -> None:
    result = check(
        "CREATE VIEW v_paid AS SELECT o.id, o.total FROM orders o WHERE o.paid",
        [
            (TDEF, "v_paid", ("id", "total"), S, "create_view", H),
            (CDEF, "v_paid", ("id",), S, "create_view", H),
            (CDEF, "v_paid", ("total",), S, "create_view", H),
            (A, "orders", ("id", "total", "paid"), R, "select", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", ("id",), None, "column", H),
            (FLOW, "orders", ("total",), None, "column", H),
        ],
        kind="create_view",
    )
    assert extra(find(result, "v_paid", kind=TDEF)) == {"view": True}


def test_create_view_with_column_names() -> None:
    check(
        "CREATE OR REPLACE VIEW v2 (a, b) AS SELECT id, total FROM orders",
        [
            (TDEF, "v2", ("a", "b"), S, "create_view", H),
            (CDEF, "v2", ("a",), S, "create_view", H),
            (CDEF, "v2", ("b",), S, "create_view", H),
            (A, "orders", ("id", "total"), R, "select", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", ("id",), None, "column", H),
            (FLOW, "orders", ("total",), None, "column", H),
        ],
    )


def test_materialized_view_of_star() -> None:
    result = check(
        "CREATE MATERIALIZED VIEW mv AS SELECT * FROM orders",
        [
            (TDEF, "mv", (), S, "create_view", H),
            (A, "orders", (), R, "select", H),
            (A, "orders", (), R, "select_star", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", (), None, "star", H),
        ],
        kind="create_view",
    )
    assert extra(find(result, "mv", kind=TDEF)) == {"view": True, "materialized": True, "projection": ["orders.*"]}


ALTER = """
ALTER TABLE orders
    ADD COLUMN discount numeric NOT NULL DEFAULT 0,
    DROP COLUMN note,
    ALTER COLUMN total TYPE bigint,
    ALTER COLUMN status SET NOT NULL,
    ALTER COLUMN legacy DROP NOT NULL,
    ALTER COLUMN total SET DEFAULT 1,
    ALTER COLUMN status DROP DEFAULT
"""


def test_alter_table_column_actions() -> None:
    result = check(
        ALTER,
        [
            (CDEF, "orders", ("discount",), S, "add_column", H),
            (CDEF, "orders", ("note",), S, "drop_column", H),
            (CDEF, "orders", ("total",), S, "alter_column", H),
            (CDEF, "orders", ("status",), S, "alter_column", H),
            (CDEF, "orders", ("legacy",), S, "alter_column", H),
            (CDEF, "orders", ("total",), S, "alter_column", H),
            (CDEF, "orders", ("status",), S, "alter_column", H),
        ],
        kind="alter_table",
    )
    changes = [(o.detail, o.columns[0], extra(o)) for o in result.observations if o.kind == CDEF]
    assert changes == [
        ("add_column", "discount", {"type": "DECIMAL", "nullable": False, "default": "0"}),
        ("drop_column", "note", {}),
        ("alter_column", "total", {"type": "BIGINT"}),
        ("alter_column", "status", {"nullable": False}),
        ("alter_column", "legacy", {"nullable": True}),
        ("alter_column", "total", {"default": "1"}),
        ("alter_column", "status", {"drop_default": True}),
    ]


def test_add_column_without_the_column_keyword() -> None:
    result = check(
        "ALTER TABLE public.orders ADD discount_code text",
        [(CDEF, "orders", ("discount_code",), S, "add_column", H)],
    )
    assert extra(result.observations[0]) == {"type": "TEXT", "nullable": True, "default": None}


def test_rename_column() -> None:
    result = check(
        "ALTER TABLE orders RENAME COLUMN total TO amount",
        [(CDEF, "orders", ("total",), S, "rename_column", H)],
        kind="alter_table",
    )
    assert extra(result.observations[0]) == {"new_name": "amount"}


def test_rename_table() -> None:
    result = check("ALTER TABLE orders RENAME TO purchases", [(TDEF, "orders", (), S, "rename_table", H)])
    assert extra(result.observations[0]) == {"new_name": "purchases"}


def test_mysql_modify_column() -> None:
    result = check(
        "ALTER TABLE orders MODIFY COLUMN total DECIMAL(12,2) NOT NULL",
        [(CDEF, "orders", ("total",), S, "modify_column", H)],
        dialect="mysql",
    )
    assert extra(result.observations[0]) == {"type": "DECIMAL(12, 2)", "nullable": False, "default": None}


def test_mysql_change_column_renames_and_redefines() -> None:
    result = check(
        "ALTER TABLE orders CHANGE total amount DECIMAL(12,2) NULL",
        [(CDEF, "orders", ("total",), S, "rename_column", H), (CDEF, "orders", ("amount",), S, "modify_column", H)],
        dialect="mysql",
    )
    assert extra(find(result, "orders", "rename_column")) == {"new_name": "amount"}
    assert extra(find(result, "orders", "modify_column")) == {"type": "DECIMAL(12, 2)", "nullable": True, "default": None}


def test_drop_table() -> None:
    check(
        "DROP TABLE IF EXISTS orders, public.payments CASCADE",
        [(TDEF, "orders", (), S, "drop_table", H), (TDEF, "payments", (), S, "drop_table", H)],
        kind="drop_table",
    )


def test_drop_view() -> None:
    check("DROP VIEW v_paid", [(TDEF, "v_paid", (), S, "drop_view", H)], kind="drop_view")


def test_create_unique_index_on_columns_and_expressions() -> None:
    result = check(
        "CREATE UNIQUE INDEX CONCURRENTLY idx_o ON orders (customer_id, lower(email))",
        [(A, "orders", ("customer_id", "email"), S, "create_index", H)],
        kind="create_index",
    )
    assert extra(result.observations[0]) == {"index": "idx_o", "unique": True}


def test_create_index_without_a_name() -> None:
    result = check(
        "CREATE INDEX ON orders USING btree (created_at DESC)",
        [(A, "orders", ("created_at",), S, "create_index", H)],
    )
    assert extra(result.observations[0]) == {}


def one_table(sql: str, dialect: str = "postgres") -> dict[str, dict]:
    """Column name -> spec of a single CREATE TABLE."""
    from .helpers import one

    result = one(sql, dialect=dialect, kind="create_table")
    return {o.columns[0]: extra(o) for o in result.observations if o.kind == CDEF}
