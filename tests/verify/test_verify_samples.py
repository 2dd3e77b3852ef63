"""`depmap verify` of each bundled sample's headline proposal, on PostgreSQL and on SQLite.

Each sample speaks another way to its database: Django's ORM, SQLAlchemy with a second schema,
SQL files and a view that freezes its columns, a NATURAL JOIN. What the engine observed is
asserted site by site."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import REPO
from tests.impact.helpers import write_files
from tests.schemas.validation import problems
from tests.verify.test_verify_cli import run

SAMPLES = REPO / "samples"


def verify(sample: Path, *args: str) -> dict:
    done = run(*args, "--rows", "3000", "--format", "json", cwd=sample)
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    assert problems("verify", document) == []  # the JSON contract (depmap/schemas/verify.schema.json)
    return document


def verdicts(document: dict) -> list[tuple]:
    return [(v["rule"], v["path"], v["line"], v["status"]) for v in document["verdicts"]]


def test_a_django_create_fails_at_its_site_through_the_orm_insert(postgres) -> None:
    document = verify(SAMPLES / "django_shop", "sales_order.gift_message", "--type", "text", "--not-null")
    assert verdicts(document) == [
        ("not-null-without-default", None, None, "confirmed"),
        ("not-null-without-default", "orders/services.py", 39, "confirmed"),
        ("exposes-all-fields", "orders/admin.py", 12, "not testable here"),
        ("exposes-all-fields", "orders/serializers.py", 15, "not testable here"),
    ]
    create = next(s for s in document["statements"] if s["orm"])
    assert (create["path"], create["line"], create["status"], create["before"], create["after"]) == (
        "orders/services.py", 39, "fails after the change", None,
        'null value in column "gift_message" of relation "sales_order" violates not-null constraint')
    # the ORM's INSERT names every column the model maps but the automatic key, and not the new one
    assert create["statement"].startswith("INSERT INTO \"sales_order\" (\"created_at\", \"updated_at\", \"number\", ")
    assert '"id"' not in create["statement"].split("VALUES")[0] and "gift_message" not in create["statement"]


def test_a_sqlalchemy_session_add_fails_and_a_second_schema_is_built(postgres) -> None:
    document = verify(SAMPLES / "sqlalchemy_service", "accounts.vat_number", "--type", "text", "--not-null")
    assert verdicts(document) == [
        ("not-null-without-default", None, None, "confirmed"),
        ("not-null-without-default", "billing/repositories.py", 44, "confirmed"),
    ]
    assert document["rows"] == {"accounts": 3000, "account_notes": 300, "billing.invoices": 300}
    statuses = {(s["path"], s["line"], s["orm"]): s["status"] for s in document["statements"]}
    assert statuses == {
        ("billing/repositories.py", 44, True): "fails after the change",  # session.add(account)
        ("billing/repositories.py", 200, False): "unaffected",  # joins billing.invoices, built in its own schema
    }


def test_a_view_over_star_keeps_its_columns_on_postgres_only(postgres, sqlite_db) -> None:
    on_postgres = verify(SAMPLES / "warehouse", "customers.loyalty_tier", "--type", "text")
    frozen = next(v for v in on_postgres["verdicts"] if v["rule"] == "view-star-frozen")
    assert (frozen["path"], frozen["line"], frozen["status"], frozen["observed"]) == (
        "airflow/sql/reporting_views.sql", 6, "confirmed",
        "after the change it runs, but the view kept its 10 columns while its query now returns 11: "
        "loyalty_tier is not in the view until it is created again")
    assert on_postgres["proposal"]["rewrote"] is False and on_postgres["proposal"]["error"] is None
    assert "customers: no key declared where depmap reads; id taken as its primary key" in on_postgres["schema"]["notes"]
    # SQLite expands a view's * each time it is read: no frozen view, and the static verdict for SQLite says so
    on_sqlite = verify(SAMPLES / "warehouse", "customers.loyalty_tier", "--type", "text", "--engine", "sqlite")
    assert "view-star-frozen" not in [v["rule"] for v in on_sqlite["verdicts"]]
    view = next(s for s in on_sqlite["statements"] if s["path"] == "airflow/sql/reporting_views.sql")
    assert (view["line"], view["status"]) == (6, "unaffected")


def test_the_shop_on_sqlite_reads_postgres_sql_and_sees_star_readers_grow(sqlite_db) -> None:
    document = verify(SAMPLES / "shop_sql", "orders.discount_code", "--type", "text", "--not-null", "--engine", "sqlite")
    assert document["engine"].startswith("SQLite ")
    assert document["proposal"]["error"] == "Cannot add a NOT NULL column with default value NULL"
    found = {(v["rule"], v["path"], v["line"]): (v["status"], v["observed"]) for v in document["verdicts"]}
    star = found[("select-star", "shop/repositories/orders.py", 81)]
    assert star == ("confirmed", "after the change it runs, but returns 10 columns instead of 9 (adds discount_code at "
                                 "the end, so code that unpacks by position gets one value more)")
    insert = found[("not-null-without-default", "shop/repositories/orders.py", 52)]
    assert insert[0] == "not reproduced" and insert[1].startswith("SQLite adds a NOT NULL column only with a default")
    # PostgreSQL's now() and ILIKE reach SQLite as CURRENT_TIMESTAMP and LIKE: these statements run before the change
    statuses = {(s["path"], s["line"]): s["status"] for s in document["statements"]}
    assert statuses[("shop/repositories/orders.py", 51)] == "unaffected"
    assert statuses[("shop/repositories/customers.py", 79)] == "unaffected"


CATALOG = {
    "pyproject.toml": "[tool.depmap]\ndialect = \"postgres\"\n",
    "migrations/0001_catalog.sql": """\
        CREATE TABLE products (
            product_id bigint PRIMARY KEY,
            name text NOT NULL,
            price_cents integer NOT NULL
        );
        CREATE TABLE order_items (
            id bigserial PRIMARY KEY,
            order_id bigint NOT NULL,
            product_id bigint NOT NULL REFERENCES products (product_id),
            quantity integer NOT NULL
        );
    """,
    "shop/lines.py": '''\
        PICK_LIST = """
            SELECT name, quantity
            FROM order_items NATURAL JOIN products
            ORDER BY name
        """


        def pick_list(cur):
            cur.execute(PICK_LIST)
            return cur.fetchall()


        def line_totals(cur, order_id):
            cur.execute(
                "SELECT i.quantity * p.price_cents FROM order_items i JOIN products p USING (product_id) WHERE i.order_id = %s",
                (order_id,),
            )
            return cur.fetchall()
    ''',
}


def test_a_natural_join_that_gains_a_column_returns_no_rows(postgres, tmp_path: Path) -> None:
    root = write_files(tmp_path, CATALOG)
    document = verify(root, "order_items.name", "--type", "text")
    natural = next(v for v in document["verdicts"] if v["rule"] == "natural-join-change")
    assert (natural["path"], natural["line"], natural["status"]) == ("shop/lines.py", 3, "confirmed")
    assert natural["observed"] == "after the change it runs, but returns 0 rows instead of 3,000"
    statuses = {(s["path"], s["line"]): (s["status"], s["changed"]) for s in document["statements"]}
    assert statuses[("shop/lines.py", 15)] == ("unaffected", None)  # USING names its column: no change


BLOG = {
    "pyproject.toml": "[tool.depmap]\ndialect = \"postgres\"\n",
    "db/schema.sql": """\
        CREATE TABLE users (id bigserial PRIMARY KEY, username text NOT NULL UNIQUE);
        CREATE TABLE articles (id bigserial PRIMARY KEY, slug text NOT NULL UNIQUE, title text NOT NULL);
        CREATE TABLE favorites (
            user_id bigint NOT NULL REFERENCES users (id),
            article_id bigint NOT NULL REFERENCES articles (id),
            PRIMARY KEY (user_id, article_id)
        );
        CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;
        CREATE TRIGGER articles_touch BEFORE UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION touch();
    """,
    "blog/favorites.py": '''\
        def favorite(cur, username, slug):
            cur.execute(
                """
                INSERT INTO favorites (user_id, article_id)
                VALUES ((SELECT id FROM users WHERE username = %s), (SELECT id FROM articles WHERE slug = %s))
                """,
                (username, slug),
            )


        def titles(cur):
            cur.execute("SELECT title FROM articles ORDER BY title")
            return cur.fetchall()
    ''',
    "tests/test_articles.py": '''\
        def test_titles(cur):
            cur.execute("SELECT * FROM articles")
            assert cur.fetchall() == []
    ''',
}


def test_only_the_applications_own_statements_are_rerun_each_on_both_sides(postgres, tmp_path: Path) -> None:
    document = verify(write_files(tmp_path, BLOG), "articles.subtitle", "--type", "text")
    statuses = {(s["path"], s["line"]): (s["status"], s["before"] or s["after"]) for s in document["statements"]}
    assert statuses == {
        # the subqueries find no user named 'x': the INSERT fails for its values, before the change as after
        ("blog/favorites.py", 3): (
            "fails before the change", 'null value in column "user_id" of relation "favorites" violates not-null constraint'),
        ("blog/favorites.py", 12): ("unaffected", None),
    }  # the trigger in db/schema.sql is schema, not a statement; tests/ is left out like check's verdicts


def test_a_table_depmap_read_no_definition_of_is_one_line(postgres, tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "pyproject.toml": "[tool.depmap]\ndialect = \"postgres\"\n",
        "app/report.py": 'def rows(cur):\n    cur.execute("SELECT id, total FROM ledger")\n    return cur.fetchall()\n',
    })
    done = run("ledger.memo", "--type", "text", "--rows", "100", cwd=root)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "depmap: cannot build ledger: depmap read no definition of it (no CREATE TABLE, model or migration); "
        "give its DDL with --schema-sql FILE (e.g. pg_dump --schema-only)")


EPOCHS = {
    "pyproject.toml": "[tool.depmap]\ndialect = \"postgres\"\n",
    "storage/schema.sql": """\
        CREATE OR REPLACE FUNCTION as_epoch(ts TIMESTAMP) RETURNS BIGINT AS $$
        BEGIN
            RETURN (EXTRACT(EPOCH FROM ts) * 1000)::BIGINT;
        END;
        $$ LANGUAGE plpgsql IMMUTABLE;

        CREATE TABLE objects (
            id TEXT NOT NULL PRIMARY KEY,
            last_modified TIMESTAMP NOT NULL,
            data JSONB NOT NULL DEFAULT '{}'::JSONB
        );
    """,
    "storage/queries.py": '''\
        def newest(cur):
            cur.execute("SELECT id, as_epoch(last_modified) FROM objects ORDER BY last_modified DESC LIMIT 10")
            return cur.fetchall()


        def put(cur, object_id):
            cur.execute("INSERT INTO objects (id, last_modified) VALUES (%s, now())", (object_id,))
    ''',
}


def test_the_projects_own_functions_are_created_for_the_statements_that_call_them(postgres, tmp_path: Path) -> None:
    document = verify(write_files(tmp_path, EPOCHS), "objects.owner_id", "--type", "text", "--not-null")
    statuses = {(s["path"], s["line"]): (s["status"], s["after"]) for s in document["statements"]}
    assert statuses == {
        ("storage/queries.py", 2): ("unaffected", None),  # as_epoch() exists: created from storage/schema.sql
        ("storage/queries.py", 7): (
            "fails after the change", 'null value in column "owner_id" of relation "objects" violates not-null constraint'),
    }
    assert document["schema"]["rejected"] == []


def test_a_sql_migrations_own_add_column_is_what_runs(postgres, tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "pyproject.toml": "[tool.depmap]\ndialect = \"postgres\"\n",
        "migrations/0001_orders.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, total_cents integer NOT NULL);\n",
        "migrations/0002_tax.sql": (
            "ALTER TABLE orders ADD COLUMN total_with_tax numeric GENERATED ALWAYS AS (total_cents * 1.2) STORED;\n"
            "ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text COLLATE \"C\" DEFAULT 'none';\n"
        ),
    })
    done = run("--migration", "migrations/0002_tax.sql", "--rows", "3000", "--format", "json", cwd=root)
    document = json.loads(done.stdout)
    assert problems("verify", document) == []
    proposals = {c["target"]: c["proposal"] for c in document["columns"]}
    generated = proposals["orders.total_with_tax"]  # the expression a spec cannot carry, run as the file writes it
    assert (generated["statement"], generated["error"], generated["rewrote"]) == (
        "ALTER TABLE orders ADD COLUMN total_with_tax numeric GENERATED ALWAYS AS (total_cents * 1.2) STORED", None, True)
    note = proposals["orders.note"]
    assert (note["statement"], note["error"], note["rewrote"]) == (
        "ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text COLLATE \"C\" DEFAULT 'none'", None, False)
    rewrite = next(v for c in document["columns"] if c["target"] == "orders.total_with_tax" for v in c["verdicts"]
                   if v["rule"] == "table-rewrite")
    assert rewrite["status"] == "confirmed"
