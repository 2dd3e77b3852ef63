"""What each target database does when a column is added: the one home of dialect knowledge.

Rules and the rollout plan ask a `Dialect` questions instead of testing names themselves, so a
statement in a report is true for the user's database and server version. Where the server
version is unknown, answers are the conservative ones (the behaviour of the oldest version still
supported upstream), and the report says which version it assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# sqlglot's names, and the families whose DDL behaviour depmap knows in detail.
POSTGRES, MYSQL, SQLITE = "postgres", "mysql", "sqlite"
_FAMILY = {"postgres": POSTGRES, "redshift": POSTGRES, "materialize": POSTGRES, "risingwave": POSTGRES,
           "mysql": MYSQL, "doris": MYSQL, "starrocks": MYSQL, "singlestore": MYSQL, "sqlite": SQLITE}


def parse_version(text: str | None) -> tuple[int, ...] | None:
    """`"16"`, `"8.0.29"`, `"PostgreSQL 15.4"` → a comparable tuple; None when there is no number."""
    if not text:
        return None
    match = re.search(r"\d+(?:\.\d+)*", str(text))
    return tuple(int(part) for part in match.group(0).split(".")) if match else None


@dataclass(frozen=True)
class Dialect:
    """A target database: sqlglot dialect name, server version if known, and where the choice came from."""

    name: str
    version: tuple[int, ...] | None = None
    source: str = "default"  # "option", "config", a path that says so (settings.py, alembic.ini...), or "default"

    @property
    def family(self) -> str | None:
        """postgres, mysql or sqlite when depmap knows this database's DDL in detail, else None."""
        return _FAMILY.get(self.name)

    @property
    def label(self) -> str:
        version = ".".join(str(p) for p in self.version) if self.version else "version unknown"
        return f"{self.name} ({version})"

    def at_least(self, *version: int) -> bool:
        """True only when the server version is known and is at least `version`."""
        return self.version is not None and self.version >= version
