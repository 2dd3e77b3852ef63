"""Measurements: one command in a fresh wrapper process (wall time and the child's peak RSS),
and the in-process baseline of reading and `ast.parse`-ing the same Python files.

Each command runs under its own short-lived wrapper, so `getrusage(RUSAGE_CHILDREN)` in that
wrapper sees exactly one command's processes: peaks of earlier runs never leak into later ones.
`ru_maxrss` is the largest single process among them (the main process, or the largest worker
when depmap scans with several), not the sum of a pool.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Runs as `python -c WRAPPER OUT_FILE CMD...`: the command's stdout goes to OUT_FILE, and one JSON
# line of measurements to the wrapper's own stdout.
WRAPPER = r"""
import json, resource, subprocess, sys, time
out_path, command = sys.argv[1], sys.argv[2:]
with open(out_path, "wb") as out:
    started = time.perf_counter()
    done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "code": done.returncode, "wall": wall, "maxrss_kb": usage.ru_maxrss,
    "user": usage.ru_utime, "sys": usage.ru_stime,
    "stderr": done.stderr.decode("utf-8", "replace")[-4000:],
}))
"""

SCANNED_SUFFIXES = (".py", ".pyi", ".sql", ".yml", ".yaml", ".json", ".csv")
PRUNED = frozenset({".git", ".hg", ".svn", ".depmap", "node_modules", "__pycache__", ".tox", ".nox", ".venv", "venv", "env",
                    ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", "site-packages", ".eggs"})  # fmt: skip


@dataclass
class Run:
    """One command's cost."""

    code: int
    wall: float
    maxrss_mb: float
    user: float
    sys: float
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")

    def json(self) -> Any:
        return json.loads(self.stdout)

    def record(self) -> dict[str, Any]:
        """The numbers, without the outputs."""
        data = asdict(self)
        del data["stdout"], data["stderr"]
        return data


class CommandFailed(RuntimeError):
    pass


def measure(command: list[str], *, cwd: Path | None = None, timeout: float | None = None, allowed: tuple[int, ...] = (0,)) -> Run:
    """Run `command` once in a fresh wrapper; raise CommandFailed on an exit code not `allowed`
    (`impact` exits 1 for a breaking verdict)."""
    with tempfile.NamedTemporaryFile(prefix="depmap-bench-", suffix=".out", delete=False) as handle:
        out_path = Path(handle.name)
    try:
        # depmap's modules byte-compiled, as an installed depmap's are: with PYTHONDONTWRITEBYTECODE
        # set (some CI images set it) every run compiled every changed module again (0.1 s of a warm query).
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"} | {"NO_COLOR": "1"}
        done = subprocess.run(
            [sys.executable, "-c", WRAPPER, str(out_path), *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise CommandFailed(f"wrapper failed for {' '.join(command)}: {done.stderr.strip()}")
        data = json.loads(done.stdout.strip().splitlines()[-1])
        run = Run(
            code=data["code"],
            wall=data["wall"],
            maxrss_mb=data["maxrss_kb"] / 1024,
            user=data["user"],
            sys=data["sys"],
            stdout=out_path.read_text(encoding="utf-8", errors="replace"),
            stderr=data["stderr"],
        )
    finally:
        out_path.unlink(missing_ok=True)
    if run.code not in allowed:
        raise CommandFailed(f"`{' '.join(command)}` exited {run.code}: {run.stderr.strip()[-1500:]}")
    return run


@dataclass
class Inventory:
    """The files depmap would scan, and how big they are."""

    python: list[Path]
    scanned: list[Path]
    source: str  # "depmap.discover" (the exact list) or "walk" (an approximation)

    @property
    def python_lines(self) -> int:
        return sum(count_lines(p) for p in self.python)

    @property
    def all_lines(self) -> int:
        return sum(count_lines(p) for p in self.scanned)


def count_lines(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def inventory(root: Path) -> Inventory:
    """depmap's own file list when depmap is importable here (same .gitignore and config rules),
    else a walk that prunes the same directories."""
    try:
        from depmap.config import load_config
        from depmap.discover import discover

        config, _ = load_config(root)
        scanned = sorted(root / f.path for f in discover(root, config).files)
        source = "depmap.discover"
    except Exception:  # an older or newer depmap with another API: approximate
        scanned = sorted(_walk(root))
        source = "walk"
    python = [p for p in scanned if p.suffix in (".py", ".pyi")]
    return Inventory(python=python, scanned=scanned, source=source)


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in PRUNED and not d.endswith(".egg-info"))
        found += [Path(folder) / name for name in files if name.endswith(SCANNED_SUFFIXES)]
    return found


@dataclass
class AstBaseline:
    seconds: float
    files: int
    failed: int  # files ast.parse rejects (syntax newer than this interpreter, Python 2, ...)


def ast_baseline(files: list[Path]) -> AstBaseline:
    """Read and `ast.parse` every file, in this process, on one core."""
    failed = 0
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in scanned code are not our concern
        for path in files:
            try:
                ast.parse(path.read_bytes(), filename=str(path))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                failed += 1
    return AstBaseline(time.perf_counter() - started, len(files), failed)
