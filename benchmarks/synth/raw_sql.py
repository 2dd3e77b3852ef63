"""Raw SQL modules on psycopg: module-level multi-line queries, inline `cursor.execute`, f-strings
with validated holes, queries built by concatenation, `SELECT *` unpacked by position and the
occasional `INSERT` without a column list, over tables of every layer."""

from __future__ import annotations

from synth.repo import Repo, defined_name, docstring, render
from synth.schema import Column, Table, pick_tables

AREAS: tuple[str, ...] = ("reporting", "jobs", "exports", "reconciliation", "maintenance", "sync")


def _cols(repo: Repo, table: Table, low: int, high: int) -> list[Column]:
    data = [c for c in table.data_columns() if c.kind != "json"]
    return repo.rng.sample(data, min(len(data), repo.rng.randint(low, high)))


def _const_join(repo: Repo, table: Table, name: str) -> tuple[list[str], list[str]]:
    """A module constant joining the table to what its foreign key points at."""
    fk = next((c for c in table.columns if c.kind == "fk"), None)
    cols = _cols(repo, table, 2, 4)
    select = ",\n           ".join(["t.id", *(f"t.{c.name}" for c in cols)])
    const = f"{table.entity.upper()}_{name.upper()}"
    sql = [f'{const} = """', f"    SELECT {select}"]
    if fk is not None:
        sql += [f"    FROM {table.name} AS t", f"    JOIN {fk.target} AS p ON p.id = t.{fk.name}"]
    else:
        sql.append(f"    FROM {table.name} AS t")
    where = "t.status = %(status)s" if table.statuses else "t.created_at >= %(since)s"
    sql += [f"    WHERE {where}", "    ORDER BY t.created_at DESC", "    LIMIT %(limit)s", '"""', ""]
    param = ('"status": status', "status: str") if table.statuses else ('"since": since', "since: datetime")
    func = [
        f"def {name}_{table.collection}(conn: Connection, {param[1]}, limit: int = 500) -> list[tuple[Any, ...]]:",
        *docstring(f"Rows for the {name.replace('_', ' ')} screen, newest first.", "    "),
        "    with conn.cursor() as cur:",
        f'        cur.execute({const}, {{{param[0]}, "limit": limit}})',
        "        return cur.fetchall()",
    ]
    return sql, func


def _select_star(repo: Repo, table: Table) -> list[str]:
    names = table.names()
    head = ", ".join(names[:3])
    return [
        f"def load_{table.entity}(conn: Connection, {table.entity}_id: int) -> tuple[Any, ...]:",
        *docstring("Loads one row; the first columns are unpacked by position.", "    "),
        "    with conn.cursor() as cur:",
        f'        cur.execute("SELECT * FROM {table.name} WHERE id = %s", ({table.entity}_id,))',
        "        row = cur.fetchone()",
        "    if row is None:",
        f'        raise LookupError(f"no {table.entity} {{{table.entity}_id}}")',
        f"    {head}, *_rest = row",
        f"    return ({head})",
    ]


def _insert_columns(repo: Repo, table: Table) -> list[str]:
    cols = _cols(repo, table, 2, 5)
    names = ", ".join(c.name for c in cols)
    marks = ", ".join("%s" for _ in cols)
    return [
        f"def save_{table.collection}(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:",
        *docstring(f"Writes a batch of {table.collection.replace('_', ' ')} in one round trip.", "    "),
        "    with conn.cursor() as cur:",
        "        cur.executemany(",
        f'            "INSERT INTO {table.name} ({names}) "',
        f'            "VALUES ({marks})",',
        "            rows,",
        "        )",
    ]


def _insert_positional(repo: Repo, table: Table) -> list[str]:
    marks = ", ".join("%s" for _ in table.columns)
    return [
        f"def restore_{table.entity}(conn: Connection, row: tuple[Any, ...]) -> None:",
        *docstring("Puts back a row exported by the archive job, in table column order.", "    "),
        "    with conn.cursor() as cur:",
        f'        cur.execute("INSERT INTO {table.name} VALUES ({marks})", row)',
    ]


def _fstring(repo: Repo, table: Table) -> list[str]:
    cols = _cols(repo, table, 2, 4)
    sortable = [c.name for c in cols if c.kind in ("ts", "date", "int", "money", "code")] or ["id"]
    allowed = ", ".join(f'"{n}"' for n in dict.fromkeys(sortable))
    select = ", ".join(["id", *(c.name for c in cols)])
    return [
        f"def page_of_{table.collection}(conn: Connection, sort: str = \"{sortable[0]}\", limit: int = 50) -> list[tuple[Any, ...]]:",
        f"    if sort not in {{{allowed}}}:",
        '        raise ValueError(f"cannot sort by {sort!r}")',
        "    with conn.cursor() as cur:",
        f'        cur.execute(f"SELECT {select} FROM {table.name} ORDER BY {{sort}} DESC LIMIT {{int(limit)}}")',
        "        return cur.fetchall()",
    ]


def _concatenated(repo: Repo, table: Table) -> list[str]:
    cols = _cols(repo, table, 2, 4)
    filters = [c for c in cols if c.kind in ("code", "status", "int", "bool", "email")][:3]
    select = ", ".join(["id", *(c.name for c in cols)])
    params = "".join(f", {c.name}: {c.type.hint} | None = None" for c in filters)
    out = [
        f"def search_{table.collection}(conn: Connection{params}) -> list[tuple[Any, ...]]:",
        *docstring("Back-office search; every filter is optional.", "    "),
        f'    query = "SELECT {select} FROM {table.name} WHERE true"',
        "    args: list[Any] = []",
    ]
    for column in filters:
        out += [f"    if {column.name} is not None:", f'        query += " AND {column.name} = %s"', f"        args.append({column.name})"]
    out += ['    query += " ORDER BY id DESC"', "    with conn.cursor() as cur:", "        cur.execute(query, args)", "        return cur.fetchall()"]
    return out


def _update_returning(repo: Repo, table: Table) -> list[str]:
    if not table.statuses:
        return _concatenated(repo, table)
    first, last = table.statuses[0], table.statuses[-1]
    return [
        f"def expire_{table.collection}(conn: Connection, older_than: timedelta) -> list[int]:",
        *docstring(f"Moves {first} rows older than the cutoff to {last}; returns their ids.", "    "),
        "    cutoff = datetime.now(timezone.utc) - older_than",
        "    with conn.cursor() as cur:",
        "        cur.execute(",
        '            """',
        f"            UPDATE {table.name}",
        f"               SET status = '{last}', updated_at = now()",
        f"             WHERE status = '{first}' AND created_at < %s",
        "            RETURNING id",
        '            """,',
        "            (cutoff,),",
        "        )",
        "        ids = [row[0] for row in cur.fetchall()]",
        '    logger.info("expired %d rows", len(ids))',
        "    return ids",
    ]


def _delete(repo: Repo, table: Table) -> list[str]:
    return [
        f"def purge_{table.collection}(conn: Connection, keep_days: int = 365) -> int:",
        "    with conn.cursor() as cur:",
        f'        cur.execute("DELETE FROM {table.name} WHERE created_at < now() - make_interval(days => %s)", (keep_days,))',
        "        return cur.rowcount",
    ]


def _aggregate(repo: Repo, table: Table) -> list[str]:
    money = next((c for c in table.columns if c.kind in ("money", "int") and c.name != "id"), None)
    measure = f"sum({money.name})" if money else "count(*)"
    group = "status" if table.statuses else "date_trunc('day', created_at)"
    return [
        f"def {table.entity}_totals(conn: Connection, since: datetime) -> dict[Any, int]:",
        "    sql = (",
        f'        "SELECT {group} AS bucket, {measure} AS total "',
        f'        "FROM {table.name} "',
        '        "WHERE created_at >= %s "',
        '        "GROUP BY 1 ORDER BY 1"',
        "    )",
        "    with conn.cursor() as cur:",
        "        cur.execute(sql, (since,))",
        "        return {bucket: total for bucket, total in cur.fetchall()}",
    ]


_SHAPES = (_select_star, _insert_columns, _insert_positional, _fstring, _concatenated, _update_returning, _delete, _aggregate)
_WEIGHTS = (2, 3, 1, 2, 3, 2, 1, 3)


def unit(repo: Repo) -> None:
    """One module of hand-written queries over 2-5 existing tables."""
    rng = repo.rng
    area = rng.choice(AREAS)
    tables = pick_tables(rng, repo.tables, rng.randint(2, 5))
    topic = repo.namer.module(f"raw:{area}", [f"{tables[0].entity}_queries", f"{tables[0].collection}", f"{tables[0].entity}_sql"])
    constants: list[str] = []
    body: list[str] = []
    seen: set[str] = set()
    for table in tables:
        if rng.random() < 0.6:
            sql, func = _const_join(repo, table, rng.choice(("recent", "open", "review", "export")))
            constants += sql
            body += func + ["", ""]
        for shape in rng.choices(_SHAPES, weights=_WEIGHTS, k=rng.randint(2, 4)):
            lines = shape(repo, table)
            if defined_name(lines) in seen:
                continue
            seen.add(defined_name(lines))
            body += lines + ["", ""]
    text = "\n".join(constants + body)
    head = docstring(f"Hand-written SQL for the {area} jobs around {', '.join(t.collection.replace('_', ' ') for t in tables)}.")
    imports = ["", "from __future__ import annotations", "", "import logging"]
    if "Sequence" in text:
        imports.append("from collections.abc import Sequence")
    imports += ["from datetime import datetime, timedelta, timezone", "from typing import Any", "", "from psycopg import Connection", ""]
    imports += ["logger = logging.getLogger(__name__)", "", ""]
    path = f"{repo.company}/{area}/{topic}.py"
    for package in (f"{repo.company}/__init__.py", f"{repo.company}/{area}/__init__.py"):
        if package not in repo.files:
            repo.add(package, "plain", "")
    repo.add(path, "raw_sql", render(head + imports + constants + [""] + body))
