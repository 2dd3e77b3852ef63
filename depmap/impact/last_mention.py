"""When a column's name was last touched in the project's history: evidence for "nothing uses it".

A column nothing uses any more usually stopped being used in one commit; naming that commit
("last mentioned in 3f2a9c1 2025-03-02 Remove the legacy importer") lets a reviewer check the
claim in a minute. git is asked read-only, for the latest commit whose diff adds or removes a
line holding the name as a whole word (`git log -G`, documents left out), under the scanned
folder only, with a timeout. Without git, outside a repository, on a timeout or any other error,
there is no note: the evidence is optional, the statement stands on the scan.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

TIMEOUT_SECONDS = 10
_DOCUMENTS = (":(exclude,glob)**/*.md", ":(exclude,glob)**/*.rst", ":(exclude,glob)**/*.txt")


def last_mention(root: Path | None, name: str) -> str | None:
    """"3f2a9c1 2025-03-02 Remove the legacy importer", or None when git cannot say."""
    if root is None or not re.fullmatch(r"\w+", name):
        return None
    pattern = f"(^|[^A-Za-z0-9_]){name}([^A-Za-z0-9_]|$)"  # git's -G regexes are extended
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "-1", "--no-color", "--format=%h %as %s", f"-G{pattern}", "--", ".", *_DOCUMENTS],
            cwd=root, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT_SECONDS, env=env,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    line = done.stdout.strip().splitlines()[0] if done.returncode == 0 and done.stdout.strip() else ""
    return line or None
