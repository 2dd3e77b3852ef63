"""The timelines of a `depmap verify` page: one bar per statement on a shared time axis.

Measurements carry durations, not start times. The plan's statements ran one after another, so
each bar starts where the one before it ended (the time between them, depmap's own bookkeeping,
is left out). The proposal as written was rolled back before the plan ran: its group starts at
zero on the same scale, so the two ways of making the change compare at a glance. A statement in
a transaction of its own holds its locks until it ends, so a bar's length is how long it held
them, and its colour is its strongest lock on the table. The lock queue is another experiment
(three sessions, milliseconds apart) with an axis of its own.

Positions and widths are percentages of the axis: the page decides how wide that is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from depmap.verify.measure import BLOCKS, LOCK_MODES, Measurement

MAX_BATCH_BARS = 200  # a longer backfill is drawn as this many bars of consecutive batches
NO_LOCK = "none"


def lock_label(mode: str | None) -> str:
    """`AccessExclusiveLock` as the PostgreSQL manual writes it: `ACCESS EXCLUSIVE`."""
    if not mode:
        return "no table lock"
    words, word = [], ""
    for char in mode.removesuffix("Lock"):
        if char.isupper() and word:
            words.append(word)
            word = ""
        word += char
    return " ".join([*words, word]).upper()


def lock_class(mode: str | None) -> str:
    """The CSS class of a lock mode's colour: `lock-access-exclusive`, `lock-none`."""
    return "lock-" + (lock_label(mode).lower().replace(" ", "-") if mode else NO_LOCK)


def duration(ms: float) -> str:
    return f"{ms:,.1f} ms"


def effect(m: Measurement) -> str:
    """What the statement did to the table, in the words of the text report."""
    if m.error:
        return "failed"
    if m.rewrote is None:
        return "ran"
    if m.rewrote:
        return "rewrote the table"
    return f"read {m.rows_read:,} rows" if m.scanned else "catalog only"


def locks_held(m: Measurement, table: str) -> list[tuple[str, str]]:
    """(relation, strongest mode) of every relation the statement locked, the changed table first."""
    relations = sorted({relation for relation, _ in m.locks}, key=lambda r: (r != table, r))
    return [(relation, m.strongest_lock(relation) or "") for relation in relations]


@dataclass(frozen=True)
class Bar:
    start_ms: float
    ms: float
    lock: str | None  # the PostgreSQL mode held (or waited for), None: no table lock
    kind: str  # run | batch | failed | hold | wait
    text: str  # the bar's numbers, in words
    left: float = 0.0  # percent of the axis
    width: float = 0.0

    @property
    def css(self) -> str:
        return f"bar bar-{self.kind} {lock_class(self.lock)}"


@dataclass(frozen=True)
class Lane:
    label: str  # the SQL, or the session the lane stands for
    bars: tuple[Bar, ...]
    text: str  # the lane's numbers, shown next to its bar
    code: bool = True  # the label is SQL


@dataclass(frozen=True)
class Group:
    title: str
    lanes: tuple[Lane, ...]


@dataclass(frozen=True)
class Tick:
    left: float
    label: str


@dataclass(frozen=True)
class Timeline:
    total_ms: float
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]
    locks: tuple[str, ...]  # the lock modes drawn, strongest first ("none" last): the legend

    def bars(self) -> list[Bar]:
        return [bar for group in self.groups for lane in group.lanes for bar in lane.bars]


def change_timeline(report: Any) -> Timeline:
    """The proposal as written, then the rollout plan's statements and batches, one scale."""
    table = report.table
    heading = "The proposal as written, rolled back" if report.statement_is_written else (
        "The statement the ORM runs for it, rolled back")
    groups = [Group(heading, (_statement_lane(report.proposal, table, 0.0),))]
    at = 0.0
    for step in report.steps:
        lanes = []
        for m in step.measurements:
            lanes.append(_statement_lane(m, table, at))
            at += m.seconds * 1000
        if step.batches:
            lanes.append(_backfill_lane(step, at, None if _sqlite(report) else "RowExclusiveLock"))
            at += sum(b.seconds for b in step.batches) * 1000
        if step.error:
            lanes.append(Lane("a backfill batch", (Bar(at, 0.0, None, "failed", f"failed: {step.error}"),),
                              f"failed: {step.error}", code=False))
        if lanes:
            groups.append(Group(f"Plan step {step.number}: {step.title}", tuple(lanes)))
    return _scaled(groups)


def queue_timeline(report: Any) -> Timeline | None:
    """Each lock-queue run (without, then with a lock timeout) as its three sessions."""
    if len(report.queue) != 2:
        return None
    table = report.table
    wanted = report.proposal.strongest_lock(table) or "AccessExclusiveLock"
    groups = []
    for run in report.queue:
        writes = run.probe != "SELECT"
        held = "RowExclusiveLock" if writes else "AccessShareLock"
        title = "Without a lock timeout" if run.lock_timeout_ms is None else f"With lock_timeout {run.lock_timeout_ms:,} ms"
        holder = f"A transaction that {'wrote to' if writes else 'read'} {table} and has not ended"
        gave_up = run.alter_error is not None and run.lock_timeout_ms is not None
        waited = min(run.lock_timeout_ms, run.held_ms) if gave_up else run.held_ms
        statement_text = (f"waited {duration(waited)} for {lock_label(wanted)}, then gave up: {run.alter_error}" if gave_up
                          else f"waited {duration(waited)} for {lock_label(wanted)} until the transaction ended, then ran")
        probe = f"{'A write to' if writes else 'A plain SELECT of'} {table}, arriving behind it"
        lanes = [
            Lane(holder, (Bar(0.0, run.held_ms, held, "hold", f"held {lock_label(held)} for {duration(run.held_ms)}"),),
                 f"holds {lock_label(held)} on {table} for {duration(run.held_ms)}", code=False),
            Lane(report.proposal.statement, (Bar(0.0, waited, wanted, "wait", statement_text),), statement_text),
            _probe_lane(probe, run.select_waited_ms, held),
        ]
        groups.append(Group(title, tuple(lanes)))
    return _scaled(groups)


def _probe_lane(label: str, waited_ms: float, lock: str) -> Lane:
    if math.isnan(waited_ms):
        return Lane(label, (), "did not finish within the measurement", code=False)
    text = f"waited {duration(waited_ms)}"
    return Lane(label, (Bar(0.0, waited_ms, lock, "wait", text),), text, code=False)


def _statement_lane(m: Measurement, table: str, at: float) -> Lane:
    ms = m.seconds * 1000
    if m.error:
        text = f"failed after {duration(ms)}: {m.error}" if ms else f"failed: {m.error}"
        return Lane(m.statement, (Bar(at, ms, None, "failed", text),), text)
    held = locks_held(m, table)
    mode = m.strongest_lock(table)
    parts = [duration(ms), effect(m)]
    parts += [f"{lock_label(lock)} on {relation}" for relation, lock in held] or [
        "no table lock" if m.transaction else "locks not measured (it ran outside a transaction)"]
    text = ", ".join(parts)
    return Lane(m.statement, (Bar(at, ms, mode, "run", text),), text)


def _sqlite(report: Any) -> bool:
    return report.engine.lower().startswith("sqlite")


def _backfill_lane(step: Any, at: float, lock: str | None) -> Lane:
    """The batches end to end; a long backfill in MAX_BATCH_BARS bars of consecutive batches.
    Each batch is an UPDATE, which takes ROW EXCLUSIVE on a PostgreSQL table (SQLite locks the
    whole file, not a table)."""
    batches = step.batches
    size = math.ceil(len(batches) / MAX_BATCH_BARS)
    bars = []
    for first in range(0, len(batches), size):
        chunk = batches[first:first + size]
        ms = sum(b.seconds for b in chunk) * 1000
        rows = sum(b.rows for b in chunk)
        name = f"batch {first + 1}" if len(chunk) == 1 else f"batches {first + 1}–{first + len(chunk)}"
        bars.append(Bar(at, ms, lock, "batch", f"{name}: {rows:,} rows in {duration(ms)}"))
        at += ms
    return Lane(f"the backfill, {len(batches):,} batch UPDATE(s)", tuple(bars), step.batches_line(), code=False)


def _scaled(groups: list[Group]) -> Timeline:
    bars = [bar for group in groups for lane in group.lanes for bar in lane.bars]
    total = max([bar.start_ms + bar.ms for bar in bars] + [0.0])
    axis = _axis_end(total)
    scaled = tuple(Group(g.title, tuple(replace(lane, bars=tuple(_placed(bar, axis) for bar in lane.bars)) for lane in g.lanes))
                   for g in groups)
    drawn = {bar.lock for bar in bars}
    locks = tuple(mode for mode in LOCK_MODES if mode in drawn) + ((NO_LOCK,) if None in drawn else ())
    return Timeline(axis, scaled, _ticks(axis), locks)


def _placed(bar: Bar, axis: float) -> Bar:
    return replace(bar, left=round(bar.start_ms / axis * 100, 3), width=round(bar.ms / axis * 100, 3))


def _step(total: float) -> float:
    """A round tick interval giving about four intervals over `total` ms."""
    rough = total / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough * 0.999)


def _axis_end(total: float) -> float:
    """The axis ends at the longest bar, or at 1 ms when nothing took measurable time."""
    return total if total > 0.001 else 1.0


def _ticks(axis: float) -> tuple[Tick, ...]:
    step = _step(axis)
    count = int(axis / step + 1e-9)
    return tuple(Tick(round(n * step / axis * 100, 3), _tick_label(n * step, axis)) for n in range(count + 1))


def _tick_label(ms: float, axis: float) -> str:
    if axis >= 2000:
        return f"{round(ms / 1000, 6):g} s"
    return f"{round(ms, 6):g} ms"


def blocks(mode: str) -> str:
    """The legend's words for a lock mode: what it makes wait."""
    if mode == NO_LOCK:
        return "no table lock measured"
    return f"{lock_label(mode)}: blocks {BLOCKS[mode]}"
