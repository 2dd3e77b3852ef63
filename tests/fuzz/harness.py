"""Run depmap's commands on fuzzed trees as a user would (the installed CLI, one process per
command, under a time and an address-space bound) and hold each run to depmap's promises.

Per run:

- the exit status is 0 (1 only for `check`, whose `--fail-on` defaults to `breaking`); never 2 for
  a valid command line, 3 (internal error) or a signal; within `Limits.seconds`;
- stderr holds no "Traceback" and no "internal error";
- `--format json` output parses;
- peak RSS stays under `Limits.peak_rss_kb` (1 GiB).

Per tree:

- **no silently dropped file.** Every file of the tree that depmap scans by its name (see
  `expected_files`: the suffixes of `depmap.discover.classify`, outside pruned and git-ignored
  folders, symlinks included) is either analysed (it has a row in the scan cache,
  `.depmap/cache.sqlite`, written by the cold `scan`) or listed in `skipped` with a non-empty
  reason.
- **untouched answers do not move.** `who-reads T` and `who-writes T.C` usages located in files no
  case touched are identical to those of the unmutated tree, when the mutation is *isolated*:
  - the dialect is unchanged (damage to a settings module or pyproject.toml may change it);
  - no touched file is *coupled* to others in the unmutated tree: a file that defines a table or
    a column (`depmap tables`), a migration (the catalog is replayed from them), anything inside
    a dbt project (refs, sources, schema YAML), a package `__init__.py`, configuration
    (pyproject.toml, .gitignore, *.ini, *.toml), or a module whose name another file mentions
    (an import, a `sql=` file name, a helper such as `db.execute`: what it defines changes how
    the other file's code resolves);
  - no added file is one of those kinds either (a new dbt_project.yml, a migration, config).

  Anything else may legitimately change untouched answers: a damaged model file loses the
  columns that the ORM code elsewhere resolves through it, a damaged migration changes which
  table an unqualified column belongs to, a damaged import target changes what a name means.
  Under that rule a command that names the table (`who-reads T`) may also end with exit 2 and a
  one-line "unknown table"/"unknown column"/"has no column" message when the table was only defined by damaged
  files; that is the one tolerated exit 2.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

from .cases import REPO, SAMPLES, SCANNED_SUFFIXES, Sample, Tree, build

PRUNED_DIRS = {".git", ".hg", ".svn", ".depmap", "node_modules", "__pycache__", ".tox", ".nox",
               ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", "site-packages", ".eggs"}
MIGRATION_PATH = re.compile(r"(^|/)(migrations?|migrate|alembic|versions|flyway|liquibase)/|(^|/)V\d+(_\d+)*__[^/]*\.sql$", re.I)
TABLE_COMMANDS = ("who-reads", "who-writes", "downstream", "impact")
ALL_COMMANDS = ("scan", "tables", "who-reads", "who-writes", "downstream", "graph", "impact", "check")


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0
    address_space: int = 3 << 29  # 1.5 GiB of virtual memory per depmap process (RLIMIT_AS)
    # A run whose peak RSS passes this failed even if it ended well: the address-space cap turns
    # runaway allocation into a MemoryError that depmap may report as a skipped file, while on a
    # user's machine without a cap the same input takes all memory (a scan of the unmutated
    # samples peaks under 100 MiB).
    peak_rss_kb: int = 1 << 20


@dataclass
class Run:
    command: str
    args: list[str]
    code: int | None  # negative: killed by that signal
    out: str
    err: str
    seconds: float
    peak_rss_kb: int
    timed_out: bool


@dataclass
class Failure:
    kind: str  # signal, hang, internal-error, traceback, exit-N, bad-json, dropped-file, empty-reason, changed-untouched
    command: str
    detail: str

    def signature(self) -> str:
        """What groups failures of one cause: the kind and the error's gist (any command)."""
        gist = re.sub(r"\d+", "N", self.detail.splitlines()[0] if self.detail else "")
        gist = re.sub(r"'[^']*'", "'…'", gist)[:160]
        return f"{self.kind} | {gist}"


@dataclass
class TreeResult:
    sample: str
    cases: list[tuple[str, int]]
    touched: list[str]
    isolated: bool
    leaf_only: bool = False
    runs: list[Run] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


# --- running depmap ---------------------------------------------------------------------------

_LIMIT = "import os, resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({0}, {0})); resource.setrlimit(resource.RLIMIT_CORE, (0, 0)); os.execv(sys.argv[1], sys.argv[1:])"


def depmap_python() -> str:
    """A Python that has depmap installed: this one, else the checkout's .venv."""
    venv = REPO / ".venv" / "bin" / "python"
    try:
        import depmap  # noqa: F401
    except ImportError:
        return str(venv)
    return sys.executable


def run_depmap(command: str, args: list[str], limits: Limits, home: Path, python: str | None = None) -> Run:
    """One depmap process in its own session, its address space capped (the cap is set by a tiny
    exec wrapper, not a preexec_fn, so that threads may call this); killed with its workers after
    `limits.seconds`. Peak RSS comes from wait4 on that very process."""
    python = python or depmap_python()
    argv = [python, "-c", _LIMIT.format(limits.address_space), python, "-m", "depmap", *args]
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"), "LC_ALL": "C.UTF-8"}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        _kill_group(proc.pid)

    timer = threading.Timer(limits.seconds, kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    _kill_group(proc.pid)  # scan workers left behind by a crashed parent
    for reader in readers:
        reader.join()
    return Run(
        command=command,
        args=args,
        code=proc.returncode,
        out=chunks.get("out", b"").decode("utf-8", "replace"),
        err=chunks.get("err", b"").decode("utf-8", "replace"),
        seconds=time.perf_counter() - started,
        peak_rss_kb=usage.ru_maxrss,
        timed_out=timed_out.is_set(),
    )


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def command_args(command: str, sample: Sample, root: Path, touched: set[str]) -> list[str]:
    """The command line of `command` on the tree at `root` (one scan process: -j 1)."""
    table, column = sample.table, f"{sample.table}.{sample.column}"
    path = ["--path", str(root), "-j", "1"]
    if command == "scan":
        return ["scan", str(root), "--format", "json", "-j", "1"]
    if command == "tables":
        return ["tables", str(root), "--format", "json", "-j", "1"]
    if command == "who-reads":
        return ["who-reads", table, *path, "--format", "json"]
    if command == "who-writes":
        return ["who-writes", column, *path, "--format", "json"]
    if command == "downstream":
        return ["downstream", table, *path]
    if command == "graph":
        return ["graph", *path, "--format", "json"]
    if command == "impact":
        return ["impact", f"{table}.fuzz_added", "--type", "text", "--not-null", *path, "--format", "json"]
    if command == "check":
        damaged = sorted(t for t in touched if MIGRATION_PATH.search(t) and t.endswith((".sql", ".py")) and (root / t).is_file())
        migration = damaged[0] if damaged else sample.migration
        return ["check", str(root / migration), *path, "--format", "json"]
    raise ValueError(command)


# --- what the tree holds ----------------------------------------------------------------------


def is_scanned_name(name: str) -> bool:
    return name == "dbt_project.yml" or name.lower().endswith(SCANNED_SUFFIXES)


def expected_files(root: Path) -> set[str]:
    """Files depmap must account for: scanned kinds by name, symlinks included, outside pruned
    folders, virtualenvs and git-ignored paths (nested .gitignore files apply below their folder)."""
    found: set[str] = set()
    specs: list[tuple[str, GitIgnoreSpec]] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        rel_dir = Path(folder).relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        if ".gitignore" in files:
            text = (Path(folder) / ".gitignore").read_text("utf-8", "replace").splitlines()
            specs.append((rel_dir, GitIgnoreSpec.from_lines(text)))

        def ignored(rel: str, is_dir: bool) -> bool:
            for base, spec in reversed(specs):
                if base and not rel.startswith(base + "/"):
                    continue
                verdict = spec.check_file((rel[len(base) + 1:] if base else rel) + ("/" if is_dir else "")).include
                if verdict is not None:
                    return verdict
            return False

        kept = []
        for name in sorted(dirs):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            full = Path(folder) / name
            if full.is_symlink():
                if is_scanned_name(name) and not ignored(rel, False):
                    found.add(rel)
                continue
            if name in PRUNED_DIRS or name.endswith(".egg-info") or (full / "pyvenv.cfg").exists() or ignored(rel, True):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in files:
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if is_scanned_name(name) and not ignored(rel, False):
                found.add(rel)
    return found


def analysed_files(root: Path) -> set[str] | None:
    """Paths with facts in the scan cache; None when there is no readable cache."""
    path = root / ".depmap" / "cache.sqlite"
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return {row[0] for row in db.execute("SELECT DISTINCT path FROM files")}
    except sqlite3.Error:
        return None


# --- the unmutated tree -----------------------------------------------------------------------


@dataclass
class Baseline:
    """Answers on the unmutated copy of a sample, and which of its files are coupled to others."""

    dialect: str
    usages: dict[str, list[str]]  # who-reads / who-writes: canonical usage rows
    coupled: set[str]
    runs: list[Run]
    leaves: list[str] = field(default_factory=list)


_BASELINES: dict[str, Baseline] = {}
_BASELINE_LOCK = threading.Lock()


def baseline(sample: Sample, work: Path, limits: Limits) -> Baseline:
    with _BASELINE_LOCK:
        if sample.name not in _BASELINES:
            _BASELINES[sample.name] = _compute_baseline(sample, work / f"base-{sample.name}", limits)
        return _BASELINES[sample.name]


def _compute_baseline(sample: Sample, root: Path, limits: Limits) -> Baseline:
    tree = Tree(root, sample)
    home = root.parent / "home"
    runs = {c: run_depmap(c, command_args(c, sample, root, set()), limits, home) for c in ("scan", "tables", "who-reads", "who-writes")}
    broken = [r for r in runs.values() if r.code != 0]
    if broken:
        raise RuntimeError(f"depmap fails on the unmutated {sample.name}: {broken[0].args} -> {broken[0].code}: {broken[0].err[-2000:]}")
    tables = json.loads(runs["tables"].out)["tables"]
    defining = {d["path"] for t in tables for d in t.get("defined_at", [])}
    defining |= {d["path"] for t in tables for c in t.get("columns", []) for d in c.get("defined_at", [])}
    coupled = defining | _coupled_files(tree)
    return Baseline(
        dialect=json.loads(runs["scan"].out)["dialect"],
        usages={c: _usage_rows(runs[c].out) for c in ("who-reads", "who-writes")},
        coupled=coupled,
        runs=list(runs.values()),
        leaves=sorted(set(tree.sample_files) - coupled),
    )


def _usage_rows(out: str) -> list[str]:
    return sorted(json.dumps(u, sort_keys=True) for u in json.loads(out)["usages"])


def is_coupled_kind(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return (
        bool(MIGRATION_PATH.search(rel))
        or name in ("__init__.py", "dbt_project.yml", "pyproject.toml", ".depmap.toml", ".gitignore", "settings.py")
        or name.endswith((".ini", ".toml", ".cfg", ".mako"))
    )


def _coupled_files(tree: Tree) -> set[str]:
    texts = {rel: (tree.root / rel).read_text("utf-8", "replace") for rel in tree.sample_files}
    dbt_dirs = [os.path.dirname(rel) for rel in tree.sample_files if rel.endswith("dbt_project.yml")]
    coupled = {rel for rel in tree.sample_files if is_coupled_kind(rel)}
    coupled |= {rel for rel in tree.sample_files for d in dbt_dirs if rel.startswith(d + "/") or not d}
    for rel in tree.sample_files:
        stem = re.escape(Path(rel).stem)
        mentioned = re.compile(rf"\b{stem}\b")
        if any(mentioned.search(text) for other, text in texts.items() if other != rel):
            coupled.add(rel)
    return coupled


# --- checking one tree ------------------------------------------------------------------------


def check_run(run: Run, sample: Sample, isolated: bool, limits: Limits) -> list[Failure]:
    failures = []
    if run.timed_out:
        return [Failure("hang", run.command, f"no answer after {run.seconds:.0f} s")]
    if run.code is not None and run.code < 0:
        name = signal.Signals(-run.code).name
        return [Failure("signal", run.command, f"killed by {name}; stderr: {run.err.strip()[-300:]}")]
    if run.peak_rss_kb > limits.peak_rss_kb:
        failures.append(Failure("memory", run.command, f"peak RSS {run.peak_rss_kb >> 10} MiB (bound {limits.peak_rss_kb >> 10} MiB)"))
    allowed = {0, 1} if run.command == "check" else {0}
    errors = _errors(run.err)
    tolerated = (
        run.code == 2
        and not isolated
        and run.command in TABLE_COMMANDS
        and len(errors) == 1
        and re.search(r"unknown (table|column)|neither defined nor used|has no column", errors[0])
    )
    if run.code not in allowed and not tolerated:
        kind = "internal-error" if run.code == 3 else f"exit-{run.code}"
        failures.append(Failure(kind, run.command, _gist(run.err)))
    elif "Traceback" in run.err:
        failures.append(Failure("traceback", run.command, _gist(run.err)))
    elif "internal error" in run.err:
        failures.append(Failure("internal-error", run.command, _gist(run.err)))
    if run.code in allowed and "--format" in run.args and run.args[run.args.index("--format") + 1] == "json":
        try:
            json.loads(run.out)
        except ValueError as error:
            failures.append(Failure("bad-json", run.command, str(error)))
    return failures


def _errors(err: str) -> list[str]:
    """stderr without depmap's warnings (a damaged configuration file warns, then the run goes on)."""
    return [line for line in err.strip().splitlines() if line.strip() and not line.startswith("depmap: warning:")]


def _gist(err: str) -> str:
    """The line that names the error: depmap's one-liner, or a traceback's last line."""
    lines = _errors(err) or [line for line in err.strip().splitlines() if line.strip()]
    for line in lines:
        if "internal error" in line or line.startswith("depmap:"):
            return line.strip()[:500]
    return (lines[-1].strip() if lines else "(no stderr)")[:500]


def check_scan(run: Run, root: Path) -> list[Failure]:
    """Every scannable file is analysed or skipped with a reason."""
    try:
        skipped = json.loads(run.out)["skipped"]
    except (ValueError, KeyError):
        return []
    failures = [Failure("empty-reason", "scan", f"{s.get('path')!r} skipped without a reason") for s in skipped if not str(s.get("reason", "")).strip()]
    analysed = analysed_files(root)
    if analysed is None:
        return failures + [Failure("no-cache", "scan", "no readable .depmap/cache.sqlite after a scan")]
    accounted = analysed | {s.get("path") for s in skipped}
    for rel in sorted(expected_files(root) - accounted):
        failures.append(Failure("dropped-file", "scan", f"{rel!r} neither analysed nor skipped"))
    return failures


def is_isolated(tree: Tree, base: Baseline) -> bool:
    for rel in tree.touched:
        if rel in base.coupled or is_coupled_kind(rel):
            return False
        if rel not in tree.sample_files and any(rel.startswith(os.path.dirname(d) + "/") for d in base.coupled if d.endswith("dbt_project.yml")):
            return False
    return True


def check_untouched(runs: dict[str, Run], tree: Tree, base: Baseline) -> list[Failure]:
    failures = []
    for command in ("who-reads", "who-writes"):
        run = runs.get(command)
        if run is None or run.code != 0:
            continue
        try:
            now = [row for row in _usage_rows(run.out) if json.loads(row)["path"] not in tree.touched]
        except (ValueError, KeyError):
            continue
        before = [row for row in base.usages[command] if json.loads(row)["path"] not in tree.touched]
        if now != before:
            lost = sorted(set(before) - set(now))
            gained = sorted(set(now) - set(before))
            detail = f"untouched usages changed: {len(lost)} lost, {len(gained)} gained; first: {(lost or gained)[0][:300]}"
            failures.append(Failure("changed-untouched", command, detail))
    return failures


def run_tree(sample: Sample, cases: list[tuple[str, int]], commands: tuple[str, ...], work: Path, name: str, limits: Limits, keep: bool = False, fail_fast: bool = False, leaf_only: bool = False) -> TreeResult:
    """Build the tree, run `commands` on it (a cold `scan` first, always), check everything;
    with `fail_fast`, stop at the first run that fails (a test needs one). With `leaf_only`,
    damage goes to files no other file depends on, so the untouched answers are compared."""
    base = baseline(sample, work, limits)
    root = work / name
    targets = [f for f in base.leaves if not is_coupled_kind(f)] if leaf_only else None
    tree = build(root, sample, cases, targets)
    isolated = is_isolated(tree, base)
    result = TreeResult(sample.name, cases, sorted(tree.touched), isolated, leaf_only)
    runs: dict[str, Run] = {}
    for command in ("scan", *[c for c in commands if c != "scan"]):
        run = run_depmap(command, command_args(command, sample, root, tree.touched), limits, work / "home")
        runs[command] = run
        result.runs.append(run)
        result.failures += check_run(run, sample, isolated, limits)
        if command == "scan" and run.code == 0:
            result.failures += check_scan(run, root)
        if fail_fast and result.failures:
            break
    scan = runs["scan"]
    if isolated and scan.code == 0 and _dialect(scan.out) == base.dialect:
        result.failures += check_untouched(runs, tree, base)
    if not keep:
        remove_tree(tree)
    return result


def _dialect(out: str) -> str | None:
    try:
        return json.loads(out).get("dialect")
    except (ValueError, AttributeError):
        return None


def remove_tree(tree: Tree) -> None:
    shutil.rmtree(tree.root, ignore_errors=True)
    shutil.rmtree(tree.outside, ignore_errors=True)


def save_reproducer(result: TreeResult, failure: Failure, folder: Path, work: Path, limits: Limits) -> Path:
    """Rebuild the failing tree under `folder` with the command that fails and its stderr."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = [f for f in _BASELINES[result.sample].leaves if not is_coupled_kind(f)] if result.leaf_only else None
    tree = build(folder / "tree", SAMPLES[result.sample], result.cases, targets)
    args = command_args(failure.command, tree.sample, Path("tree"), tree.touched)
    run = next((r for r in result.runs if r.command == failure.command), None)
    (folder / "repro.sh").write_text(
        "#!/bin/sh\n# depmap "
        + failure.kind
        + f"\n# cases: {json.dumps(result.cases)} on samples/{result.sample}\ncd \"$(dirname \"$0\")\" && rm -rf tree/.depmap && python -m depmap "
        + " ".join(_quote(a) for a in args)
        + "\n"
    )
    (folder / "failure.json").write_text(json.dumps({"failure": asdict(failure), "sample": result.sample, "cases": result.cases, "touched": result.touched, "stderr": run.err[-20000:] if run else ""}, indent=2))
    shutil.rmtree(tree.outside, ignore_errors=True)
    return folder


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w./=:-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def minimise(result: TreeResult, failure: Failure, work: Path, limits: Limits) -> list[tuple[str, int]]:
    """The single case that reproduces `failure` alone, if there is one; else every case."""
    if len(result.cases) == 1:
        return result.cases
    for i, one in enumerate(result.cases):
        again = run_tree(SAMPLES[result.sample], [one], (failure.command,), work, f"min-{os.getpid()}-{i}", limits, leaf_only=result.leaf_only)
        if any(f.signature() == failure.signature() for f in again.failures):
            return [one]
    return result.cases
