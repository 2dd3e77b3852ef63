"""Scan files in worker processes, so that whatever one file does costs that file only.

Scanners are pure functions of (path, text, context), so files can go to any worker and come back
in their original order; the merge is deterministic. A worker is a forked process that scans one
file at a time under a budget: a file that takes longer than its time limit has its worker killed,
one whose scan needs more memory than the limit fails with MemoryError in its own worker, and one
that crashes a native parser (a segmentation fault, not an exception) takes its worker down. In
each case the file is listed as not analysed with the reason, a fresh worker takes the rest of the
work, and every other file's answer is what it would have been.

Inside a worker every step of a file (reading, decoding, each scanner, checking the result) is
guarded: a failure is a skip reason for that file. Results cross the process boundary and enter
the cache as plain data only (`plain_result`). `--debug` scans in this process instead, so that a
failure shows its traceback.
"""

from __future__ import annotations

import gc
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional

from depmap.config import Config
from depmap.discover import ReadBytes, SourceFile
from depmap.model import ScanResult, Skipped
from depmap.scan_context import ScanContext

if TYPE_CHECKING:
    from depmap.index.worker_rows import FileParts


@dataclass(frozen=True)
class Budget:
    """What one file's scan may spend: wall-clock seconds and memory beyond the worker's own."""

    seconds: float = Config.seconds_per_file  # the defaults are [tool.depmap]'s
    megabytes: int = Config.megabytes_per_file


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


Outcome = tuple[str, Optional[ScanResult], Optional[bytes]]  # digest, result, result encoded for the cache
# ... and the file's other rows of the cache (`depmap.index.worker_rows.FileParts`), when asked for
WithParts = tuple[str, Optional[ScanResult], Optional[bytes], Optional["FileParts"]]
Task = tuple[Path, SourceFile, str, ScanContext, bool, bool]  # root, file, digest known, context, encode, parts


def scan_files(
    root: Path,
    work: list[tuple[SourceFile, str]],
    ctx: ScanContext,
    jobs: int,
    debug: bool = False,
    encode: bool = False,
    budget: Budget = Budget(),
    parts: bool = False,
) -> Iterator[Any]:
    """For each (file, digest the cache holds for it): (its content digest, its ScanResult with
    shared values (`shared_values`), the result encoded for the cache when `encode`), or
    (digest, None, None) when the content is what
    the cache holds; with `parts`, a fourth item: the file's other rows of the cache
    (`worker_rows.FileParts`, None when not scanned). In the order given, on at most `jobs`
    workers: never more than the files to scan, nor than twice the cores.

    Workers read the files themselves, so no process ever holds the whole tree's text, and encode
    what they found, so the parent (which only stores it) does not compete with them for a core."""
    tasks: list[Task] = [(root, file, known, ctx, encode, parts) for file, known in work]
    if debug or not _can_fork():
        outcomes: Iterator[Any] = (_shared(scan_task(task, debug=debug)) for task in tasks)
    elif tasks:
        workers = max(1, min(jobs, len(tasks), 2 * default_jobs()))  # more than the cores only adds memory
        outcomes = _Supervisor(tasks, workers, budget).outcomes()
    else:
        return
    for outcome in outcomes:
        yield (*outcome, None)[:4] if parts else outcome[:3]  # a failed file has no parts


def _prepare_for_workers(ctx: ScanContext, parts: bool = False) -> None:
    """Load what a worker needs before its first file: the scanners and the SQL dialect (its parser
    modules load on first use), and with `parts` what makes a file's other rows. Each worker loads
    them itself (a quarter of a second): loaded in the parent for the workers to inherit, they
    stayed in the parent, which only links, about 40 MB at the highest point of its memory."""
    import depmap.index.results  # noqa: F401
    import depmap.registry  # noqa: F401

    if parts:
        import depmap.index.worker_rows  # noqa: F401
        import depmap.index.relink  # noqa: F401
        import depmap.mentions.files  # noqa: F401
        import depmap.mentions.words  # noqa: F401
    from depmap.sql import analyze_sql

    try:
        analyze_sql("SELECT 1", ctx.dialect)
    except ValueError:  # an unknown dialect: each file says so
        pass


def _shared(outcome: Any) -> Any:
    """An outcome scanned in this process, its facts made of shared values as a worker's arrive."""
    from depmap.index.shared_values import shared_result

    if outcome[1] is None:
        return outcome
    return (outcome[0], shared_result(outcome[1]), *outcome[2:])


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


# Files a worker holds at once: the one it scans and the next ones, already in its pipe, so that
# it never waits for the parent (busy storing an answer, drawing the progress bar, or not yet
# scheduled on a shared machine) between two files. Two left each of two workers idle 1 s of a
# 9 s scan at 100k lines, four 0.2-0.5 s, eight 0.05 s (benchmarks/RESULTS.md, issue 21).
QUEUED_PER_WORKER = 8
READY = "ready"  # what a worker sends once it has loaded what it scans with (an outcome is a tuple)


class _Supervisor:
    """Hands files to workers and watches each: an answer, a death or a deadline. A worker holds
    at most QUEUED_PER_WORKER files; the first is the one it scans, and its deadline runs from
    when the worker answered the file before it."""

    def __init__(self, tasks: list[Task], jobs: int, budget: Budget) -> None:
        self.tasks = tasks
        self.jobs = jobs
        self.budget = budget
        self.pending: deque[int] = deque(range(len(tasks)))
        self.done: dict[int, Outcome] = {}
        self.workers: list[_Worker] = []

    def outcomes(self) -> Iterator[Outcome]:
        following = 0
        try:
            self.workers = [_Worker.start(self.tasks, self.budget) for _ in range(self.jobs)]
            while following < len(self.tasks):
                self._hand_out()
                self._watch()
                while following in self.done:
                    yield self.done.pop(following)
                    following += 1
        finally:
            for worker in self.workers:
                worker.stop()

    def _hand_out(self) -> None:
        for position, worker in enumerate(self.workers):
            if worker.task is None and self.pending and not worker.alive():
                worker.stop()
                worker = self.workers[position] = _Worker.start(self.tasks, self.budget)
            while len(worker.queued) < QUEUED_PER_WORKER and self.pending:
                worker.give(self.pending.popleft(), self.budget.seconds)

    def _watch(self) -> None:
        from multiprocessing.connection import wait

        busy = [worker for worker in self.workers if worker.task is not None]
        now = time.monotonic()
        timeout = max(0.0, min(worker.deadline for worker in busy) - now)
        wait([worker.connection for worker in busy] + [worker.process.sentinel for worker in busy], timeout)
        for position, worker in enumerate(self.workers):
            while worker.task is not None:
                task = worker.task
                outcome = worker.answer(self.budget.seconds)
                if outcome is not None:
                    self.done[task] = outcome
                    continue
                if worker.alive() and time.monotonic() < worker.deadline:
                    break  # still working
                reason = (
                    f"not analysed: its scan took longer than {self.budget.seconds:g} s "
                    "(raise [tool.depmap] seconds_per_file to allow more)"
                    if worker.alive()
                    else f"not analysed: the analysis crashed ({worker.death()}); this is a bug in depmap or a library it uses"
                )
                self.done[task] = failed(self.tasks[task][1], reason)
                self.pending.extendleft(reversed(list(worker.queued)[1:]))  # never started: a fresh worker scans them
                worker.queued.clear()
                worker.stop()
                self.workers[position] = _Worker.start(self.tasks, self.budget)
                break


class _Worker:
    """One forked process scanning the files it is given, one at a time, over a pipe."""

    def __init__(self, process, connection) -> None:  # type: ignore[no-untyped-def]
        self.process = process
        self.connection = connection
        self.queued: deque[int] = deque()  # sent and not answered yet, in the order sent
        self.deadline = float("inf")  # of the first of them, the one being scanned

    @property
    def task(self) -> int | None:
        """The file this worker is scanning (the first it was sent and has not answered)."""
        return self.queued[0] if self.queued else None

    @classmethod
    def start(cls, tasks: list[Task], budget: Budget) -> _Worker:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, tasks, budget.megabytes), daemon=True)
        process.start()
        child.close()
        return cls(process, parent)

    def give(self, task: int, seconds: float) -> None:
        if not self.queued:
            self.deadline = time.monotonic() + seconds
        self.queued.append(task)
        self.connection.send(task)

    def answer(self, seconds: float) -> Outcome | None:
        """The outcome of the file being scanned if the worker sent it; None if it has not (yet),
        or died before it could. The next file queued starts its `seconds` now."""
        try:
            if not self.connection.poll():
                return None
            outcome = self.connection.recv()
        except (EOFError, OSError):
            return None
        if isinstance(outcome, str):  # READY: it loaded what it scans with, its first file's time starts now
            self.deadline = time.monotonic() + seconds if self.queued else float("inf")
            return None
        self.queued.popleft()
        self.deadline = time.monotonic() + seconds if self.queued else float("inf")
        return outcome

    def alive(self) -> bool:
        return self.process.is_alive()

    def death(self) -> str:
        self.process.join(timeout=1)
        code = self.process.exitcode
        if code is not None and code < 0:
            import signal

            try:
                return f"signal {signal.Signals(-code).name}"
            except ValueError:
                return f"signal {-code}"
        return f"exit status {code}"

    def stop(self) -> None:
        try:
            if self.process.is_alive() and self.task is None:
                self.connection.send(None)
                self.process.join(timeout=0.5)
        except (OSError, ValueError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.connection.close()


def _serve(connection, tasks: list[Task], megabytes: int) -> None:  # type: ignore[no-untyped-def]
    """A worker's life: scan the task it is sent and send back the outcome, until told to stop."""
    import faulthandler

    from depmap.index.shared_values import SharedOnArrival

    faulthandler.disable()  # a crash is reported once, by the supervisor, as the file's reason
    _exit_with_parent()
    _prepare_for_workers(tasks[0][3], tasks[0][5])  # every task has the same context
    connection.send(READY)  # the first file's time runs from here
    _limit_memory(megabytes)
    gc.freeze()  # what the parent held is never garbage here: collections look at this worker's own objects only
    if not gc.isenabled():
        gc.enable()  # forked from a parent that pauses collection while it links; syntax trees need it
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        outcome = scan_task(tasks[task])
        if outcome[1] is not None:  # its facts arrive made of shared values
            outcome = (outcome[0], SharedOnArrival(outcome[1]), *outcome[2:])
        try:
            connection.send(outcome)
        except Exception as error:  # noqa: BLE001  an outcome that cannot be sent is this file's failure only
            connection.send(failed(tasks[task][1], f"not analysed: internal error: its result cannot be sent ({error})"))


def _exit_with_parent() -> None:
    """Exit when depmap itself is gone (killed: an OOM kill, a CI job's timeout, `kill -9`). A
    worker forked later holds this worker's pipe too, so neither saw the end of its pipe: both
    waited for the next file, or to send an answer, for ever."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="depmap-parent-watch", daemon=True).start()


def _limit_memory(megabytes: int) -> None:
    """Cap this worker's address space at what it holds now plus the budget: a file that needs more
    fails with MemoryError here instead of exhausting the machine."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = held + megabytes * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        for imposed in (soft, hard):  # a limit the user set (ulimit -v) stays the stricter one
            if imposed != resource.RLIM_INFINITY:
                limit = min(limit, imposed)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not on Linux: no memory budget, the time budget still holds


def failed(file: SourceFile, reason: str) -> Outcome:
    """A file that could not be analysed: listed with its reason, and not kept in the cache (a
    crash or a timeout may not happen again)."""
    return "", ScanResult(skipped=[Skipped(file.path, reason)]), None


def scan_task(task: Task, debug: bool = False) -> Outcome | WithParts:
    """One task's outcome: `read_and_scan`, and with the task's `parts` the file's other rows of
    the cache (`worker_rows`), made here from the result just checked; a failure to make them
    costs the parts only (the main process makes them, as for a file read from the cache)."""
    root, file, known, ctx, encode, parts = task
    (digest, result, blob), read = _guarded(root, file, known, ctx, encode, debug)
    if not parts or result is None or not digest or blob is None:
        return digest, result, blob
    from depmap.index.worker_rows import parts_of

    try:
        return digest, result, blob, parts_of(root, file, digest, result, read)
    except Exception:  # noqa: BLE001
        if debug:
            raise
        return digest, result, blob


def read_and_scan(root: Path, file: SourceFile, known: str, ctx: ScanContext, encode: bool = False, debug: bool = False) -> Outcome:
    """One file, start to end; whatever fails costs this file only (unless `debug`)."""
    return _guarded(root, file, known, ctx, encode, debug)[0]


def _guarded(root: Path, file: SourceFile, known: str, ctx: ScanContext, encode: bool, debug: bool) -> tuple[Outcome, ReadBytes | None]:
    """`read_and_scan`'s outcome, and the bytes it read (with their stat) when it read the file."""
    try:
        return _read_and_scan(root, file, known, ctx, encode, debug)
    except MemoryError:
        return failed(file, "not analysed: its scan needed more memory than the budget "
                            "(raise [tool.depmap] megabytes_per_file to allow more)"), None
    except RecursionError:
        return failed(file, "not analysed: nested too deeply to analyse"), None
    except Exception as error:  # noqa: BLE001
        if debug:
            raise
        return failed(file, f"not analysed: internal error: {type(error).__name__}: {error}"), None


def _read_and_scan(root: Path, file: SourceFile, known: str, ctx: ScanContext, encode: bool, debug: bool) -> tuple[Outcome, ReadBytes | None]:
    from depmap.discover import read_source_and_bytes
    from depmap.index.cache import content_digest
    from depmap.index.results import plain_result

    text, read = read_source_and_bytes(root, file)
    if isinstance(text, Skipped):  # unreadable, binary, minified: remembered by its stat
        digest, result, text = f"unread:{file.size}:{file.mtime_ns}", ScanResult(skipped=[text]), None
    else:
        digest = content_digest(text)
        if digest == known:
            return (digest, None, None), read
        result = scan_text(file, text, ctx, debug)
    result, blob = plain_result(result, file.path, text)
    return (digest, result, blob if encode else None), read


def scan_text(file: SourceFile, text: str, ctx: ScanContext, debug: bool = False) -> ScanResult:
    """Every scanner of the file's kind over its text; a scanner that fails costs this file only."""
    from depmap.registry import SCANNERS

    facts = []
    skipped = []
    for scanner in SCANNERS.get(file.kind, ()):
        try:
            result = scanner(file.path, text, ctx)
        except MemoryError:
            raise
        except RecursionError:
            skipped.append(Skipped(file.path, f"not analysed by {scanner.__name__}: nested too deeply to analyse"))
            continue
        except Exception as error:  # a scanner bug must cost one file, not the run
            if debug:
                raise
            skipped.append(Skipped(file.path, f"internal error in {scanner.__name__}: {type(error).__name__}: {error}"))
            continue
        facts.extend(result.facts)
        skipped.extend(result.skipped)
    return ScanResult(facts=facts, skipped=skipped)
