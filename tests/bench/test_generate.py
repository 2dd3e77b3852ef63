"""The benchmark harness: the generator is deterministic and writes code depmap reads whole,
and run.py measures a small repository end to end through the console script."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, depmap, user_cache  # noqa: F401  (the fixtures)

BENCHMARKS = REPO / "benchmarks"
LINES = 3000
LAYERS = ["django", "sqlalchemy", "raw_sql", "sql_migrations", "dbt", "airflow", "plain", "config"]


def generate(out: Path, seed: int, manifest: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, str(BENCHMARKS / "generate.py"), "--lines", str(LINES), "--out", str(out), "--seed", str(seed)]
    if manifest is not None:
        command += ["--manifest", str(manifest)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def tree(root: Path) -> dict[str, bytes]:
    """Every generated file's bytes by path (depmap's own cache folder left out)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".depmap" not in p.relative_to(root).parts
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict, str]:
    base = tmp_path_factory.mktemp("bench")
    done = generate(base / "repo", 7, base / "manifest.json")
    return base / "repo", json.loads((base / "manifest.json").read_text()), done.stdout


def test_summary_and_manifest_agree_with_the_tree(generated):
    root, manifest, stdout = generated
    files = tree(root)
    lines = sum(text.count(b"\n") for text in files.values())
    assert manifest["seed"] == 7
    assert manifest["lines_requested"] == LINES
    assert manifest["files"] == len(files)
    assert manifest["lines"] == lines == sum(manifest["lines_by_kind"].values())
    assert LINES <= lines < LINES * 1.5
    assert [kind for kind in LAYERS if manifest["lines_by_kind"][kind] == 0] == []  # every layer is there
    assert stdout.splitlines()[0].endswith(f"{len(files)} files, {lines} lines (asked for {LINES}, seed 7) in " + stdout.splitlines()[0].rsplit(" in ", 1)[1])
    assert [line.split()[0] for line in stdout.splitlines()[1:9]] == LAYERS
    for name in ("analytics/dbt_project.yml", "web/config/settings.py", "web/manage.py", "pyproject.toml", ".gitignore"):
        assert name in files


def test_same_seed_same_bytes_other_seed_other_code(generated, tmp_path):
    root, manifest, _ = generated
    generate(tmp_path / "again", 7, tmp_path / "again.json")
    assert tree(tmp_path / "again") == tree(root)
    assert json.loads((tmp_path / "again.json").read_text()) == manifest

    generate(tmp_path / "other", 8, tmp_path / "other.json")
    other = json.loads((tmp_path / "other.json").read_text())
    assert tree(tmp_path / "other") != tree(root)
    assert {t["name"] for t in other["tables"]} != {t["name"] for t in manifest["tables"]}


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), "--lines", "100", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"generate.py: {tmp_path} is not empty; pass a new folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_every_python_file_parses(generated):
    root, manifest, _ = generated
    failures = []
    python = sorted(root.rglob("*.py"))
    for path in python:
        try:
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as error:
            failures.append(f"{path.relative_to(root)}:{error.lineno}: {error.msg}")
    assert failures == []
    assert manifest["python_files"] == sum(1 for p in python if p.stat().st_size)


def test_the_mix_at_a_realistic_size(tmp_path):
    """Past the first unit of each layer, every layer holds its share of the lines (within two
    points), and about half the Python files touch no database, as in a real application."""
    command = [sys.executable, str(BENCHMARKS / "generate.py"), "--lines", "30000", "--out", str(tmp_path / "repo")]
    done = subprocess.run([*command, "--manifest", str(tmp_path / "m.json")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "m.json").read_text())
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from synth.build import SHARES
    finally:
        sys.path.remove(str(BENCHMARKS))
    shares = {kind: manifest["lines_by_kind"][kind] / manifest["lines"] for kind in SHARES}
    assert {kind: abs(shares[kind] - SHARES[kind]) < 0.02 for kind in SHARES} == {kind: True for kind in SHARES}
    assert 0.45 <= manifest["plain_python_files"] / manifest["python_files"] <= 0.6
    layers = {t["layer"] for t in manifest["tables"]}
    assert layers == {"django", "sqlalchemy", "sql"}


def test_depmap_scans_every_file_and_parses_every_statement(generated, depmap):
    root, _, _ = generated
    run = depmap("scan", str(root), "--format", "json")
    assert run.code == 0, run.err
    summary = run.json()
    assert summary["skipped"] == []
    assert summary["unparsed_statements"] == 0
    assert summary["dialect"] == "postgres"
    assert summary["files_scanned"] == sum(1 for p in tree(root) if p.endswith((".py", ".sql", ".yml")))
    assert summary["reads"] > 0 and summary["writes"] > 0


def test_every_generated_table_is_known_with_its_columns(generated, depmap):
    root, manifest, _ = generated
    run = depmap("tables", str(root), "--format", "json")
    assert run.code == 0, run.err
    known = {t["name"]: t for t in run.json()["tables"]}
    expected = {t["name"] for t in manifest["tables"]} | set(manifest["views"])
    dbt = {name for name in known if name.rsplit(".", 1)[-1] in manifest["dbt_models"]}
    assert len(dbt) == len(manifest["dbt_models"])
    assert set(known) - dbt == expected
    for table in manifest["tables"]:
        assert sorted(c["name"] for c in known[table["name"]]["columns"]) == sorted(table["columns"]), table["name"]


def test_run_py_measures_a_repository_end_to_end(generated, tmp_path):
    source, _, _ = generated
    root = tmp_path / "small"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".depmap"))
    before = tree(root)
    mtimes = {p: p.stat().st_mtime_ns for p in root.rglob("*.py")}
    out = tmp_path / "numbers.json"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--path", str(root), "--repeat", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    header = next(line for line in done.stdout.splitlines() if "py lines" in line)
    cells = [cell.strip() for cell in header.strip("┃").split("┃")]
    document = json.loads(out.read_text())
    counts = sorted({1, document["cpus"]}) if document["jobs_option"] else []
    jobs = [f"--jobs {n} s" for n in counts]
    assert cells == [
        "size", "py lines", "all lines", "files", "ast.parse s", "cold s", "s / 100k py lines", "cold / ast", "warm s",
        "one changed s", "query s", *jobs, "peak RSS MB",
    ]
    assert any(line.startswith("│ small ") for line in done.stdout.splitlines())
    [result] = document["results"]
    python = [p for p in before if p.endswith(".py")]
    assert result["py_files"] == len(python)
    assert result["py_lines"] == sum(before[p].count(b"\n") for p in python)
    assert result["all_lines"] == sum(text.count(b"\n") for p, text in before.items() if p.endswith((".py", ".sql", ".yml")))
    assert result["files_listed_by"] == "depmap.discover"
    assert result["skipped"] == 0
    expected_runs = ["cold", "warm", "one changed", "query"] + [f"cold --jobs {n}" for n in counts]
    assert sorted(result["median"]) == sorted(expected_runs)
    assert all(len(runs) == 1 for runs in result["runs"].values())
    assert result["query"].endswith(".bench_note")
    assert result["touched"].endswith(".py")
    assert set(result["phases"]["cold"]) >= {"discover", "scan", "graph"}
    # The checkout is left as found: the edited model file has its bytes and its mtime back.
    assert tree(root) == before
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*.py")} == mtimes
