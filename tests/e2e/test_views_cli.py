"""`who-reads` through views: a reader of a view over a view is a reader of the base column it
maps to, marked with the views it reads through; `--direct` leaves those out."""

from __future__ import annotations

from pathlib import Path

SCHEMA = """\
CREATE TABLE payments (
    id bigint PRIMARY KEY,
    amount numeric(12, 2) NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE VIEW current_payments AS
    SELECT id, amount AS value, status
      FROM payments
     WHERE status <> 'void';

CREATE VIEW large_payments AS
    SELECT * FROM current_payments WHERE value > 1000;
"""

REPORT = '''\
def large_total(conn):
    return conn.execute("SELECT sum(value) FROM large_payments").fetchone()[0]


def statuses(conn):
    return conn.execute("SELECT DISTINCT status FROM current_payments").fetchall()
'''


def _project(tmp_path: Path) -> Path:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.sql").write_text(SCHEMA)
    (tmp_path / "reports.py").write_text(REPORT)
    return tmp_path


def test_readers_through_views_are_marked_and_direct_leaves_them_out(depmap, tmp_path: Path) -> None:
    root = _project(tmp_path)
    run = depmap("who-reads", "payments.amount", "--path", str(root), "--no-cache", "--format", "json")
    assert run.code == 0, run.err
    found = sorted((u["path"], u["line"], u["detail"], u.get("through")) for u in run.json()["usages"])
    assert found == [
        ("db/schema.sql", 10, "select", None),  # the view's own definition reads payments
        ("db/schema.sql", 14, "select", ["current_payments"]),  # large_payments' star carries value
        ("db/schema.sql", 14, "select_star", ["current_payments"]),
        ("reports.py", 2, "select", ["current_payments", "large_payments"]),
    ]
    # status is mapped too: its reader of current_payments is a reader of payments.status
    status = depmap("who-reads", "payments.status", "--path", str(root), "--no-cache", "--format", "json").json()
    assert ("reports.py", 6, ["current_payments"]) in [(u["path"], u["line"], u.get("through")) for u in status["usages"]]
    direct = depmap("who-reads", "payments.amount", "--path", str(root), "--no-cache", "--direct", "--format", "json").json()
    assert [(u["path"], u["line"]) for u in direct["usages"]] == [("db/schema.sql", 10)]
    text = depmap("who-reads", "payments.amount", "--path", str(root), "--no-cache")
    assert "read select via view current_payments → large_payments" in text.out
    assert "(1 name it, 3 read through a view)" in text.out


def test_a_select_star_consumer_of_a_star_view_is_judged_with_the_table(depmap, tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.sql").write_text(
        "CREATE TABLE payments (id bigint PRIMARY KEY, amount numeric NOT NULL);\n"
        "CREATE VIEW all_payments AS SELECT * FROM payments;\n"
    )
    (tmp_path / "export.py").write_text(
        "def export(conn, out):\n"
        '    rows = conn.execute("SELECT * FROM all_payments").fetchall()\n'
        "    for payment_id, amount in rows:\n"
        "        out.writerow([payment_id, amount])\n"
    )
    run = depmap("impact", "payments.note", "--type", "text", "--path", str(tmp_path), "--no-cache", "--format", "json")
    findings = [(f["rule"], f["severity"], f["path"], f["line"]) for f in run.json()["findings"]]
    assert ("select-star", "breaking", "export.py", 2) in findings
    assert ("view-star-frozen", "info", "db/schema.sql", 2) in findings
    message = next(f["message"] for f in run.json()["findings"] if f["rule"] == "select-star")
    assert message.startswith("`SELECT *` from all_payments, a view passing every column of payments through (once it is recreated)")
    report = tmp_path / "impact.html"
    depmap("report", "payments.note", "--type", "text", "--path", str(tmp_path), "--no-cache", "-o", str(report))
    assert "via view all_payments" in report.read_text()
