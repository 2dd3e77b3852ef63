"""The bundled sample through the real console script: exact files, lines, symbols and details."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from tests.e2e.conftest import SAMPLE

PATH = ["--path", str(SAMPLE)]


def usages(document: dict) -> list[tuple]:
    return [(u["path"], u["line"], u["symbol"], u["access"], u["detail"], u["confidence"]) for u in document["usages"]]


def test_who_reads_a_column(depmap):
    run = depmap("who-reads", "orders.status", *PATH, "--format", "json")
    assert run.code == 0, run.err
    document = run.json()
    assert document["schema_version"] == 2
    assert document["query"] == {"table": "orders", "column": "status"}
    assert document["findings"] == []
    assert usages(document) == [
        ("migrations/0005_inventory_cleanup.sql", 13, None, "read", "select_star", "high"),
        ("shop/reports/queries/monthly_revenue.sql", 10, None, "read", "select", "high"),
        ("shop/reports/sales.py", 18, "shop.reports.sales.TOP_CUSTOMERS_BY_MONTH", "read", "select", "high"),
        ("shop/reports/sales.py", 98, "shop.reports.sales.orders_frame", "read", "select_star", "high"),
        ("shop/repositories/customers.py", 82, "shop.repositories.customers.with_open_orders", "read", "select", "high"),
        ("shop/repositories/orders.py", 23, "shop.repositories.orders.ORDERS_BY_STATUS", "read", "select", "high"),
        ("shop/repositories/orders.py", 81, "shop.repositories.orders.OrderRepository.get_header", "read", "select_star", "high"),
        ("shop/repositories/orders.py", 102, "shop.repositories.orders.OrderRepository.search", "read", "select", "high"),
        ("shop/repositories/orders.py", 128, "shop.repositories.orders.OrderRepository.history", "read", "select", "high"),
        ("shop/repositories/orders.py", 150, "shop.repositories.orders.mark_captured_as_paid", "read", "update", "high"),
        ("shop/repositories/orders.py", 169, "shop.repositories.orders.cancel_stale", "read", "update", "high"),
        ("shop/repositories/orders.py", 182, "shop.repositories.orders.purge_cancelled_items", "read", "delete", "high"),
    ]
    by_line = {(u["path"], u["line"]): u for u in document["usages"]}
    # The unqualified `status` in a customers/orders join was settled by the catalog.
    assert by_line[("shop/repositories/customers.py", 82)]["notes"]["attributed_by"] == "catalog"
    # Each usage keeps its statement's span, and where each column is first named.
    assert by_line[("shop/repositories/customers.py", 82)]["statement"] == {"line": 80, "end_line": 84}
    assert by_line[("shop/repositories/customers.py", 82)]["column_lines"] == {"status": 80}
    # A module constant records where it is executed.
    assert by_line[("shop/repositories/orders.py", 23)]["notes"]["executed_in"] == ["shop.repositories.orders.list_by_status"]
    assert by_line[("shop/repositories/orders.py", 23)]["statement"] == {"line": 22, "end_line": 26}
    assert by_line[("shop/reports/sales.py", 98)]["snippet"].startswith("SELECT * FROM orders WHERE placed_at >= %(start)s")


def test_who_writes_a_column(depmap):
    run = depmap("who-writes", "orders.status", *PATH, "--format", "json")
    assert run.code == 0, run.err
    assert [(u["path"], u["line"], u["end_line"], u["columns"], u["detail"]) for u in run.json()["usages"]] == [
        ("shop/repositories/orders.py", 52, 54, ["customer_id", "status", "total_cents", "currency", "placed_at"], "insert"),
        ("shop/repositories/orders.py", 60, 60, ["status", "updated_at"], "update"),
        ("shop/repositories/orders.py", 150, 155, ["status", "paid_at", "updated_at"], "update"),
        ("shop/repositories/orders.py", 169, 170, ["status", "updated_at"], "update"),
    ]


def test_positional_insert_writes_every_column(depmap):
    run = depmap("who-writes", "audit_log.action", *PATH, "--format", "json")
    assert usages(run.json()) == [
        ("shop/repositories/payments.py", 72, "shop.repositories.payments.audit", "write", "positional_insert", "high"),
        # `payments.audit(conn, ...)`: the repository module's function runs that INSERT
        ("shop/services/checkout.py", 64, "shop.services.checkout.checkout", "write", "positional_insert", "high"),
    ]
    direct = depmap("who-writes", "audit_log.action", *PATH, "--format", "json", "--direct")
    assert usages(direct.json()) == usages(run.json())[:1]  # the statement itself, not the call
    through = run.json()["usages"][1]["notes"]
    assert through == {"inferred_from": "function shop.repositories.payments.audit", "code": "shop/repositories/payments.py"}


def test_who_writes_a_table_as_text(depmap):
    run = depmap("who-writes", "products", *PATH)
    assert run.code == 0, run.err
    lines = [line.rstrip() for line in run.out.splitlines()]
    assert lines[0] == "Code that writes products: 4 usages in 2 files (3 name it, 1 through a call)"
    assert lines[2] == "shop/repositories/products.py"
    rows = [line.split()[:3 + 2 * ("via" in line)] for line in lines[3:] if line.strip()]
    assert rows == [
        ["49", "write", "update"],
        ["65", "write", "insert"],
        ["78", "write", "copy"],
        ["shop/services/checkout.py"],
        ["60", "write", "update", "via", "reserve_stock()"],  # products.reserve_stock(conn, ...): its UPDATE
        ["Not", "analysed", "(2):"],
        ["shop/broken_sql.py:", "line", "12:"],
        ["shop/legacy/export_py2.py:", "Python", "syntax"],
        ["5", "more", "lines"],  # that name the table and that no usage explains
    ]


def test_bad_input_in_the_sample_is_reported_not_fatal(depmap):
    run = depmap("scan", str(SAMPLE), "--format", "json")
    assert run.code == 0, run.err
    summary = run.json()
    assert summary["files_scanned"] == 19
    assert [s["path"] for s in summary["skipped"]] == ["shop/legacy/export_py2.py"]
    assert "Python 2 syntax?" in summary["skipped"][0]["reason"]
    assert summary["unparsed_statements"] == 1
    # The gitignored dump folder is never read.
    everything = depmap("who-writes", "customers", *PATH, "--format", "json").json()
    assert not [u for u in everything["usages"] if u["path"].startswith("dumps/")]
    assert {"path": "shop/broken_sql.py", "reason": "line 12: SQL not parsed: Invalid expression / Unexpected token near 'orders'"} in everything["skipped"]


def test_tables_replays_the_migrations(depmap):
    run = depmap("tables", str(SAMPLE), "--format", "json")
    assert run.code == 0, run.err
    tables = {t["name"]: t for t in run.json()["tables"]}
    assert sorted(tables) == ["audit_log", "customers", "order_items", "order_totals", "orders", "payments", "products", "shipments"]
    orders = [(c["name"], c["type"], c["nullable"], c["default"]) for c in tables["orders"]["columns"]]
    assert orders == [
        ("id", "BIGSERIAL", False, None),
        ("customer_id", "BIGINT", False, None),
        ("status", "TEXT", False, "'pending'"),
        ("total_cents", "INT", False, "0"),
        ("currency", "CHAR(3)", False, "'EUR'"),
        ("placed_at", "TIMESTAMPTZ", False, None),
        ("created_at", "TIMESTAMPTZ", False, "CURRENT_TIMESTAMP"),
        ("updated_at", "TIMESTAMPTZ", True, None),
        ("paid_at", "TIMESTAMPTZ", True, None),
    ]
    placed_at = next(c for c in tables["orders"]["columns"] if c["name"] == "placed_at")
    assert [(d["path"], d["line"]) for d in placed_at["defined_at"]] == [
        ("migrations/0001_initial.sql", 30),  # its own line inside CREATE TABLE
        ("migrations/0003_order_status_index.sql", 11),
    ]
    products = [c["name"] for c in tables["products"]["columns"]]
    assert "stock_on_hand" in products and "stock" not in products and "legacy_code" not in products
    assert tables["order_totals"]["view"] is True


def test_unknown_table_suggests_close_names(depmap):
    run = depmap("who-reads", "ordres.status", *PATH)
    assert run.code == 2
    assert run.out == ""
    assert run.err.strip() == (
        "depmap: unknown table 'ordres'; did you mean orders? "
        "(8 tables known; `depmap tables` lists them)"
    )


def test_unknown_column_of_a_known_table(depmap):
    run = depmap("who-reads", "orders.stauts", *PATH)
    assert run.code == 2
    assert run.err.strip() == "depmap: table 'orders' has no column 'stauts'; did you mean status?"


def test_malformed_target_missing_path_and_bad_dialect(depmap):
    malformed = depmap("who-reads", "orders.", *PATH)
    assert (malformed.code, malformed.err.strip()) == (
        2,
        "depmap: malformed target 'orders.'; write TABLE[.COLUMN] or Model[.field], e.g. orders.status",
    )
    missing = depmap("who-reads", "orders", "--path", "no/such/dir")
    assert (missing.code, missing.err.strip()) == (
        2,
        "depmap: path 'no/such/dir' does not exist; pass the folder of the project to scan",
    )
    dialect = depmap("who-reads", "orders", *PATH, "--dialect", "postgress")
    assert dialect.code == 2 and dialect.err.startswith("depmap: unknown dialect 'postgress'; use one of:")


def test_graph_exports(depmap):
    as_json = depmap("graph", *PATH, "--format", "json").json()
    edges = {(e["source"], e["target"], e["kind"], e.get("line")) for e in as_json["edges"]}
    assert ("code:shop/repositories/payments.py::shop.repositories.payments.audit", "table:audit_log", "writes", 72) in edges
    assert ("table:orders", "table:order_totals", "flows_to", 8) in edges
    graphml = ElementTree.fromstring(depmap("graph", *PATH, "--format", "graphml").out)
    assert graphml.tag.endswith("graphml")
    dot = depmap("graph", *PATH, "--format", "dot").out
    assert dot.startswith("digraph depmap {")
    assert '"table:orders" -> "table:order_totals" [label="flows_to", style=dashed];' in dot


def test_python_dash_m_and_version(depmap):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "depmap", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.strip() == "depmap, version 0.1.0"


def test_downstream_through_a_star_view(depmap):
    run = depmap("downstream", "orders.status", *PATH, "--format", "json")
    assert run.code == 0, run.err
    assert [(d["table"], d["column"], d["depth"], d["from"], d["kind"], d["path"], d["line"]) for d in run.json()["downstream"]] == [
        ("order_totals", "status", 1, {"table": "orders", "column": "status"}, "star", "migrations/0005_inventory_cleanup.sql", 8),
    ]
    text = depmap("downstream", "orders.status", *PATH)
    assert text.out.splitlines()[0] == "Downstream of orders.status: 1 relation reached"
    assert text.out.splitlines()[2].split() == ["order_totals.status", "<-", "orders.status", "via", "*", "migrations/0005_inventory_cleanup.sql:8"]


def test_graph_of_one_table(depmap):
    whole = depmap("graph", *PATH, "--format", "json").json()
    focused = depmap("graph", "orders", *PATH, "--format", "json").json()
    assert focused["focus"] == {"table": "orders", "column": None, "depth": 1}
    assert [n["name"] for n in focused["nodes"] if n["kind"] == "table"] == ["order_totals", "orders"]  # and the view over it
    ids = {n["id"] for n in focused["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in focused["edges"])
    # every reader, writer and definition of orders, as the whole graph has them
    into_orders = [e for e in whole["edges"] if e["target"] == "table:orders" or e["target"].startswith("column:orders.")]
    assert [e for e in focused["edges"] if e in into_orders] == into_orders
    wider = depmap("graph", "orders", "--depth", "2", *PATH, "--format", "json").json()
    assert [n["name"] for n in wider["nodes"] if n["kind"] == "table"] == [
        "customers", "order_items", "order_totals", "orders", "payments", "products", "shipments"]  # audit_log: no code joins it to orders
    dot = depmap("graph", "orders.status", *PATH, "--format", "dot").out
    assert '"column:orders.status" [shape=plaintext' in dot and "column:orders.total_cents" not in dot
    graphml = ElementTree.fromstring(depmap("graph", "orders", *PATH, "--format", "graphml").out)
    assert len([n for n in graphml.iter() if n.tag.endswith("}node")]) == len(focused["nodes"])


def test_graph_of_a_folder_stays_the_whole_graph_and_an_unknown_table_is_refused(depmap):
    assert depmap("graph", "samples/shop_sql", "--format", "json").out == depmap("graph", *PATH, "--format", "json").out
    unknown = depmap("graph", "ordrs", *PATH)
    assert (unknown.code, unknown.out) == (2, "")
    assert unknown.err == "depmap: unknown table 'ordrs'; did you mean orders, order_items? (8 tables known; `depmap tables` lists them)\n"
    alone = depmap("graph", "--depth", "2", *PATH)
    assert (alone.code, alone.err) == (2, "depmap: --depth needs a table: depmap graph TABLE[.COLUMN] --depth N\n")
