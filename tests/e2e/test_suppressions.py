"""Suppressions a team writes: inline comments with a reason, the rules configuration; a typo or a
missing reason is an error, never a silent pass."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.e2e.conftest import SAMPLE

SALES = "shop/reports/sales.py"
ORDERS = "shop/repositories/orders.py"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns(".depmap"))
    return project


def _comment_above(project: Path, path: str, anchor: str, comment: str) -> None:
    file = project / path
    lines = file.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if anchor in line)
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, f"{indent}{comment}\n")
    file.write_text("".join(lines))


def _findings(run) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["path"], f["line"]) for f in run.json()["findings"]]


def test_an_inline_suppression_with_a_reason_leaves_the_finding_out_and_says_why(depmap, tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache", "--format", "json")
    assert ("select-star", SALES, 98) in _findings(before)
    # the SQL is in a string: the comment goes above the Python statement that holds it
    _comment_above(project, SALES, "return pd.read_sql(", "# depmap: ignore[select-star] -- the notebooks read columns by name")
    after = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache", "--format", "json")
    assert ("select-star", SALES, 99) not in _findings(after)
    assert ("select-star", ORDERS, 81) in _findings(after)  # only that site
    [suppressed] = after.json()["suppressed"]
    assert (suppressed["finding"]["rule"], suppressed["finding"]["line"], suppressed["suppressed_by"], suppressed["reason"]) == (
        "select-star", 99, f"{SALES}:97", "the notebooks read columns by name",
    )
    text = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache")
    assert f"  {SALES}:99  [select-star] by {SALES}:97: the notebooks read columns by name" in text.out


def test_a_typo_or_a_missing_reason_is_an_error(depmap, tmp_path: Path) -> None:
    project = _project(tmp_path)
    _comment_above(project, SALES, "return pd.read_sql(", "# depmap: ignore[select-starr] -- typo")
    run = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache")
    assert (run.code, run.err) == (2, f"depmap: {SALES}:97: unknown rule 'select-starr' in a depmap suppression; did you mean select-star?\n")
    (project / SALES).write_text((project / SALES).read_text().replace("[select-starr] -- typo", "[select-star]"))
    run = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache")
    assert run.code == 2
    assert run.err == f"depmap: {SALES}:97: a depmap suppression needs a reason after ` -- ` (say why this site is safe)\n"


def test_the_rules_configuration(depmap, tmp_path: Path) -> None:
    project = _project(tmp_path)
    pyproject = project / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(
        original + '\n[tool.depmap.rules.lock-timeout]\nseverity = "off"\n\n[tool.depmap.rules.select-star]\nseverity = "info"\n\n'
        '[tool.depmap.per-file-ignores]\n"shop/reports/**" = ["select-star"]\n'
    )
    run = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache", "--format", "json")
    severities = {(f["rule"], f["path"], f["line"]): f["severity"] for f in run.json()["findings"]}
    assert severities[("select-star", ORDERS, 81)] == "info"  # breaking, lowered by the team
    assert not [key for key in severities if key[0] == "lock-timeout" or key[1] == SALES]
    by = sorted({(s["finding"]["rule"], s["suppressed_by"], s["reason"]) for s in run.json()["suppressed"]})
    assert by == [("select-star", "config", "per-file-ignores: shop/reports/**")]  # (a proposal has no lock-timeout finding)
    pyproject.write_text(original + '\n[tool.depmap.rules.select-starr]\nseverity = "off"\n')
    typo = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache")
    assert (typo.code, typo.err) == (2, "depmap: unknown rule 'select-starr' in the [tool.depmap] rules settings; did you mean select-star?\n")


def test_a_baseline_reports_only_new_findings_and_survives_edits_above_a_site(depmap, tmp_path: Path) -> None:
    project = _project(tmp_path)
    wrote = depmap("baseline", str(project), "--no-cache")
    assert wrote.code == 0
    assert wrote.err.startswith("depmap: wrote .depmap-baseline.json: ")
    keys = {(f["rule"], f["path"]) for f in __import__("json").loads((project / ".depmap-baseline.json").read_text())["findings"]}
    assert ("select-star", ORDERS) in keys and ("select-star", SALES) in keys
    run = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache", "--format", "json")
    assert [f for f in _findings(run) if f[0] == "select-star"] == []
    assert run.json()["baselined"] == 4  # the standing findings about the code that reads and writes orders
    # lines added above a baselined site move it; it stays baselined
    _comment_above(project, ORDERS, 'cur.execute("SELECT * FROM orders WHERE id = %s"', "# read the header\n# (three lines)")
    moved = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache", "--format", "json")
    assert [f for f in _findings(moved) if f[0] == "select-star"] == [] and moved.json()["baselined"] == 4
    # a new `SELECT *` is reported
    (project / "shop" / "reports" / "export.py").write_text(
        "def export(conn):\n    return conn.execute(\"SELECT * FROM orders\").fetchall()\n"
    )
    new = depmap("impact", "orders.note", "--type", "text", "--path", str(project), "--no-cache", "--format", "json")
    assert [f for f in _findings(new) if f[0] == "select-star"] == [("select-star", "shop/reports/export.py", 2)]
