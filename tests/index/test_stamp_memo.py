"""The scanner stamp's memo: it spares the hash of unchanged modules and never changes the stamp."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from depmap import __version__
from depmap.index import cache as cache_module
from depmap.index import stamp_memo
from depmap.index.stamp_memo import MEMO_NAME, remembered_stamp

MODULES = ["__init__.py", "index/cache.py", "sql/parse.py"]


@pytest.fixture
def package(tmp_path, monkeypatch):
    monkeypatch.setattr(stamp_memo, "RACY_NS", 0)  # files written by the test are seconds old at most
    root = tmp_path / "depmap"
    for name in MODULES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"# {name}\nVALUE = 1\n")
    return root


class Hasher:
    """A stamp computed from the modules' bytes, counting how often it was asked."""

    def __init__(self, root, modules):
        self.root, self.modules, self.calls = root, modules, 0

    def __call__(self) -> str:
        self.calls += 1
        return hashlib.sha256(b"".join((self.root / name).read_bytes() for name in self.modules)).hexdigest()


def test_an_unchanged_package_is_not_hashed_again(package):
    hasher = Hasher(package, MODULES)
    first = remembered_stamp(package, MODULES, hasher)
    assert hasher.calls == 1
    held = json.loads((package / "__pycache__" / MEMO_NAME).read_text())
    assert held["stamp"] == first
    assert [row[0] for row in held["sources"]] == MODULES
    assert remembered_stamp(package, MODULES, hasher) == first
    assert hasher.calls == 1


def test_a_same_size_edit_with_its_mtime_put_back_is_hashed(package):
    hasher = Hasher(package, MODULES)
    first = remembered_stamp(package, MODULES, hasher)
    module = package / "index/cache.py"
    before = os.stat(module)
    module.write_text(module.read_text().replace("VALUE = 1", "VALUE = 2"))
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))  # only the ctime tells
    second = remembered_stamp(package, MODULES, hasher)
    assert hasher.calls == 2 and second != first
    assert remembered_stamp(package, MODULES, hasher) == second and hasher.calls == 2


def test_an_added_module_is_hashed(package):
    hasher = Hasher(package, MODULES)
    remembered_stamp(package, MODULES, hasher)
    (package / "sql/extra.py").write_text("X = 1\n")
    more = [*MODULES, "sql/extra.py"]
    assert remembered_stamp(package, more, Hasher(package, more)) == Hasher(package, more)()


@pytest.mark.parametrize("memo", ["{not json", '{"sources": [], "stamp": "forged"}', '["a list"]', '{"sources": 1, "stamp": 2}'])
def test_a_memo_of_another_shape_or_other_modules_is_ignored(package, memo):
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / MEMO_NAME).write_text(memo)
    hasher = Hasher(package, MODULES)
    assert remembered_stamp(package, MODULES, hasher) == Hasher(package, MODULES)()
    assert hasher.calls == 1


def test_a_module_written_just_now_is_not_remembered(package, monkeypatch):
    monkeypatch.setattr(stamp_memo, "RACY_NS", 10**18)
    hasher = Hasher(package, MODULES)
    remembered_stamp(package, MODULES, hasher)
    assert not (package / "__pycache__" / MEMO_NAME).exists()
    remembered_stamp(package, MODULES, hasher)
    assert hasher.calls == 2


def test_a_folder_that_cannot_hold_the_memo_costs_only_the_hash(package):
    (package / "__pycache__").write_text("a file where the folder would be")
    hasher = Hasher(package, MODULES)
    assert remembered_stamp(package, MODULES, hasher) == Hasher(package, MODULES)()
    assert remembered_stamp(package, MODULES, hasher) == Hasher(package, MODULES)()
    assert hasher.calls == 2
    assert sorted(path.name for path in package.iterdir()) == ["__init__.py", "__pycache__", "index", "sql"]


def test_a_missing_module_costs_only_the_hash(package):
    calls = []
    assert remembered_stamp(package, [*MODULES, "gone.py"], lambda: calls.append(1) or "computed") == "computed"
    assert calls == [1]


def test_depmaps_stamp_is_the_hash_of_its_modules():
    package = cache_module.stamped_sources()[0].parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    assert cache_module.scanner_stamp() == digest.hexdigest()
