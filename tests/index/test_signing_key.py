"""The key that signs stored indexes: the user's own and private, or not used at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from depmap.index import signing_key as module
from depmap.index.build import build_index
from tests.index.test_store import INDEX, shop  # noqa: F401 (fixture)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache" / "depmap"


def test_the_suite_never_touches_the_real_home(private_home: Path):
    assert os.environ["HOME"] == str(private_home)
    assert module.key_folder() == private_home / ".cache" / "depmap"


def test_first_use_makes_a_private_folder_and_key(folder):
    secret = module.signing_key(create=True)
    assert len(secret) == 32
    assert (mode(folder), mode(folder / "index-signing-key")) == (0o700, 0o600)
    assert module.signing_key(create=False) == secret


def test_no_key_is_made_when_only_reading(folder):
    assert module.signing_key(create=False) is None
    assert not folder.exists()


def test_a_folder_others_can_open_is_made_private_again(folder):
    secret = module.signing_key(create=True)
    folder.chmod(0o777)
    assert module.signing_key(create=False) == secret
    assert mode(folder) == 0o700


@pytest.mark.parametrize("shared", [0o666, 0o640, 0o604])
def test_a_key_others_can_read_or_write_is_replaced(folder, shared):
    old = module.signing_key(create=True)
    (folder / "index-signing-key").chmod(shared)
    assert module.signing_key(create=False) is None  # not trusted, and gone
    assert not (folder / "index-signing-key").exists()
    new = module.signing_key(create=True)
    assert new != old and mode(folder / "index-signing-key") == 0o600


def test_a_key_cut_short_is_replaced(folder):
    module.signing_key(create=True)
    (folder / "index-signing-key").write_bytes(b"short")
    assert len(module.signing_key(create=True)) == 32


def test_a_key_that_is_a_link_is_refused_and_left_alone(folder, tmp_path):
    folder.mkdir(parents=True, mode=0o700)
    planted = tmp_path / "known-key"
    planted.write_bytes(b"k" * 32)
    planted.chmod(0o600)
    (folder / "index-signing-key").symlink_to(planted)
    assert module.signing_key(create=True) is None
    assert (folder / "index-signing-key").is_symlink() and planted.read_bytes() == b"k" * 32


def test_a_folder_that_is_a_link_is_refused(folder, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    folder.parent.mkdir()
    folder.symlink_to(elsewhere)
    assert module.signing_key(create=True) is None
    assert list(elsewhere.iterdir()) == []


def test_an_index_is_neither_stored_nor_loaded_without_a_trusted_key(shop, tmp_path):  # noqa: F811
    folder = tmp_path / "user-cache" / "depmap"
    folder.mkdir(parents=True, mode=0o700)
    (folder / "index-signing-key").symlink_to(tmp_path / "nowhere")
    build_index(shop, jobs=1, use_cache=True)
    assert not (shop / INDEX).exists()
    warm = build_index(shop, jobs=1, use_cache=True)  # from the stored rows (data): nothing linked again
    assert (warm.files_parsed, warm.timings["graph"], warm.warnings) == (0, 0.0, [])
    assert not (shop / INDEX).exists()


def test_without_posix_permissions_there_is_no_key(folder, monkeypatch):
    monkeypatch.setattr(module.os, "name", "nt")
    assert module.signing_key(create=True) is None
    monkeypatch.undo()
    assert not folder.exists()


def test_a_pipe_in_place_of_the_key_is_refused_without_waiting(folder):
    folder.mkdir(parents=True, mode=0o700)
    os.mkfifo(folder / "index-signing-key", 0o600)
    assert module.signing_key(create=True) is None
