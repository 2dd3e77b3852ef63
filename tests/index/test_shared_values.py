"""Facts that arrive in the main process (decoded from the cache, received from a worker) share
their equal values, and say, sort and print exactly what the scanned facts do."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from depmap.config import load_config
from depmap.discover import SCANNED_KINDS, discover
from depmap.frameworks.sql_files.scanner import scan_sql_file
from depmap.index.cache import decode_result, encode_result
from depmap.index.pool import read_and_scan
from depmap.index.shared_values import shared_result
from depmap.model import Fact, Location, ScanResult, sorted_facts
from depmap.scan_context import ScanContext

REPO = Path(__file__).resolve().parents[2]
DJANGO_SHOP = REPO / "samples" / "django_shop"


def scanned(root: Path) -> list[tuple[str, ScanResult, bytes]]:
    """(path, the result as a worker gives it, the blob it stores in the cache) of every file."""
    found = discover(root, load_config(root)[0])
    outcomes = []
    for file in found.files:
        if file.kind in SCANNED_KINDS:
            _digest, result, blob = read_and_scan(root, file, "", ScanContext(), encode=True)
            outcomes.append((file.path, result, blob))
    return outcomes


def test_facts_decoded_from_the_cache_equal_the_scanned_ones_in_value_order_and_json():
    outcomes = scanned(DJANGO_SHOP)
    assert sum(len(result.facts) for _, result, _ in outcomes) > 100
    for path, result, blob in outcomes:
        decoded = decode_result(blob)
        assert decoded.facts == result.facts, path
        assert decoded.skipped == result.skipped, path
        assert [json.dumps(f.to_json()) for f in sorted_facts(decoded.facts)] == [json.dumps(f.to_json()) for f in sorted_facts(result.facts)]
        shared = shared_result(result)
        assert shared.facts == result.facts, path
        assert [f.sort_key() == g.sort_key() for f, g in zip(shared.facts, result.facts)] == [True] * len(result.facts)
        assert pickle.loads(pickle.dumps(decoded.facts, protocol=pickle.HIGHEST_PROTOCOL)) == result.facts


def test_equal_values_of_different_files_are_held_once():
    sql = "SELECT id, status FROM orders WHERE status = 'paid';\nINSERT INTO audit_log (order_id) SELECT id FROM orders;\n"
    daily, weekly = (scan_sql_file(path, sql, ScanContext()) for path in ("reports/daily.sql", "reports/weekly.sql"))
    first, second = decode_result(encode_result(daily)).facts, decode_result(encode_result(weekly)).facts
    assert [f.to_json() for f in first] == [f.to_json() for f in daily.facts]
    assert len(first) == len(second) > 3
    for one, other in zip(first, second):
        assert (one.kind, one.table, one.columns, one.snippet, one.via) == (other.kind, other.table, other.columns, other.snippet, other.via)
        assert [a is b for a, b in zip((one.kind, one.table, one.columns, one.snippet, one.via), (other.kind, other.table, other.columns, other.snippet, other.via))] == [True] * 5
        assert [key for key in one.extra if key is not next(k for k in other.extra if k == key)] == []
    assert len({id(f.location.path) for f in first}) == 1


def test_sharing_keeps_every_type_a_worker_sent():
    fact = Fact("column_def", "orders", Location("shop/models.py", 1, 3, None, "Order", None), ("paid",), None, "model_definition",
                "django", "high", "paid = models.BooleanField(default=True)",
                {"default": True, "nullable": False, "rank": 1, "fields": ("id", "paid"), "refs": [{"table": "orders", "n": 1.5}]})
    shared = shared_result(ScanResult([fact])).facts[0]
    assert shared == fact
    assert [type(shared.extra[key]) for key in ("default", "nullable", "rank", "fields", "refs")] == [bool, bool, int, tuple, list]
    assert shared.extra["refs"] == [{"table": "orders", "n": 1.5}]
    assert type(shared.location.line) is int and shared.location.col is None


def test_a_workers_facts_arrive_made_of_shared_values(tmp_path):
    from depmap.index.pool import scan_files

    sql = "SELECT id, status FROM orders WHERE status = 'paid';\nINSERT INTO audit_log (order_id) SELECT id FROM orders;\n"
    for name in ("daily", "weekly"):
        (tmp_path / "reports").mkdir(exist_ok=True)
        (tmp_path / "reports" / f"{name}.sql").write_text(sql)
    files = sorted((f for f in discover(tmp_path, load_config(tmp_path)[0]).files if f.kind in SCANNED_KINDS), key=lambda f: f.path)
    assert [f.path for f in files] == ["reports/daily.sql", "reports/weekly.sql"]
    for jobs, debug in ((2, False), (1, True)):  # in workers, and in this process
        (_, first, _), (_, second, _) = scan_files(tmp_path, [(file, "") for file in files], ScanContext(), jobs, debug)
        assert first.facts == scan_sql_file("reports/daily.sql", sql, ScanContext()).facts
        assert second.facts == scan_sql_file("reports/weekly.sql", sql, ScanContext()).facts
        assert len(first.facts) == len(second.facts) > 3
        for one, other in zip(first.facts, second.facts):
            assert [a is b for a, b in zip((one.kind, one.table, one.columns, one.snippet, one.via), (other.kind, other.table, other.columns, other.snippet, other.via))] == [True] * 5
            assert one.location.line is other.location.line
