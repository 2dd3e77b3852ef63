"""The `depmap verify` page without an engine or a browser: built from results made in the test
(tests/render/verify_reports.py), every row, bar and label checked. (tests/browser opens it in
Chromium; tests/verify runs the command on PostgreSQL.)"""

from __future__ import annotations

import re
from dataclasses import replace

from depmap.render.verify_outputs import render_verify
from depmap.render.verify_timeline import MAX_BATCH_BARS, change_timeline, lock_label
from depmap.verify.measure import Measurement
from depmap.verify.run import Batch, StepRun
from tests.render.dom import Element, parse
from tests.render.verify_reports import migration_output, single_output, touched_at


def page_of(output) -> Element:
    return parse(render_verify("html", output))


def bars(page: Element, figure: str) -> list[tuple[str, str, str, str]]:
    """(lane label, class, style, text alternative) of each bar of a timeline, in order."""
    out = []
    for lane in page.select(f"#{figure} .lane"):
        for bar in lane.select(".bar"):
            out.append((lane.one(".lane-label").text()[:40], bar.attrs["class"], bar.attrs["style"], bar.attrs["aria-label"]))
    return out


def test_the_header_says_target_engine_rows_and_schema():
    page = page_of(single_output())
    assert page.one("title").text() == "depmap verify: orders.touched_at on PostgreSQL 16.4"
    assert page.one("h1").text() == "Verifying orders.touched_at on PostgreSQL 16.4"
    facts = page.one("#v1 .facts")
    assert facts.texts("dt") == ["Target", "Engine", "Rows loaded", "Schema"]
    assert facts.texts("dd")[:3] == ["orders.touched_at", "PostgreSQL 16.4", "20,000 in orders, 2,000 in customers (1.2 s)"]
    assert facts.one(".schema").children[0].strip() == "9 statements, 1 rejected"
    assert facts.texts(".rejected li") == ['CREATE EXTENSION postgis: extension "postgis" is not available']
    assert facts.texts(".notes li") == ["schema from depmap's catalog"]
    assert [(li.attrs["data-status"], li.attrs["data-count"]) for li in page.select("#counts li")] == [
        ("confirmed", "3"), ("not reproduced", "1"), ("not testable here", "1"), ("found only on the database", "2")]


def test_one_measurement_row_a_statement_run():
    page = page_of(single_output())
    rows = []
    for tr in page.select("#v1-measurements tbody tr"):
        cells = tr.select("td")
        locks = [f"{chip.attrs['data-lock']} {chip.text()}" for chip in cells[4].select(".lock-chip")]
        rows.append((cells[0].text(), cells[1].text(), cells[2].text(), cells[3].text(), locks, cells[5].text()))
    assert rows == [
        ("The proposal, rolled back", "ALTER TABLE orders ADD COLUMN touched_at timestamptz DEFAULT clock_timestamp()",
         "2,000.0 ms", "rewrote the table",
         ["AccessExclusiveLock ACCESS EXCLUSIVE", "AccessExclusiveLock ACCESS EXCLUSIVE"], "none"),
        ("1. Expand: add the column", "SET lock_timeout = '5s'", "0.0 ms", "catalog only", [], "none"),
        ("1. Expand: add the column", "ALTER TABLE orders ADD COLUMN touched_at timestamptz", "4.0 ms", "catalog only",
         ["AccessExclusiveLock ACCESS EXCLUSIVE"], "none"),
        ("1. Expand: add the column", "ALTER TABLE orders ALTER COLUMN touched_at SET DEFAULT clock_timestamp()", "4.0 ms",
         "catalog only", ["AccessExclusiveLock ACCESS EXCLUSIVE"], "none"),
        ("3. Backfill existing rows in batches", "4 batch(es), 20,000 rows in 3.99 s (slowest batch 998.0 ms)", "3,992.0 ms",
         "updated 20,000 rows in 4 batch(es)", ["RowExclusiveLock ROW EXCLUSIVE"], "none"),
    ]
    first = page.select("#v1-measurements tbody tr")[0].select("td")[4]
    assert first.texts("code") == ["orders", "orders_pkey"]  # the strongest lock on each relation, the table first
    # every cell says what it is, for the phone layout where the header row is hidden
    assert [td.attrs["data-label"] for td in page.select("#v1-measurements tbody tr")[0].select("td")] == [
        "Step", "SQL", "Duration", "What it did", "Strongest lock", "Error"]


def test_the_timeline_bars_are_placed_in_proportion_to_the_durations():
    page = page_of(single_output())
    # the axis is the longest group: the plan's 4 s (8 ms of DDL, then four batches of 998 ms); the proposal's 2 s is half
    assert bars(page, "v1-bars") == [
        ("ALTER TABLE orders ADD COLUMN touched_at", "bar bar-run lock-access-exclusive", "left:0%;width:50%",
         "2,000.0 ms, rewrote the table, ACCESS EXCLUSIVE on orders, ACCESS EXCLUSIVE on orders_pkey"),
        ("SET lock_timeout = '5s'", "bar bar-run lock-none", "left:0%;width:0%", "0.0 ms, catalog only, no table lock"),
        ("ALTER TABLE orders ADD COLUMN touched_at", "bar bar-run lock-access-exclusive", "left:0%;width:0.1%",
         "4.0 ms, catalog only, ACCESS EXCLUSIVE on orders"),
        ("ALTER TABLE orders ALTER COLUMN touched_", "bar bar-run lock-access-exclusive", "left:0.1%;width:0.1%",
         "4.0 ms, catalog only, ACCESS EXCLUSIVE on orders"),
        ("the backfill, 4 batch UPDATE(s)", "bar bar-batch lock-row-exclusive", "left:0.2%;width:24.95%", "batch 1: 5,000 rows in 998.0 ms"),
        ("the backfill, 4 batch UPDATE(s)", "bar bar-batch lock-row-exclusive", "left:25.15%;width:24.95%", "batch 2: 5,000 rows in 998.0 ms"),
        ("the backfill, 4 batch UPDATE(s)", "bar bar-batch lock-row-exclusive", "left:50.1%;width:24.95%", "batch 3: 5,000 rows in 998.0 ms"),
        ("the backfill, 4 batch UPDATE(s)", "bar bar-batch lock-row-exclusive", "left:75.05%;width:24.95%", "batch 4: 5,000 rows in 998.0 ms"),
    ]
    assert [(t.attrs["style"], t.text()) for t in page.select("#v1-bars .tick")] == [
        ("left:0%", "0 s"), ("left:25%", "1 s"), ("left:50%", "2 s"), ("left:75%", "3 s"), ("left:100%", "4 s")]
    assert page.texts("#v1-bars h4") == ["The proposal as written, rolled back", "Plan step 1: Expand: add the column",
                                         "Plan step 3: Backfill existing rows in batches"]
    # each lane's numbers are on the page as text, not only in the bar
    assert page.texts("#v1-bars .lane-text")[-1] == "4 batch(es), 20,000 rows in 3.99 s (slowest batch 998.0 ms)"


def test_lock_modes_have_their_own_colour_class_and_legend():
    page = page_of(single_output())
    assert page.texts("#v1-bars .legend li") == [
        "ACCESS EXCLUSIVE: blocks reads and writes", "ROW EXCLUSIVE: blocks SHARE and stronger locks", "no table lock measured"]
    swatches = [li.one(".swatch").attrs["class"] for li in page.select("#v1-bars .legend li")]
    assert swatches == ["swatch lock-access-exclusive", "swatch lock-row-exclusive", "swatch lock-none"]
    css = page.one("style").text()
    # ACCESS EXCLUSIVE is striped in its own colour; the others are flat
    assert ".bar.lock-access-exclusive, .swatch.lock-access-exclusive { background: repeating-linear-gradient(" in css
    assert ".lock-access-exclusive { --lock: var(--lock-all); }" in css
    assert ".lock-row-exclusive, .lock-row-share, .lock-access-share { --lock: var(--lock-shared); }" in css
    assert [lock_label(mode) for mode in ("AccessExclusiveLock", "ShareUpdateExclusiveLock", "RowShareLock", None)] == [
        "ACCESS EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "ROW SHARE", "no table lock"]


def test_the_lock_queue_is_drawn_without_and_with_a_timeout():
    page = page_of(single_output())
    assert page.texts("#v1-queue-bars h4") == ["Without a lock timeout", "With lock_timeout 200 ms"]
    assert bars(page, "v1-queue-bars") == [
        ("A transaction that read orders and has n", "bar bar-hold lock-access-share", "left:0%;width:93.75%",
         "held ACCESS SHARE for 600.0 ms"),
        ("ALTER TABLE orders ADD COLUMN touched_at", "bar bar-wait lock-access-exclusive", "left:0%;width:93.75%",
         "waited 600.0 ms for ACCESS EXCLUSIVE until the transaction ended, then ran"),
        ("A plain SELECT of orders, arriving behin", "bar bar-wait lock-access-share", "left:0%;width:100%", "waited 640.0 ms"),
        ("A transaction that read orders and has n", "bar bar-hold lock-access-share", "left:0%;width:93.75%",
         "held ACCESS SHARE for 600.0 ms"),
        ("ALTER TABLE orders ADD COLUMN touched_at", "bar bar-wait lock-access-exclusive", "left:0%;width:31.25%",
         "waited 200.0 ms for ACCESS EXCLUSIVE, then gave up: canceling statement due to lock timeout"),
        ("A plain SELECT of orders, arriving behin", "bar bar-wait lock-access-share", "left:0%;width:30.625%", "waited 196.0 ms"),
    ]
    assert [t.text() for t in page.select("#v1-queue-bars .tick")] == ["0 ms", "200 ms", "400 ms", "600 ms"]
    assert page.one("#v1-queue-bars .tick-end").text() == "600 ms"  # right-aligned: the label stays inside the page


def test_static_findings_show_what_the_database_did():
    page = page_of(single_output())
    rows = [(tr.attrs["data-status"], tr.one(".status").attrs["class"], tr.one(".rule").text(), tr.one(".badge").text(),
             tr.one(".where").text()) for tr in page.select("#v1-static tbody tr")]
    assert rows == [
        ("confirmed", "status status-confirmed", "table-rewrite", "breaking", "(the new migration)"),
        ("confirmed", "status status-confirmed", "lock-timeout", "warning", "(the new migration)"),
        ("confirmed", "status status-confirmed", "select-star", "breaking", "shop/repositories/orders.py:81"),
        ("not reproduced", "status status-not-reproduced", "select-star", "warning", "shop/reports/sales.py:98"),
        ("not testable here", "status status-not-testable", "view-star-frozen", "info", "migrations/0005_inventory_cleanup.sql:8"),
    ]
    first = page.select("#v1-static tbody tr")[0].select("td")[3]
    assert first.children[0] == "rewrote the table in 2,000.0 ms"
    assert first.one(".message").texts("code") == ["orders"]  # the finding's message, its code spans as code


def test_the_statements_that_fail_and_the_findings_only_the_database_showed():
    page = page_of(single_output())
    assert page.texts("#v1-statements p") == [
        "2 fails after the change, 1 unaffected, 1 fails before the change.",
        "The change they met: ALTER TABLE orders ADD COLUMN touched_at timestamptz DEFAULT clock_timestamp()"]
    failing = [(tr.one(".where").text(), tr.select("td")[1].text(), tr.one(".error-text").text(), tr.one("code.sql-text").text())
               for tr in page.select("#v1-statements tbody tr")]
    assert failing == [
        ("shop/repositories/orders.py:81", "fails after the change", "cached plan must not change result type",
         "SELECT * FROM orders WHERE id = $1"),
        ("shop/reports/archive.py:30", "fails before the change", 'relation "order_archive" does not exist',
         "SELECT id FROM order_archive"),
        ("shop/jobs/export.py:14", "fails after the change", "INSERT has more expressions than target columns",
         "INSERT INTO orders_export SELECT * FROM orders WHERE placed_at < $1"),
    ]
    found = page.select("#v1-found article.finding")
    assert [(a.attrs["data-rule"], a.attrs["data-severity"], a.one(".where").text()) for a in found] == [
        ("verify-lock", "breaking", "(the new migration)"), ("verify-statement-fails", "breaking", "shop/jobs/export.py:14")]
    assert found[0].one(".message").text().startswith("The proposal holds ACCESS EXCLUSIVE on orders for 2,000 ms")


def test_every_change_of_a_migration_has_its_section_and_a_failed_proposal_is_dashed():
    page = page_of(migration_output())
    assert page.one("h1").text() == "2 changes from 1 migration file, verified"
    assert page.texts("#checked li") == ["migrations/0006_touched_at_and_tier.sql", "migrations/0007_broken.py: not a migration depmap reads"]
    assert [(s.attrs["id"], s.attrs["data-target"]) for s in page.select("section.change")] == [
        ("v1", "orders.touched_at"), ("v2", "customers.tier")]
    assert bars(page, "v2-bars") == [
        ("ALTER TABLE customers ADD COLUMN tier te", "bar bar-failed lock-none", "left:0%;width:0%",
         'failed: column "tier" of relation "customers" contains null values'),
        ("ALTER TABLE customers ADD COLUMN tier te", "bar bar-run lock-access-exclusive", "left:0%;width:10%",
         "1.0 ms, catalog only, ACCESS EXCLUSIVE on customers"),
        ("the backfill, 2 batch UPDATE(s)", "bar bar-batch lock-row-exclusive", "left:10%;width:40%", "batch 1: 2,000 rows in 4.0 ms"),
        ("the backfill, 2 batch UPDATE(s)", "bar bar-batch lock-row-exclusive", "left:50%;width:30%", "batch 2: 1,000 rows in 3.0 ms"),
        ("ALTER TABLE customers VALIDATE CONSTRAIN", "bar bar-run lock-share-update-exclusive", "left:80%;width:15%",
         "1.5 ms, read 3,000 rows, SHARE UPDATE EXCLUSIVE on customers"),
        ("ALTER TABLE customers ALTER COLUMN tier ", "bar bar-run lock-access-exclusive", "left:95%;width:5%",
         "0.5 ms, catalog only, ACCESS EXCLUSIVE on customers"),
    ]
    assert [t.text() for t in page.select("#v2-bars .tick")] == ["0 ms", "2.5 ms", "5 ms", "7.5 ms", "10 ms"]
    assert page.select("#v2-queue") == []  # no lock queue measured for a proposal that failed
    failed = page.select("#v2-measurements tbody tr")[0]
    assert failed.attrs["class"] == "failed"
    assert [td.text() for td in failed.select("td")] == [
        "The proposal, rolled back", "ALTER TABLE customers ADD COLUMN tier text NOT NULL", "–", "failed", "none",
        'column "tier" of relation "customers" contains null values']
    assert page.texts("#v2-static .where") == ["migrations/0006_touched_at_and_tier.sql:2"]


def test_a_long_backfill_is_drawn_as_runs_of_batches():
    result, _ = touched_at()
    long = replace(result, steps=[StepRun(3, "Backfill existing rows in batches", batches=[Batch(1000, 0.002)] * 1001)])
    [_, backfill] = change_timeline(long).groups
    [lane] = backfill.lanes
    assert len(lane.bars) == 167 <= MAX_BATCH_BARS  # 1,001 batches in runs of 6
    assert (lane.bars[0].text, lane.bars[-1].text) == ("batches 1–6: 6,000 rows in 12.0 ms", "batches 997–1001: 5,000 rows in 10.0 ms")
    assert lane.bars[-1].left + lane.bars[-1].width == 100.0


def test_the_page_is_self_contained_and_escapes_what_it_shows():
    result, report = touched_at()
    hostile = replace(result, proposal=replace(result.proposal, statement="ALTER TABLE orders ADD COLUMN \"<script>alert(1)</script>\" text"))
    output = single_output()
    output.results, output.reports = [hostile], [report]
    html = render_verify("html", output)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", html) == []
    assert "default-src 'none'" in html
    assert "<script" not in html  # the page needs no script


def test_no_change_verified_says_so():
    output = migration_output()
    output.results, output.reports = [], []
    page = page_of(output)
    assert page.one("h1").text() == "0 changes from 1 migration file, verified"
    assert page.one("#checked").texts("p") == ["No migration in this change adds a column or runs an operation with findings."]


def test_a_statement_run_outside_a_transaction_says_its_locks_were_not_seen():
    result, _ = touched_at(origin=None)
    index = Measurement("CREATE INDEX CONCURRENTLY orders_touched_at_idx ON orders (touched_at)", 0.25, transaction=False)
    output = single_output()
    output.results = [replace(result, steps=[StepRun(5, "Index the column", [index])])]
    page = page_of(output)
    row = page.select("#v1-measurements tbody tr")[1]
    assert [td.text() for td in row.select("td")] == [
        "5. Index the column", "CREATE INDEX CONCURRENTLY orders_touched_at_idx ON orders (touched_at)", "250.0 ms", "ran",
        "not measured (outside a transaction)", "none"]
    assert bars(page, "v1-bars")[1] == (
        "CREATE INDEX CONCURRENTLY orders_touched", "bar bar-run lock-none", "left:0%;width:12.5%",
        "250.0 ms, ran, locks not measured (it ran outside a transaction)")
