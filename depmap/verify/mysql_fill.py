"""How `fill` loads rows into MariaDB/MySQL: the same set-based INSERT ... SELECT as elsewhere.

The rows come from MariaDB's SEQUENCE engine (`seq_1_to_250000`, a virtual table of numbers: no
CSV to write, no data sent from the client), or on MySQL from a recursive CTE with its depth limit
raised. The session runs with ANSI_QUOTES and PIPES_AS_CONCAT, so the value expressions shared
with the other engines (`"name"`, `'a' || b`) mean the same here, and in strict mode, so a value
that does not fit its column fails the load instead of being silently cut.
"""

from __future__ import annotations

import re
from typing import Any

ANSI_SESSION = ("SET SESSION sql_mode = 'STRICT_ALL_TABLES,ANSI_QUOTES,PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION,"
                "ERROR_FOR_DIVISION_BY_ZERO', cte_max_recursion_depth = 4294967295")
_MARIADB_SESSION = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ANSI_QUOTES,PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION'"
# MariaDB: CONSTRAINT `orders_total_check` failed for `depmap`.`orders`; MySQL: Check constraint 'x' is violated.
_VIOLATED = re.compile(r"CONSTRAINT [`'\"]?([^`'\"]+)[`'\"]? failed for|Check constraint '([^']+)' is violated", re.I)


def prepare_session(connection: Any) -> bool:
    """ANSI quoting and concatenation for the load; True on MariaDB (which has the SEQUENCE engine)."""
    version = connection.execute("SELECT VERSION()").fetchone()[0]
    mariadb = "mariadb" in version.lower()
    connection.execute(_MARIADB_SESSION if mariadb else ANSI_SESSION)
    return mariadb


def rows_source(first: int, last: int, mariadb: bool) -> tuple[str, str]:
    """(a WITH clause or "", the FROM clause) that yields `i` from `first` to `last`, as a signed integer."""
    if mariadb:
        return "", f"(SELECT CAST(seq AS SIGNED) AS i FROM seq_{first}_to_{last}) AS g"
    return (f"WITH RECURSIVE g(i) AS (SELECT CAST({first} AS SIGNED) UNION ALL SELECT i + 1 FROM g WHERE i < {last})\n",
            "g")


def violated_check(error: BaseException) -> str | None:
    """The name of the CHECK constraint the engine says the rows broke, or None."""
    arguments = getattr(error, "args", ())
    message = str(arguments[1]) if len(arguments) >= 2 else str(error)
    match = _VIOLATED.search(message)
    return (match.group(1) or match.group(2)) if match else None

