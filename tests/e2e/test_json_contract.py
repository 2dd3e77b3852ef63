"""Every JSON document every command prints is valid against its shipped schema: on every sample
(each table asked about as a whole and by one column) and on projects that take the odd paths
(unreadable files, unparsed SQL, a table name in two schemas, a check of several columns and of a
migration that adds none, a rule that fails).

Commands run in this process through click, as `depmap` runs them, so that a sample is scanned
once per test and each further command reads the warm index.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from depmap.cli.main import cli
from tests.e2e.conftest import REPO
from tests.schemas.validation import problems

SAMPLES = REPO / "samples"

# What to propose and check on each sample: the golden proposal, another dialect with a default,
# and the sample's migrations that add columns (several in one file), none, or that are no migration.
IMPACTS = {
    "shop_sql": [["orders.discount_code", "--type", "text", "--not-null"],
                 ["customers.referral_code", "--type", "varchar(12)", "--default", "'none'", "--dialect", "mysql"]],
    "django_shop": [["sales_order.priority", "--type", "integer", "--not-null"],
                    ["customers_customer.nickname", "--type", "text", "--dialect", "sqlite"]],
    "sqlalchemy_service": [["invoices.po_number", "--type", "text", "--not-null"],
                           ["accounts.region", "--type", "text", "--not-null", "--default", "'eu'", "--server-version", "11"]],
    "warehouse": [["customers.loyalty_tier", "--type", "text"]],
}
CHECKS = {
    "shop_sql": [["migrations/0004_customer_marketing.sql"], ["migrations/0003_order_status_index.sql"],
                 ["migrations/0003_order_status_index.sql", "migrations/0004_customer_marketing.sql"]],
    "django_shop": [["orders/migrations/0002_order_discount_code.py"], ["orders/migrations/0003_daily_revenue_view.py"]],
    "sqlalchemy_service": [["migrations/versions/3f2c9a11d8e4_add_invoice_due_date.py"],
                           ["migrations/versions/b71d0e3f9c2a_create_accounts.py"]],
    "warehouse": [["airflow/sql/reporting_views.sql"]],  # not a migration: a problem, no column
}


class Depmap:
    """Runs commands in this process and collects each JSON document with the schema it claims."""

    def __init__(self) -> None:
        self.runner = CliRunner()
        self.documents: list[tuple[str, str, Any]] = []  # (schema, command line, document)

    def json(self, name: str, *args: str, codes: tuple[int, ...] = (0,)) -> Any:
        result = self.runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code in codes, f"depmap {' '.join(args)}: exit {result.exit_code}: {result.stderr}"
        document = json.loads(result.stdout)
        self.documents.append((name, " ".join(args), document))
        return document

    def invalid(self) -> list[str]:
        return [f"{name} of `depmap {line}`: {problem[:300]}" for name, line, document in self.documents for problem in problems(name, document)]


def query_every_table(run: Depmap, root: Path) -> list[str]:
    """scan, tables, graph, then who-reads/who-writes/downstream/graph of every table, and of its first
    column; returns the targets asked about."""
    path = ["--path", str(root)]
    run.json("scan", "scan", str(root), "--format", "json")
    catalog = run.json("tables", "tables", str(root), "--format", "json")
    graph = run.json("graph", "graph", *path, "--format", "json")
    first_columns = {t["name"]: t["columns"][0]["name"] for t in catalog["tables"] if t["columns"]}
    targets = sorted({node["name"] for node in graph["nodes"] if node["kind"] == "table"})
    targets += [f"{table}.{column}" for table, column in sorted(first_columns.items())]
    for target in targets:
        for command, name in (("who-reads", "usages"), ("who-writes", "usages"), ("downstream", "downstream"), ("graph", "graph")):
            run.json(name, command, target, *path, "--format", "json")
    return targets


def sample_copy(tmp_path: Path, sample: str) -> Path:
    copy = tmp_path / sample
    shutil.copytree(SAMPLES / sample, copy, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    return copy


@pytest.mark.parametrize("sample", sorted(IMPACTS))
def test_every_document_of_a_sample_is_valid(sample: str, tmp_path: Path) -> None:
    root = sample_copy(tmp_path, sample)  # the cache of another test's key is never read
    run = Depmap()
    query_every_table(run, root)
    for proposal in IMPACTS[sample]:
        run.json("impact", "impact", *proposal, "--path", str(root), "--format", "json")
    for migrations in CHECKS[sample]:
        run.json("check", "check", *[str(root / m) for m in migrations], "--path", str(root), "--format", "json", codes=(0, 1))
    assert run.invalid() == []
    # Every kind of document was printed, and more than a handful of each query.
    counts = {name: sum(1 for n, _, _ in run.documents if n == name) for name in ("usages", "downstream", "impact")}
    assert counts["usages"] >= 20 and counts["downstream"] >= 10 and counts["impact"] >= 1


@pytest.mark.skipif("history" not in cli.commands, reason="`depmap history` is not on this branch yet")
@pytest.mark.parametrize("sample", ["shop_sql", "sqlalchemy_service"])
def test_every_history_document_is_valid(sample: str, tmp_path: Path) -> None:
    root = sample_copy(tmp_path, sample)
    run = Depmap()
    for target in query_every_table(run, root):
        run.json("history", "history", target, "--path", str(root), "--format", "json")
    assert run.invalid() == []


def test_the_checks_took_the_paths_they_were_chosen_for(tmp_path: Path) -> None:
    """Several columns in one migration, and a migration that adds none but builds indexes: both
    documents valid."""
    root = sample_copy(tmp_path, "shop_sql")
    run = Depmap()
    several = run.json("check", "check", str(root / "migrations/0004_customer_marketing.sql"), "--path", str(root), "--format", "json")
    none = run.json("check", "check", str(root / "migrations/0003_order_status_index.sql"), "--path", str(root), "--format", "json")
    assert [c["column"]["column"] for c in several["columns"]] == ["marketing_opt_in", "marketing_opt_in_at"]
    assert (none["columns"], none["verdict"], none["problems"]) == ([], "needs care", [])
    assert [o["operation"] for o in none["operations"]] == ["create_index", "create_index", "create_index", "alter_column"]
    assert run.invalid() == []


BAD_FILES = {
    "app/repo.py": 'from db import connection\n\n\ndef open_orders(cur, customer_id):\n'
                   '    cur.execute("SELECT id, status FROM orders WHERE customer_id = %s", (customer_id,))\n\n\n'
                   'def broken(cur):\n    cur.execute("SELECT id FROM orders WHERE (")\n',
    "app/syntax.py": "def f(:\n    cur.execute('SELECT id FROM orders')\n",
    "app/legacy.py": "import db\n\nprint 'exporting'\ndb.execute('SELECT id FROM orders')\n",
    "db/schema.sql": "CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text);\nSELEC nonsense FROM orders;\n"
                     "CREATE TABLE sales.invoices (id int PRIMARY KEY, order_id int REFERENCES orders (id), total int);\n"
                     "CREATE TABLE archive.invoices (id int PRIMARY KEY, total int);\n",
    "reports/totals.sql": "SELECT i.total, a.total\nFROM sales.invoices AS i\nJOIN archive.invoices AS a ON a.id = i.id;\n",
    "dbt_project.yml": "name: shop\nversion: '1'\n",
    "models/schema.yml": "models:\n  - name: emails\n    columns: [a, b\n",
    "models/emails.sql": "{% if %}\nselect id from {{ source('shop', 'orders') }}\n",
}


@pytest.fixture
def awkward_project(tmp_path: Path) -> Path:
    root = tmp_path / "awkward"
    for name, text in BAD_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "app" / "blob.py").write_bytes(b"\x00\x01binary\x00")
    (root / "app" / "latin.sql").write_bytes("SELECT 'caf\xe9' FROM orders;\n".encode("latin-1"))
    return root


def test_documents_of_a_project_with_unreadable_files_and_unparsed_sql_are_valid(awkward_project: Path) -> None:
    run = Depmap()
    query_every_table(run, awkward_project)
    path = ["--path", str(awkward_project), "--format", "json"]
    for target in ("invoices", "invoices.total"):  # a table of two schemas: the query names both
        run.json("usages", "who-reads", target, *path)
        run.json("downstream", "downstream", target, *path)
    run.json("impact", "impact", "orders.note", "--type", "text", *path)
    assert run.invalid() == []
    scan = run.documents[0][2]
    assert {s["path"] for s in scan["skipped"]} >= {"app/blob.py", "app/latin.sql", "app/legacy.py", "app/syntax.py"}
    orders = next(d for n, line, d in run.documents if line.startswith("who-reads orders "))
    assert {u["detail"] for u in orders["usages"]} >= {"select", "unparsed"}
    both = [d["query"] for n, line, d in run.documents if line.startswith("who-reads invoices")]
    assert both == [{"table": ["archive.invoices", "sales.invoices"], "column": None},
                    {"table": ["archive.invoices", "sales.invoices"], "column": "total"}]


def test_a_rule_that_fails_is_an_error_line_of_a_valid_document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from depmap.impact import registry
    from depmap.impact.rule import Rule

    def fails(_ctx: Any) -> Iterator[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(registry, "RULES", (*registry.RULES, Rule("select-star", "warning", fails, "Fails.")))
    root = sample_copy(tmp_path, "shop_sql")
    run = Depmap()
    document = run.json("impact", "impact", "orders.discount_code", "--type", "text", "--path", str(root), "--format", "json")
    assert document["errors"] == ["rule select-star failed: RuntimeError: boom"]
    assert run.invalid() == []


def test_the_printed_schema_validates_what_the_installed_files_validate(tmp_path: Path) -> None:
    """`depmap schema NAME` (self-contained) and `--print` (every document) agree with the files."""
    root = sample_copy(tmp_path, "warehouse")
    run = Depmap()
    usages = run.json("usages", "who-reads", "customers", "--path", str(root), "--format", "json")
    graph = run.json("graph", "graph", "--path", str(root), "--format", "json")
    printed = {name: json.loads(CliRunner().invoke(cli, ["schema", name]).stdout) for name in ("usages", "graph")}
    everything = Draft202012Validator(json.loads(CliRunner().invoke(cli, ["schema", "--print"]).stdout))
    for name, document in (("usages", usages), ("graph", graph)):
        assert list(Draft202012Validator(printed[name]).iter_errors(document)) == []
        assert everything.is_valid(document)
    broken = {**usages, "usages": [{k: v for k, v in usages["usages"][0].items() if k != "line"}]}
    assert problems("usages", broken) != [] and not Draft202012Validator(printed["usages"]).is_valid(broken)
    assert not everything.is_valid(broken)
