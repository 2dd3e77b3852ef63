"""The shipped schemas: valid JSON Schema, one per document, bundled without loss, following the
code's own enums, and strict enough to reject documents that break the contract."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from depmap import schemas
from depmap.impact.finding import BREAKS, NEEDS_CARE, SAFE, SEVERITY_ORDER
from depmap.impact.registry import RULES
from depmap.mentions.mention import WHYS
from depmap.model import CONFIDENCE_ORDER, SCHEMA_VERSION
from tests.schemas.validation import problems

GOLDEN = Path(__file__).resolve().parents[1] / "render" / "golden" / "json"


def common(name: str) -> Any:
    return schemas.load(schemas.COMMON)["$defs"][name]


def test_one_file_per_document_and_the_shared_definitions():
    files = sorted(path.name for path in schemas.FOLDER.glob("*.json"))
    assert files == sorted(f"{name}.schema.json" for name in [schemas.COMMON, *schemas.DOCUMENTS])
    assert list(schemas.DOCUMENTS) == ["scan", "tables", "usages", "downstream", "history", "graph", "impact", "check", "verify"]
    for name in schemas.DOCUMENTS:
        assert schemas.path_of(name) == schemas.FOLDER / f"{name}.schema.json"


@pytest.mark.parametrize("name", [schemas.COMMON, *schemas.DOCUMENTS])
def test_each_file_is_a_draft_2020_12_schema(name: str):
    schema = schemas.load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    if name != schemas.COMMON:
        assert schema["properties"]["schema_version"] == {"$ref": "common.schema.json#/$defs/schema_version"}
        assert schema["title"].startswith("depmap ") and "--format json" in schema["description"]


def test_the_enums_are_the_codes_own():
    assert common("schema_version") == {"const": SCHEMA_VERSION, "description": common("schema_version")["description"]}
    assert common("rule")["enum"] == [rule.id for rule in RULES]
    assert common("severity")["enum"] == list(SEVERITY_ORDER)
    assert common("confidence")["enum"] == list(CONFIDENCE_ORDER)
    assert sorted(common("verdict")["enum"]) == sorted([SAFE, NEEDS_CARE, BREAKS])
    assert common("why")["enum"] == list(WHYS)


@pytest.mark.parametrize("name", list(schemas.DOCUMENTS))
def test_a_bundle_stands_alone_and_holds_only_what_it_reaches(name: str):
    bundle = schemas.bundle(name)
    Draft202012Validator.check_schema(bundle)
    refs = _refs(bundle)
    assert all(ref.startswith("#/$defs/") for ref in refs)
    assert {ref.split("/")[2] for ref in refs} == set(bundle["$defs"])  # nothing missing, nothing extra
    assert {k: v for k, v in bundle.items() if k != "$defs"} == {
        k: v for k, v in _localised(schemas.load(name)).items() if k != "$defs"
    }


def test_the_check_bundle_carries_the_impact_document_whole():
    bundle = schemas.bundle("check")
    assert bundle["properties"]["columns"]["items"] == {"$ref": "#/$defs/impact"}
    assert bundle["$defs"]["impact"]["required"] == schemas.load("impact")["required"]
    assert {"column_spec", "step", "usage", "finding"} <= set(bundle["$defs"])


def test_the_whole_contract_is_one_schema_of_every_document():
    everything = schemas.bundle_all()
    Draft202012Validator.check_schema(everything)
    assert everything["anyOf"] == [{"$ref": f"#/$defs/{name}"} for name in schemas.DOCUMENTS]
    assert set(schemas.DOCUMENTS) <= set(everything["$defs"])


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [value for key, value in node.items() if key == "$ref"] + [r for key, value in node.items() if key != "$ref" for r in _refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def _localised(node: Any) -> Any:
    """The installed schema with its references written as the bundle writes them."""
    if isinstance(node, dict):
        return {key: ("#/$defs/" + value.split("/")[-1].removesuffix(".schema.json") if key == "$ref" else _localised(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_localised(item) for item in node]
    return node


@pytest.fixture
def scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(schemas, "FOLDER", tmp_path)
    schemas._text.cache_clear()
    yield tmp_path
    schemas._text.cache_clear()


def test_two_definitions_of_one_name_are_refused(scratch_folder: Path):
    for name, defs in (("a", {}), ("b", {"money": {"type": "integer"}}), ("c", {"money": {"type": "number"}})):
        (scratch_folder / f"{name}.schema.json").write_text(json.dumps({"$defs": defs}))
    root = {"properties": {"x": {"$ref": "b.schema.json#/$defs/money"}, "y": {"$ref": "c.schema.json#/$defs/money"}}}
    with pytest.raises(schemas.SchemaError, match="two definitions named 'money': b.schema.json and c.schema.json"):
        schemas._Bundler().root(root, "a.schema.json")


def test_a_reference_into_a_property_is_refused(scratch_folder: Path):
    (scratch_folder / "a.schema.json").write_text(json.dumps({"properties": {"x": {"type": "string"}}}))
    with pytest.raises(schemas.SchemaError, match="cannot bundle \\$ref '#/properties/x' of a.schema.json"):
        schemas._Bundler().root({"items": {"$ref": "#/properties/x"}}, "a.schema.json")


# -- the schemas reject what breaks the contract ---------------------------------------------------


@pytest.fixture(scope="module")
def impact() -> dict[str, Any]:
    """A real impact document: `depmap impact orders.discount_code` on the shop sample (golden)."""
    return json.loads((GOLDEN / "shop_sql.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("sample", ["shop_sql", "django_shop", "sqlalchemy_service", "warehouse"])
def test_the_golden_impact_documents_are_valid(sample: str):
    assert problems("impact", json.loads((GOLDEN / f"{sample}.json").read_text(encoding="utf-8"))) == []


def usages_document(impact: dict[str, Any], *usages: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": 2, "query": {"table": "orders", "column": None}, "usages": list(usages), "findings": [], "skipped": []}


def with_columns(impact: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(next(u for u in impact["usages"] if u["columns"] and "notes" in u))


def test_a_real_usage_is_valid_and_its_notes_are_open(impact):
    usage = with_columns(impact)
    usage["notes"]["anything_a_detail_records"] = {"nested": [1, 2]}
    assert problems("usages", usages_document(impact, usage)) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda u: u.pop("line"), ": 'line' is a required property"),
        (lambda u: u.pop("statement"), ": 'statement' is a required property"),
        (lambda u: u.update(line=0), "line: 0 is less than the minimum of 1"),
        (lambda u: u.update(line="18"), "line: '18' is not of type 'integer'"),
        (lambda u: u.update(access="delete"), "access: 'delete' is not one of ['read', 'write']"),
        (lambda u: u.update(confidence="certain"), "confidence: 'certain' is not one of ['high', 'medium', 'low']"),
        (lambda u: u.update(via="grep"), "via: 'grep' is not one of ['sql', 'orm', 'migration', 'dbt', 'airflow']"),
        (lambda u: u.update(statement={"line": 13}), "statement: 'end_line' is a required property"),
        (lambda u: u.update(lines=[18]), "lines: [18] is too short"),
        (lambda u: u.update(column_lines={"status": "19"}), "column_lines/status: '19' is not of type 'integer'"),
        (lambda u: u.pop("column_lines"), ": 'column_lines' is a required property"),
        (lambda u: u.update(columns=[]), "should not be valid under {'required': ['column_lines']}"),
        (lambda u: u.update(notes={}), "notes: {} should be non-empty"),
        (lambda u: u.update(extra_key=1), ": Additional properties are not allowed ('extra_key' was unexpected)"),
    ],
    ids=["no-line", "no-statement", "line-0", "line-text", "access", "confidence", "via", "statement-half", "one-line-list",
         "column-line-text", "columns-without-lines", "lines-without-columns", "empty-notes", "unknown-key"],
)
def test_a_usage_that_breaks_the_contract_is_rejected(impact, change, message: str):
    usage = with_columns(impact)
    change(usage)
    found = problems("usages", usages_document(impact, usage))
    assert any(message in line for line in found), found


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("schema_version",), 1, "schema_version: 2 was expected"),
        (("verdict",), "ok", "verdict: 'ok' is not one of ['safe', 'needs care', 'breaking']"),
        (("findings", 0, "severity"), "critical", "findings/0/severity: 'critical' is not one of"),
        (("findings", 0, "rule"), "select-stars", "findings/0/rule: 'select-stars' is not one of"),
        (("counts", "fatal"), 0, "counts: Additional properties are not allowed ('fatal' was unexpected)"),
        (("plan", 0, "name"), "deploy", "plan/0/name: 'deploy' is not one of"),
        (("plan", 0, "migration_code", "rails"), "add_column", "plan/0/migration_code: 'rails' is not one of ['django', 'alembic', 'python']"),
        (("column", "generated"), "always", "column/generated: 'always' is not one of ['stored', 'virtual', None]"),
        (("dialect", "version"), 16, "dialect/version: 16 is not of type 'string', 'null'"),
        (("query", "table"), ["orders", "archive.orders"], "query/table: ['orders', 'archive.orders'] is not of type 'string'"),
    ],
)
def test_an_impact_document_that_breaks_the_contract_is_rejected(impact, path: tuple, value: Any, message: str):
    document = copy.deepcopy(impact)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    found = problems("impact", document)
    assert any(line.startswith(message) for line in found), found


def test_a_graph_edge_keeps_to_its_kind():
    node = {"id": "table:orders", "kind": "table", "name": "orders"}
    edge = {"source": "table:orders", "target": "column:orders.id", "kind": "has_column"}
    read = {"source": "code:app.py::load", "target": "table:orders", "kind": "reads", "path": "app.py", "line": 3, "detail": "select"}
    assert problems("graph", {"schema_version": 2, "nodes": [node], "edges": [edge, read]}) == []
    assert problems("graph", {"schema_version": 2, "nodes": [], "edges": [{**edge, "line": 3}]}) == ["edges/0: False schema does not allow 3"]
    assert problems("graph", {"schema_version": 2, "nodes": [], "edges": [{k: v for k, v in read.items() if k != "path"}]}) == [
        "edges/0: 'path' is a required property"]
    assert problems("graph", {"schema_version": 2, "nodes": [{**node, "kind": "column"}], "edges": []}) != []


# -- what other parts of the contract are adding: history, tables' objects, mentions ----------------

ENTRY = {"op": "create_index", "table": "orders", "path": "migrations/versions/3f2c_add_index.py", "line": 21, "end_line": 23,
         "columns": ["status"], "direction": "upgrade", "migration": "3f2c9a11d8e4", "via": "migration",
         "name": "ix_orders_status", "unique": False, "operation": "op.create_index"}


def test_a_history_document_is_typed_and_open_to_what_each_operation_adds():
    downgrade = {**ENTRY, "op": "drop_index", "direction": "downgrade", "line": 30, "end_line": 30}
    document = {"schema_version": 2, "query": {"table": "orders", "column": "status"}, "names": [],
                "history": [ENTRY], "downgrades": [downgrade], "last_migration": ENTRY}
    assert problems("history", document) == []
    assert problems("history", {**document, "history": [{k: v for k, v in ENTRY.items() if k != "direction"}]}) == [
        "history/0: 'direction' is a required property"]
    assert problems("history", {**document, "history": [{**ENTRY, "direction": "up"}]}) == [
        "history/0/direction: 'up' is not one of ['upgrade', 'downgrade', None]"]
    assert problems("history", {**document, "history": [{**ENTRY, "columns": "status"}]}) == [
        "history/0/columns: 'status' is not of type 'array'"]


def test_a_table_may_carry_its_history_indexes_and_constraints():
    where = [{"path": "migrations/0001_initial.sql", "line": 30, "via": "migration"}]
    table = {
        "name": "orders", "view": False, "defined_at": where,
        "columns": [{"name": "status", "type": "TEXT", "nullable": False, "default": "'new'", "defined_at": where}],
        "history": [ENTRY],
        "indexes": [{"name": "orders_status_idx", "columns": ["status"], "unique": False, "defined_at": where},
                    {"name": None, "columns": ["lower(email)"], "unique": True, "expressions": True, "where": "deleted_at IS NULL", "defined_at": where}],
        "constraints": [{"name": "orders_customer_fk", "kind": "foreign_key", "columns": ["customer_id"],
                         "references": {"table": "customers", "columns": ["id"]}, "defined_at": where}],
    }
    assert problems("tables", {"schema_version": 2, "tables": [table]}) == []
    broken = {**table, "constraints": [{**table["constraints"][0], "kind": "fk"}]}
    assert problems("tables", {"schema_version": 2, "tables": [broken]}) == [
        "tables/0/constraints/0/kind: 'fk' is not one of ['unique', 'foreign_key', 'check', 'primary_key', 'exclude']"]
    assert problems("tables", {"schema_version": 2, "tables": [{**table, "indexes": [{"name": "x", "columns": ["a"], "defined_at": where}]}]}) == [
        "tables/0/indexes/0: 'unique' is a required property"]
    assert problems("tables", {"schema_version": 2, "tables": [{**table, "owner": "ops"}]}) == [
        "tables/0: Additional properties are not allowed ('owner' was unexpected)"]


def test_mentions_sit_apart_from_the_usages(impact):
    mention = {"path": "shop/admin/notes.py", "line": 4, "text": "# orders are archived nightly", "why": "comment"}
    search = {"names": ["orders"], "files_searched": 3, "files_read": 1, "by_reason": {"comment": 1}, "not_searched": []}
    document = {**usages_document(impact), "mentions": [mention], "mention_search": search}
    assert problems("usages", document) == []
    assert problems("impact", {**impact, "mentions": [mention]}) == []
    assert problems("usages", {**document, "mentions": [{k: v for k, v in mention.items() if k != "why"}]}) == [
        "mentions/0: 'why' is a required property"]
    assert problems("usages", {**document, "mentions": [{**mention, "why": "prose"}]}) == [
        f"mentions/0/why: 'prose' is not one of {list(WHYS)}"]
    assert problems("usages", {**document, "mention_search": {**search, "by_reason": {"prose": 1}}}) == [
        f"mention_search/by_reason: 'prose' is not one of {list(WHYS)}"]
