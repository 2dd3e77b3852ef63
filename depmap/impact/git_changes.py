"""Which migrations a branch changes (`depmap check --diff BASE_REF`), asked of git itself.

A pull request's migrations are the files added or modified since the branch left `base_ref`
(`git diff BASE...HEAD`, so commits that landed on the base meanwhile do not count), plus what
is not committed yet: modified files and new untracked ones, so the check works before the
commit too. Deleted files have nothing to check. Within a file the branch modified, only the lines
it added or changed count (`changed_lines`): appending one `ALTER TABLE ... ADD COLUMN` to an
append-only `migrations.sql` judges that column, not every column the file ever added.

Only files that may be migrations are returned: a path under a migrations folder (`migrations/`,
`versions/`, `db/migrate/`, Flyway's `V1__x.sql`...) or a `.sql`/`.py` file whose text holds a
migration's marks (`ALTER TABLE ... ADD`, `op.add_column`, `migrations.AddField`,
`down_revision`). Application code changed in the same branch is left out silently: reporting
every view that "adds no column" would bury the answer.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from depmap.discover import is_migration_path

_MIGRATION_TEXT = re.compile(
    r"ALTER\s+TABLE\b[^;]*?\bADD\b|\bop\.add_column\s*\(|\bAddField\s*\(|^\s*down_revision\b|migrations\.Migration\b",
    re.I | re.M,
)
_MAX_BYTES = 2_000_000


class GitError(ValueError):
    """git could not answer: the message is one line that says what to do."""


def changed_migrations(root: Path, base_ref: str) -> list[str]:
    """Migration files changed since `base_ref`, committed or not, relative to `root`, sorted."""
    root = Path(root).resolve()
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    _check_ref(root, base_ref)
    names: set[str] = set()
    names.update(_lines(_git(root, "diff", "--name-only", "-M", "--diff-filter=AMR", f"{base_ref}...HEAD", "--", ".")))
    names.update(_lines(_git(root, "diff", "--name-only", "-M", "--diff-filter=AMR", "HEAD", "--", ".")))
    names.update(_lines(_git(root, "ls-files", "--others", "--exclude-standard", "--full-name", "--", ".")))
    found = []
    for name in names:
        if prefix and not name.startswith(prefix):
            continue
        relative = name[len(prefix):]
        if (top / name).is_file() and _may_be_migration(top / name, relative):
            found.append(relative)
    return sorted(found)


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


def changed_lines(root: Path, base_ref: str, paths: list[str]) -> dict[str, frozenset[int] | None]:
    """The lines each of `paths` (relative to `root`) added or changed since the branch left
    `base_ref`, committed or not: the new side of `git diff -U0 <merge-base>` against the working
    tree. None for a file that is new since then (every line counts)."""
    root = Path(root).resolve()
    base = _git(root, "merge-base", base_ref, "HEAD").strip()
    changed: dict[str, frozenset[int] | None] = {}
    for path in paths:
        if not _lines(_git(root, "ls-files", "--", path)) or _lines(_git(root, "diff", "--name-only", "--diff-filter=A", base, "--", path)):
            changed[path] = None  # untracked, or added by the branch
            continue
        lines: set[int] = set()
        for match in _HUNK.finditer(_git(root, "diff", "-U0", "--no-color", "--no-ext-diff", base, "--", path)):
            start, count = int(match.group(1)), int(match.group(2) if match.group(2) is not None else 1)
            lines.update(range(start, start + count))
        changed[path] = frozenset(lines)
    return changed


def _may_be_migration(file: Path, relative: str) -> bool:
    if is_migration_path(relative):
        return True
    if file.suffix not in (".sql", ".py"):
        return False
    try:
        with file.open("rb") as handle:
            text = handle.read(_MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_MIGRATION_TEXT.search(text))


def _check_ref(root: Path, base_ref: str) -> None:
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{base_ref}^{{commit}}")
    except GitError:
        hint = _fetch_hint(base_ref)
        advice = f"{hint} or pass a ref that exists" if hint else "pass a branch, tag or commit that exists (git branch -a lists them)"
        raise GitError(f"unknown ref '{base_ref}'; {advice}") from None
    try:
        _git(root, "merge-base", base_ref, "HEAD")
    except GitError:
        raise GitError(f"'{base_ref}' and HEAD have no common ancestor; in a shallow clone fetch more history "
                       f"(git fetch --unshallow) or pass the ref the branch started from") from None


def _fetch_hint(base_ref: str) -> str:
    if "/" in base_ref and not base_ref.startswith("refs/"):
        remote, branch = base_ref.split("/", 1)
        return f"fetch it first (git fetch {remote} {branch})"
    return ""


def _git(root: Path, *args: str) -> str:
    """Run git in `root`; paths it prints are relative to the repository top (`diff` prints them
    that way, `ls-files --full-name` too). Raises GitError with a message a user can act on."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=60,
            env=_environment(),
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH; install git or name the migrations to check") from None
    except subprocess.TimeoutExpired:
        raise GitError("git did not answer within 60 s; name the migrations to check instead of --diff") from None
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or [""])[-1]
        if "not a git repository" in done.stderr:
            raise GitError(f"{root} is not inside a git repository; --diff needs one, or name the migrations to check")
        raise GitError(f"git {args[0]} failed: {message or f'exit status {done.returncode}'}")
    return done.stdout


def _environment() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for credentials: nothing here needs the network
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
