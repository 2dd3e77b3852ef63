"""The DDL verify writes from the catalog, and what the engines say when they run it."""

from __future__ import annotations

from depmap.catalog import Catalog, Column, Table
from depmap.schema_objects import FOREIGN_KEY, PRIMARY_KEY, SchemaObject
from depmap.verify.related_tables import related_tables
from depmap.verify.schema_sql import Rejected, apply_schema, schema_statements, views_over

from tests.verify.data_fixtures import any_db, lite_db, pg_db, postgres_server, shop_index  # noqa: F401

ORDERS_POSTGRES = """CREATE TABLE orders (
    id BIGSERIAL NOT NULL,
    customer_id BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    total_cents INT NOT NULL DEFAULT 0,
    currency CHAR(3) NOT NULL DEFAULT 'EUR',
    placed_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ,
    paid_at TIMESTAMPTZ,
    PRIMARY KEY (id),
    FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled'))
)"""

ORDERS_SQLITE = """CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    total_cents INT NOT NULL DEFAULT 0,
    currency CHAR(3) NOT NULL DEFAULT 'EUR',
    placed_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMPTZ,
    paid_at TIMESTAMPTZ,
    FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled'))
)"""

NEIGHBOURHOOD = ["orders", "customers", "order_items", "payments", "shipments"]


def _heads(statements: list[str]) -> list[str]:
    return [s.splitlines()[0] for s in statements]


def test_orders_neighbourhood_is_one_foreign_key_hop_each_way(shop_index):
    assert related_tables(shop_index.catalog, "orders") == NEIGHBOURHOOD
    assert related_tables(shop_index.catalog, "order_items") == ["order_items", "orders", "products"]
    assert views_over(shop_index.catalog, NEIGHBOURHOOD, shop_index.root) == ["order_totals"]


def test_postgres_ddl_for_orders_and_its_neighbours(shop_index):
    plan = schema_statements(shop_index.catalog, NEIGHBOURHOOD + ["order_totals"], "postgres", root=shop_index.root)
    assert _heads(plan.statements) == [
        "CREATE TABLE customers (",
        "CREATE TABLE orders (",
        "CREATE TABLE order_items (",
        "CREATE TABLE payments (",
        "CREATE TABLE shipments (",
        "CREATE INDEX orders_status_idx ON orders (status)",
        "CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at)",
        "CREATE INDEX payments_order_id_idx ON payments (order_id)",
        "CREATE VIEW order_totals AS",
    ]
    assert plan.statements[1] == ORDERS_POSTGRES
    assert "    UNIQUE (provider, provider_ref),\n    FOREIGN KEY (order_id) REFERENCES orders (id)\n)" in plan.statements[3]
    assert "    quantity INT NOT NULL CHECK (quantity > 0)," in plan.statements[2]
    assert plan.notes == ["order_items: foreign key (product_id) to products left out: products is not created"]


def test_sqlite_ddl_numbers_rows_through_integer_primary_keys(shop_index):
    plan = schema_statements(shop_index.catalog, NEIGHBOURHOOD + ["order_totals"], "sqlite", root=shop_index.root)
    assert plan.statements[1] == ORDERS_SQLITE
    assert plan.statements[0].splitlines()[1] == "    id INTEGER PRIMARY KEY,"
    assert plan.statements[-1].splitlines()[:2] == ["CREATE VIEW order_totals AS", "SELECT"]


def test_a_view_without_its_sql_is_left_out_with_a_note(shop_index):
    plan = schema_statements(shop_index.catalog, ["orders", "customers", "order_items", "order_totals"], "postgres")
    assert not any(s.startswith("CREATE VIEW") for s in plan.statements)
    assert "order_totals: view left out: the catalog keeps no SQL for it" in plan.notes


def _catalog(*tables: Table) -> Catalog:
    catalog = Catalog()
    for table in tables:
        catalog.tables[table.name] = table
    return catalog


def _table(name: str, *columns: Column, objects: tuple[SchemaObject, ...] = ()) -> Table:
    table = Table(name, {c.name: c for c in columns})
    for item in objects:
        table.objects.add(item)
    return table


def test_orm_and_unknown_types_are_mapped_or_declared_text_with_a_note():
    table = _table(
        "accounts",
        Column("id", "BigAutoField", False),
        Column("handle", "CharField", False, extra={"size": {"max_length": "40"}}),
        Column("visits", "PositiveIntegerField", False, default="0"),
        Column("active", "BooleanField", False, default="True"),
        Column("plan", "String(length=16)", True, default="'free'"),
        Column("nickname", "citext", True),
        Column("joined_at", "DateTimeField", False, default="timezone.now"),
        objects=(SchemaObject(PRIMARY_KEY, None, ["id"]),),
    )
    plan = schema_statements(_catalog(table), ["accounts"], "postgres")
    assert plan.statements == ["""CREATE TABLE accounts (
    id BIGSERIAL NOT NULL,
    handle VARCHAR(40) NOT NULL,
    visits INT NOT NULL DEFAULT 0 CHECK ("visits" >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    plan VARCHAR(16) DEFAULT 'free',
    nickname TEXT,
    joined_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id)
)"""]
    assert plan.notes == [
        "accounts.nickname: type citext is not built into postgres; declared TEXT",
        "accounts.joined_at: default timezone.now is computed by the application; left out",
    ]


def test_a_default_sqlite_cannot_evaluate_is_left_out_with_the_engines_reason():
    table = _table("tokens", Column("id", "BIGINT", False), Column("token", "UUID", False, default="gen_random_uuid()"))
    plan = schema_statements(_catalog(table), ["tokens"], "sqlite")
    assert plan.statements == ["CREATE TABLE tokens (\n    id BIGINT NOT NULL,\n    token UUID NOT NULL\n)"]
    # SQLite words the reason differently across versions ("no such function: UUID", "unknown function: UUID()")
    [note] = plan.notes
    assert note.startswith("tokens.token: default gen_random_uuid() fails on SQLite (") and note.endswith("); left out")
    assert "function: UUID" in note
    postgres = schema_statements(_catalog(table), ["tokens"], "postgres")
    assert "    token UUID NOT NULL DEFAULT GEN_RANDOM_UUID()" in postgres.statements[0]


def test_a_check_that_does_not_parse_is_left_out_with_a_note():
    table = _table("rates", Column("value", "INT", False, extra={"check": "value >>>> 0 (("}))
    plan = schema_statements(_catalog(table), ["rates"], "postgres")
    assert plan.statements == ["CREATE TABLE rates (\n    value INT NOT NULL\n)"]
    assert plan.notes == ["rates.value: CHECK (value >>>> 0 (() does not parse as postgres SQL; left out"]


def test_a_foreign_key_cycle_is_closed_after_both_tables_exist_on_postgres():
    def key(target: str, column: str) -> SchemaObject:
        return SchemaObject(FOREIGN_KEY, None, [column], references={"table": target, "columns": ["id"]})

    teams = _table("teams", Column("id", "BIGINT", False), Column("captain_id", "BIGINT", True),
                   objects=(SchemaObject(PRIMARY_KEY, None, ["id"]), key("players", "captain_id")))  # fmt: skip
    players = _table("players", Column("id", "BIGINT", False), Column("team_id", "BIGINT", False),
                     objects=(SchemaObject(PRIMARY_KEY, None, ["id"]), key("teams", "team_id")))  # fmt: skip
    plan = schema_statements(_catalog(teams, players), ["teams", "players"], "postgres")
    assert _heads(plan.statements) == [
        "CREATE TABLE players (",
        "CREATE TABLE teams (",
        "ALTER TABLE players ADD FOREIGN KEY (team_id) REFERENCES teams (id)",
    ]
    assert "FOREIGN KEY" not in plan.statements[0]


def test_the_shop_schema_applies_without_a_rejected_statement(shop_index, any_db):
    plan = schema_statements(shop_index.catalog, NEIGHBOURHOOD + ["order_totals"], any_db.engine, root=shop_index.root)
    assert apply_schema(any_db, plan.statements) == []
    connection = any_db.connect()
    try:
        assert connection.execute("SELECT count(*) FROM order_totals").fetchone() == (0,)
        if any_db.engine == "postgres":
            names = connection.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass ORDER BY 1").fetchall()
            assert [n for (n,) in names] == ["orders_customer_id_fkey", "orders_pkey", "orders_status_check"]
    finally:
        connection.close()


def test_a_statement_the_engine_rejects_is_reported_with_its_error_and_the_rest_runs(any_db):
    statements = ["CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
                  "CREATE INDEX tags_name_idx ON tags (nickname)",
                  "CREATE TABLE labels (id INTEGER PRIMARY KEY)"]  # fmt: skip
    rejected = apply_schema(any_db, statements)
    error = 'column "nickname" does not exist' if any_db.engine == "postgres" else "no such column: nickname"
    assert rejected == [Rejected("CREATE INDEX tags_name_idx ON tags (nickname)", error)]
    connection = any_db.connect()
    try:
        assert connection.execute("SELECT count(*) FROM labels").fetchone() == (0,)
    finally:
        connection.close()


def test_a_sole_sqlalchemy_integer_key_is_numbered_by_the_engine_as_sqlalchemy_creates_it():
    key = SchemaObject(PRIMARY_KEY, None, ["id"])
    articles = _table("articles", Column("id", "Integer", False), Column("slug", "Text", False), objects=(key,))
    links = _table("article_tags", Column("article_id", "Integer", False), Column("tag_id", "Integer", False),
                   objects=(SchemaObject(PRIMARY_KEY, None, ["article_id", "tag_id"]),))
    manual = _table("codes", Column("id", "Integer", False, extra={"autoincrement": False}), objects=(key,))
    planned = schema_statements(_catalog(articles, links, manual), ["articles", "article_tags", "codes"], "postgres").statements
    postgres = {statement.split(" (", 1)[0].removeprefix("CREATE TABLE "): statement for statement in planned}
    assert postgres["articles"] == "CREATE TABLE articles (\n    id SERIAL NOT NULL,\n    slug TEXT NOT NULL,\n    PRIMARY KEY (id)\n)"
    # a composite key, and a key the model numbers itself (autoincrement=False), are plain integers
    assert "    article_id INT NOT NULL,\n    tag_id INT NOT NULL," in postgres["article_tags"]
    assert postgres["codes"].startswith("CREATE TABLE codes (\n    id INT NOT NULL,")
    sqlite = schema_statements(_catalog(articles), ["articles"], "sqlite").statements
    assert sqlite[0] == "CREATE TABLE articles (\n    id INTEGER PRIMARY KEY,\n    slug TEXT NOT NULL\n)"
