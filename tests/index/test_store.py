"""The linked index of an unchanged project: loaded whole when signed by this user, else ignored."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from depmap.index.build import build_index
from tests.index.test_cache import SHOP, age, facts_of, fresh

INDEX = Path(".depmap") / "index.pickle"


class Planted:
    """Unpickling this would create a file: proof that an unsigned index is never loaded."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture
def shop(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    age(root)
    return root


def test_unchanged_project_loads_the_linked_index(shop, tmp_path):
    cold = build_index(shop, jobs=1, use_cache=True)
    assert (shop / INDEX).exists()
    assert oct((tmp_path / "user-cache" / "depmap" / "index-signing-key").stat().st_mode & 0o777) == "0o600"
    warm = build_index(shop, jobs=1, use_cache=True)
    assert (warm.files_parsed, warm.timings["scan"], warm.timings["graph"]) == (0, 0.0, 0.0)
    assert facts_of(warm) == facts_of(cold) == facts_of(fresh(shop))
    assert warm.graph.writers("orders") == cold.graph.writers("orders")
    assert warm.catalog.to_json() == cold.catalog.to_json()
    assert warm.skipped == cold.skipped


def test_a_changed_file_rebuilds_the_index(shop):
    build_index(shop, jobs=1, use_cache=True)
    path = shop / "shop" / "repositories" / "orders.py"
    path.write_text(path.read_text() + "\n\ndef audit(cur):\n    cur.execute('DELETE FROM audit_log')\n")
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.files_parsed == 1
    assert index.timings["graph"] > 0
    assert [f.detail for f in index.graph.writers("audit_log") if f.location.path == "shop/repositories/orders.py"] == ["delete"]


def test_tampered_or_foreign_index_is_ignored_and_never_unpickled(shop, tmp_path, monkeypatch):
    build_index(shop, jobs=1, use_cache=True)
    data = bytearray((shop / INDEX).read_bytes())
    data[-1] ^= 0xFF
    (shop / INDEX).write_bytes(bytes(data))
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.timings["graph"] == 0.0  # loaded from the stored rows, which are data
    assert facts_of(index) == facts_of(fresh(shop))

    marker = tmp_path / "pwned"
    (shop / INDEX).write_bytes(pickle.dumps(("key", Planted(str(marker)))) + os.urandom(32))
    assert facts_of(build_index(shop, jobs=1, use_cache=True)) == facts_of(fresh(shop))
    assert not marker.exists()

    # Signed with somebody else's key (a cache restored from another machine): ignored too.
    build_index(shop, jobs=1, use_cache=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    index = build_index(shop, jobs=1, use_cache=True)
    assert (index.files_parsed, index.timings["graph"]) == (0, 0.0)  # from the stored rows, not the pickle
    assert facts_of(index) == facts_of(fresh(shop))


@pytest.mark.parametrize("facts_a_part", [20_000, 7])
def test_the_index_is_stored_compressed_in_parts_and_loads_as_stored(shop, monkeypatch, facts_a_part):
    import io
    import zlib

    from depmap.index import store

    monkeypatch.setattr(store, "FACTS_A_PART", facts_a_part)
    cold = build_index(shop, jobs=1, use_cache=True)
    data = (shop / INDEX).read_bytes()
    parts = io.BytesIO(zlib.decompress(data[:-32]))
    key, count = pickle.load(parts)
    slices = [pickle.load(parts) for _ in range(-(-count // facts_a_part))]
    assert [len(part) for part in slices] == [min(facts_a_part, count - start) for start in range(0, count, facts_a_part)]
    facts = [fact for part in slices for fact in part]
    assert [f.to_json() for f in facts] == facts_of(cold)
    whole = pickle.dumps((key, (cold.facts, cold.skipped, cold.catalog, cold.graph)), protocol=pickle.HIGHEST_PROTOCOL)
    assert len(data) < len(whole) // 2

    skipped, catalog, graph = store._read_parts(store._Inflating(memoryview(data[:-32])), key)[1:]
    assert graph.node_link() == cold.graph.node_link()
    assert store._read_parts(store._Inflating(memoryview(data[:-32])), "another key") is None
    warm = build_index(shop, jobs=1, use_cache=True)
    assert (warm.timings["graph"], facts_of(warm), warm.graph.node_link()) == (0.0, facts_of(cold), cold.graph.node_link())
    # an edge's fact is the list's own object, as when the index was linked
    edge_facts = [data[1] for _, _, data in warm.graph.g.edges() if data[1] is not None]
    assert edge_facts and all(any(fact is known for known in warm.facts) for fact in edge_facts[:20])


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_the_inflating_reader_gives_back_what_was_pickled(protocol):
    import hashlib
    import hmac
    import io

    from depmap.index.store import _Inflating, _SigningWriter

    value = ("key", [f"line {n}\n" * (n % 7) for n in range(20_000)], bytes(range(256)) * 4_000, list(range(50_000)))
    out = io.BytesIO()
    writer = _SigningWriter(out, hmac.new(b"secret", digestmod=hashlib.sha256))
    pickle.dump(value, writer, protocol=protocol)
    writer.finish()
    assert writer.mac.digest() == hmac.new(b"secret", out.getvalue(), hashlib.sha256).digest()
    assert pickle.load(_Inflating(memoryview(out.getvalue()))) == value
