"""Shared pytest options.

`--update-golden` rewrites golden files (tests/**/golden/) from the current output instead of
comparing against them; review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test (and every command it runs) gets its own HOME and XDG_CACHE_HOME: the suite never
    reads or writes the real ~/.cache/depmap, where the key that signs stored indexes lives."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", SAMPLES_CEILING)
    return home


# The bundled samples live inside depmap's own repository: git must not answer for them with
# depmap's history (a column's "last mentioned in" commit would change with every merge).
SAMPLES_CEILING = str(Path(__file__).resolve().parent.parent / "samples")
