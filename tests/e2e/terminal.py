"""Run depmap with its standard output on a pseudo-terminal of a given size, as a user's shell does."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
from pathlib import Path

from tests.e2e.conftest import REPO, depmap_command

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def on_terminal(*args: str, columns: int, lines: int, cwd: Path = REPO, env: dict[str, str] | None = None,
                cache: Path | None = None) -> tuple[int, str, str]:
    """(exit code, what the terminal showed without escape sequences, stderr). Standard input and
    output are the terminal (a pager needs both); standard error is a pipe, so no progress bar."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(REPO), "TERM": "xterm", "COLUMNS": str(columns), "LINES": str(lines),
                   "XDG_CACHE_HOME": str(cache or REPO / ".cache"), **(env or {})}
    process = subprocess.Popen([*depmap_command(), *args], cwd=cwd, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=environment)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: every process that held it has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    err = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    code = process.wait(timeout=120)
    text = _ESCAPES.sub("", shown.decode("utf-8", "replace")).replace("\r\n", "\n")
    return code, text, err
