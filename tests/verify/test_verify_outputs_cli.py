"""`depmap verify -o FILE`: one run on PostgreSQL writes the HTML page, the SARIF log and the JSON
of the same measurements, so the page and the log are checked against the JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.conftest import SAMPLE, depmap_command
from tests.render.dom import parse
from tests.render.test_sarif import schema_errors


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*depmap_command(), "verify", *args, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_one_run_writes_the_page_the_log_and_the_json(postgres, tmp_path: Path) -> None:  # postgres: skip or fail without one
    html, sarif, document = tmp_path / "verify.html", tmp_path / "verify.sarif", tmp_path / "verify.json"
    done = run("orders.discount_code", "--type", "text", "--not-null", "--rows", "2000",
               "-o", str(html), "-o", str(sarif), "-o", str(document), cwd=SAMPLE)
    assert done.returncode == 1, done.stderr  # breaking findings, confirmed
    assert done.stdout == ""
    assert done.stderr.splitlines()[-3:] == [f"depmap: wrote html report to {html}", f"depmap: wrote sarif report to {sarif}",
                                             f"depmap: wrote json report to {document}"]
    data = json.loads(document.read_text(encoding="utf-8"))
    page = parse(html.read_text(encoding="utf-8"))
    assert page.one("h1").text() == f"Verifying orders.discount_code on {data['engine']}"
    # a row per statement run: the proposal, each plan statement, each backfill
    statements = [s["statement"] for step in data["plan"] for s in step["statements"]]
    backfills = [step for step in data["plan"] if "batches" in step]
    rows = page.select("#v1-measurements tbody tr")
    assert len(rows) == 1 + len(statements) + len(backfills)
    assert [row.one("code.sql-text").text() for row in rows if row.select("code.sql-text")] == [
        " ".join(s.split()) for s in [data["proposal"]["statement"], *statements]]
    assert rows[0].select("td")[5].text() == data["proposal"]["error"]
    assert [b.attrs["class"] for b in page.select("#v1-bars .bar")][0] == "bar bar-failed lock-none"
    batches = page.select("#v1-bars .bar-batch")
    assert len(batches) == backfills[0]["batches"]["count"] and batches[0].attrs["data-lock"] == "RowExclusiveLock"
    validate = next(lane for lane in page.select("#v1-bars .lane") if "VALIDATE CONSTRAINT" in lane.one(".lane-label").text())
    assert validate.one(".bar").attrs["data-lock"] == "ShareUpdateExclusiveLock"
    assert [(tr.attrs["data-rule"], tr.attrs["data-status"]) for tr in page.select("#v1-static tbody tr")] == [
        (v["rule"], v["status"]) for v in data["verdicts"]]
    failing = [f"{s['path']}:{s['line']}" for s in data["statements"] if s["status"].startswith("fails")]
    assert page.texts("#v1-statements tbody .where") == failing and failing
    # the log: valid, one result a verdict and a measured finding, each with what the database said
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert schema_errors(log) == []
    results = log["runs"][0]["results"]
    # findings about the migration the proposal has not written have no file: left out, as impact's SARIF does
    assert [(r["ruleId"], r["properties"]["verification"]) for r in results] == [
        *((v["rule"], v["status"]) for v in data["verdicts"] if v["path"]),
        *((f["rule"], "measured") for f in data["findings"] if f.get("path"))]
    select_star = next(r for r in results if r["ruleId"] == "select-star")
    assert select_star["locations"][0]["physicalLocation"]["region"]["startLine"] == 81
    assert select_star["properties"]["observed"] == "after the change: cached plan must not change result type"


def test_an_output_suffix_naming_no_format_is_refused_before_the_run(tmp_path: Path) -> None:
    done = run("orders.gift_note", "--type", "text", "-o", str(tmp_path / "verify.pdf"), "-o", str(tmp_path / "v.html"), cwd=SAMPLE)
    assert done.returncode == 2
    assert done.stderr.startswith(f"depmap: cannot tell the format of '{tmp_path / 'verify.pdf'}' from its suffix")
    assert "Traceback" not in done.stderr and not (tmp_path / "v.html").exists()
