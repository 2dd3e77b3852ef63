"""The dependency picture of one table: writers → table → readers → downstream, as boxes to draw.

A real table has hundreds of usages; drawing each as a node gives a hairball nobody reads. Usages
are grouped by folder, coarsened one level at a time until a column fits MAX_BOXES, and what
still does not fit is one "N more" box. Test code is one box per side. The layout is computed
here (plain numbers); the template only draws it as inline SVG.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from depmap.impact.scope import is_test_path
from depmap.model import READ, WRITE, Fact, Location

MAX_BOXES = 10
BOX_WIDTH, BOX_HEIGHT, GAP = 230, 46, 14
COLUMN_X = (10, 300, 590, 880)
TOP = 40
WIDTH = COLUMN_X[-1] + BOX_WIDTH + 10
TEST_GROUP = "test code"
LABEL_CHARS = 27  # monospace characters that fit a box


@dataclass
class Box:
    key: str
    label: str
    detail: str
    kind: str  # writer, reader, table, downstream, more
    filter: str = ""  # text for the usages table filter when the box is clicked
    files: tuple[str, ...] = ()
    flagged: int = 0  # findings at sites inside the box
    x: int = 0
    y: int = 0
    width: int = BOX_WIDTH
    height: int = BOX_HEIGHT

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= LABEL_CHARS else "…" + self.label[-(LABEL_CHARS - 1):]


@dataclass
class Edge:
    path: str  # SVG path data
    kind: str  # write, read, flow


def _curve(x1: int, y1: int, x2: int, y2: int, kind: str) -> Edge:
    middle = (x1 + x2) // 2
    return Edge(f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}", kind)


def _lane(centre: Box, box: Box, lane_y: int) -> Edge:
    """Downstream edges run below every box, so they never cross the readers' column."""
    start_x, start_y = centre.x + centre.width // 2, centre.y + centre.height
    turn_x, end_y = box.x - 22, box.y + box.height // 2
    return Edge(f"M{start_x},{start_y} V{lane_y} H{turn_x} V{end_y} H{box.x}", "flow")


@dataclass
class Picture:
    width: int
    height: int
    boxes: list[Box] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)


def dependency_picture(table: str, usages: Iterable[Fact], hops: Iterable[Any], findings: Iterable[Location]) -> Picture:
    """Boxes and edges for `table`: usages grouped by folder, downstream relations by depth.

    A box is flagged with the findings that sit on its usages' lines."""
    facts, hops = list(usages), list(hops)
    flagged = _findings_by_path(findings)
    writers = _groups([f for f in facts if f.access == WRITE], "writer", flagged)
    readers = _groups([f for f in facts if f.access == READ], "reader", flagged)
    downstream = _downstream_boxes(list(hops))
    centre = Box(f"table:{table}", table, f"{len(facts)} usages in {len({f.location.path for f in facts})} files", "table")
    columns = [writers, [centre], readers, downstream]
    lane = 28 if downstream else 0
    height = TOP + max(len(column) for column in columns) * (BOX_HEIGHT + GAP) + GAP + lane
    for x, column in zip(COLUMN_X, columns):
        offset = (height - lane - TOP - len(column) * (BOX_HEIGHT + GAP)) // 2 if column is columns[1] else 0
        for number, box in enumerate(column):
            box.x, box.y = x, TOP + offset + number * (BOX_HEIGHT + GAP)
    picture = Picture(WIDTH, height, [b for column in columns for b in column])
    picture.headings = [(COLUMN_X[0], f"Writers ({sum(1 for f in facts if f.access == WRITE)})"), (COLUMN_X[1], "Table"),
                        (COLUMN_X[2], f"Readers ({sum(1 for f in facts if f.access == READ)})"),
                        (COLUMN_X[3], f"Downstream ({len({hop.target for hop in hops})})")]
    mid = centre.y + BOX_HEIGHT // 2
    for box in writers:
        picture.edges.append(_curve(box.x + BOX_WIDTH, box.y + BOX_HEIGHT // 2, centre.x, mid, "write"))
    for box in readers:
        picture.edges.append(_curve(centre.x + BOX_WIDTH, mid, box.x, box.y + BOX_HEIGHT // 2, "read"))
    for box in downstream:
        picture.edges.append(_lane(centre, box, height - lane // 2 - 4))
    return picture


def _findings_by_path(findings: Iterable[Location]) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = defaultdict(list)
    for location in findings:
        if location.path:
            lines[location.path].append(location.line)
    return lines


def _flagged(members: list[Fact], flagged: dict[str, list[int]]) -> int:
    """Findings whose line falls inside one of these usages (each finding counted once)."""
    hits = set()
    for fact in members:
        loc = fact.location
        for line in flagged.get(loc.path, ()):
            if loc.line <= line <= (loc.end_line or loc.line):
                hits.add((loc.path, line))
    return len(hits)


def _folder(path: str, depth: int) -> str:
    parts = path.split("/")[:-1]
    return "/".join(parts[:depth]) or "(project root)"


def _groups(facts: list[Fact], kind: str, flagged: dict[str, list[int]]) -> list[Box]:
    production = [f for f in facts if not is_test_path(f.location.path)]
    tests = [f for f in facts if is_test_path(f.location.path)]
    room = MAX_BOXES - (1 if tests else 0)
    depth = max((len(f.location.path.split("/")) - 1 for f in production), default=1)
    grouped = _by_folder(production, depth)
    while len(grouped) > room and depth > 1:
        depth -= 1
        grouped = _by_folder(production, depth)
    ordered = sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0]))
    if len(ordered) > room:
        keep, rest = ordered[: room - 1], ordered[room - 1 :]
        boxes = [_box(folder, members, kind, flagged) for folder, members in sorted(keep)]
        hidden = [f for _, members in rest for f in members]
        boxes.append(Box(f"{kind}:more", f"{len(rest)} more folders", _count(hidden), "more",
                         files=tuple(sorted({f.location.path for f in hidden}))))
    else:
        boxes = [_box(folder, members, kind, flagged) for folder, members in sorted(ordered)]
    if tests:
        boxes.append(_box(TEST_GROUP, tests, kind, flagged))
    return boxes


def _by_folder(facts: list[Fact], depth: int) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[_folder(fact.location.path, depth)].append(fact)
    return grouped


def _box(folder: str, members: list[Fact], kind: str, flagged: dict[str, list[int]]) -> Box:
    files = tuple(sorted({f.location.path for f in members}))
    prefix = "" if folder in (TEST_GROUP, "(project root)") else folder + "/"
    return Box(f"{kind}:{folder}", folder, _count(members), kind, filter=prefix, files=files, flagged=_flagged(members, flagged))


def _count(members: list[Fact]) -> str:
    files = len({f.location.path for f in members})
    return f"{len(members)} site{'s' * (len(members) != 1)} in {files} file{'s' * (files != 1)}"


def _downstream_boxes(hops: list[Any]) -> list[Box]:
    boxes: list[Box] = []
    seen: set[str] = set()
    for hop in sorted(hops, key=lambda h: (h.depth, h.target)):
        if hop.target in seen:
            continue
        seen.add(hop.target)
        via = hop.fact.via or "sql"
        how = "every column (*)" if hop.fact.detail == "star" else "named columns"
        boxes.append(Box(f"downstream:{hop.target}", hop.target, f"hop {hop.depth} · {via} · {how}", "downstream",
                         filter=hop.fact.location.path, files=(hop.fact.location.path,)))
    if len(boxes) > MAX_BOXES:
        hidden = boxes[MAX_BOXES - 1 :]
        boxes = boxes[: MAX_BOXES - 1]
        boxes.append(Box("downstream:more", f"{len(hidden)} more relations", "further downstream", "more",
                         files=tuple(sorted({path for box in hidden for path in box.files}))))
    return boxes
