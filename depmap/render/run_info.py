"""What every report says about the run itself: the command, the version, the project, the time.

Renderers take a RunInfo next to the impact reports so that `impact` (one column) and `check`
(every column some migrations add) share one layout. `started_at` appears only in HTML, so the
Markdown, SARIF and JSON outputs stay byte-identical from run to run.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from depmap import __version__
from depmap.model import Skipped


@dataclass(frozen=True)
class RunInfo:
    command: str  # as typed, e.g. "depmap check --diff origin/main" (absolute paths made relative: command_line)
    project: str  # the scanned folder's name
    version: str = __version__
    started_at: str = ""  # ISO 8601, UTC
    link_base: str | None = None
    migrations: tuple[str, ...] = ()  # `check`: the files checked, relative to the project
    problems: tuple[str, ...] = ()  # `check`: migrations that could not be read for columns
    skipped: tuple[Skipped, ...] = field(default=())  # files and statements not analysed
    files_scanned: int = 0


def command_line(argv: list[str] | None = None, root: Path | None = None) -> str:
    """The command as the user typed it, quoted so that it can be pasted back into a shell, without
    the absolute paths of the machine that ran it: reports are shared (a pull-request comment, an
    artifact), and `/home/ci/work/shop` says nothing to a reader. A path inside the scanned
    project `root` becomes relative to it (the project itself `.`), any other one its file name."""
    args = list(sys.argv[1:] if argv is None else argv)
    return shlex.join(["depmap", *(_portable(arg, root) for arg in args)])


def _portable(arg: str, root: Path | None) -> str:
    option, value = ("", arg)
    if arg.startswith("--") and "=" in arg:
        option, value = arg.split("=", 1)
        option += "="
    path = Path(value)
    if not path.is_absolute():
        return arg
    if root is not None:
        try:
            return option + (path.resolve().relative_to(root.resolve()).as_posix() or ".")
        except ValueError:
            pass
    return option + (path.name or ".")


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
