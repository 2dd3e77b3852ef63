from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "shop_sql"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


def depmap_command() -> list[str]:
    """The installed console script, as a user runs it."""
    script = Path(sys.executable).with_name("depmap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "depmap"]


@pytest.fixture(scope="session")
def user_cache(tmp_path_factory) -> Path:
    """The user's cache folder (where depmap keeps its index-signing key), outside the repository."""
    return tmp_path_factory.mktemp("user-cache")


@pytest.fixture
def depmap(user_cache: Path):
    def run(*args: str, cwd: Path | None = None) -> Run:
        done = subprocess.run(
            [*depmap_command(), *args],
            cwd=cwd or REPO,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(REPO), "XDG_CACHE_HOME": str(user_cache),
                 "GIT_CEILING_DIRECTORIES": str(REPO / "samples")},
            timeout=120,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run
