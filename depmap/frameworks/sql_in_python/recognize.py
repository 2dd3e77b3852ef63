"""What marks text in Python as SQL: the database calls that receive it, and the keyword it opens with.

Both the gathering pass (`gather`) and the resolution of texts into facts
(`resolve`) ask these questions, and the prefilter asks them of the raw file before
anything is parsed; keeping the vocabulary here lets the three agree and keeps the other modules
free of regular expressions about SQL.
"""

from __future__ import annotations

import re

from depmap.model import READ, WRITE

# Calls whose first positional argument is SQL text (DB-API cursors, SQLAlchemy, pandas, Django,
# Alembic, asyncpg, databases, psycopg). Text reaching them is analysed even if it does not parse:
# bad SQL in a database call must reach the report.
SQL_SINKS = (
    "execute", "executemany", "executescript", "exec_driver_sql", "read_sql", "read_sql_query",
    "RunSQL", "mogrify", "copy_expert", "fetchrow", "fetchval", "fetch_all", "fetch_one",
    "fetch_val", "fetchall", "fetchone", "fetchmany",
)  # fmt: skip
# psycopg2.extras helpers that take the cursor first: execute_values(cur, sql, rows).
SQL_SINKS_AFTER_CURSOR = ("execute_values", "execute_batch")
# Generic names (`text`, `Model.objects.raw`, asyncpg `fetch`, psycopg `copy`/`sql.SQL`,
# `spark.sql`): their argument counts as SQL only when it starts like SQL, since `text(...)` and
# `sql.SQL(...)` also build fragments (", ", "status = :s").
WEAK_SQL_SINKS = ("text", "raw", "fetch", "copy", "sql", "SQL")
SQL_KEYWORD_ARGS = ("sql", "reverse_sql")  # of any call (Airflow operators, RunSQL, read_sql)
# Rollback SQL: it runs only when migrating down, so it must not be replayed into the schema.
REVERSE_SQL_KEYWORD_ARGS = ("reverse_sql",)
REVERSIBLE_SQL_SINKS = frozenset({"RunSQL"})  # RunSQL(sql, reverse_sql)
WEAK_SQL_KEYWORD_ARGS = ("query", "statement")
# Calls that name a table instead of passing SQL: name -> (table argument index, table keyword,
# access). psycopg2 takes (file, table); pandas, polars and asyncpg take the table first.
TABLE_SINKS = {
    "read_sql_table": (0, "table_name", READ),
    "to_sql": (0, "name", WRITE),  # pandas DataFrame.to_sql(name, con, if_exists=...)
    "write_database": (0, "table_name", WRITE),  # polars DataFrame.write_database(table_name, connection)
    "copy_from": (1, "table", WRITE),
    "copy_to": (1, "table", READ),
    "copy_to_table": (0, "table_name", WRITE),
    "copy_records_to_table": (0, "table_name", WRITE),
    "copy_from_table": (0, "table_name", READ),
}

# Statement keywords. After one comes whitespace ("update" alone is a word, "update(x)" Python).
# WITH must open a CTE (`WITH name AS (`): otherwise it is prose, or Python's `with` after the
# closing quotes of a docstring. LOAD counts only as MySQL's `LOAD DATA ... INTO TABLE` (a bulk
# load): "load the file" is prose.
_VERBS = r"SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|MERGE|COPY|TRUNCATE|REPLACE|UPSERT|CALL|LOAD(?=(?:\s|\\[ntr])+DATA\b)"
_CTE = r"\s+(?:RECURSIVE\s+)?[\w\"`]+\s*(?:\([^()]*\)\s*)?AS\s*(?:NOT\s+)?(?:MATERIALIZED\s*)?\("
_SPACE = r"(?=\s|\\[ntr])"  # in source text, "\n" may still be an escape
_STRICT_KEYWORD = rf"(?:(?:{_VERBS}|{_VERBS.lower()}){_SPACE}|(?:WITH|with)(?=(?i:{_CTE})))"
_ANY_KEYWORD = rf"(?i:(?:{_VERBS}){_SPACE}|WITH(?={_CTE}))"
_LEAD = r"(?:\s|\\[ntr]|--[^\n]*\n)*"  # whitespace, escaped newlines and SQL comments
_QUOTE = r"""(?:'''|\"\"\"|'|")"""
# Prefilter (PERFORMANCE.md: a parse costs far more than a regex): a literal opening with an
# all-caps or all-lowercase keyword, or a table sink; a Title-case one only next to a sink call.
_OPENS_LIKE_SQL = re.compile(_QUOTE + _LEAD + _STRICT_KEYWORD)
_OPENS_LIKE_SQL_ANY_CASE = re.compile(_QUOTE + _LEAD + _ANY_KEYWORD)
_SINK_CALL = re.compile(
    r"\b(?:(?:"
    + "|".join(SQL_SINKS + SQL_SINKS_AFTER_CURSOR + WEAK_SQL_SINKS)
    + r")\s*\(|(?:"
    + "|".join(SQL_KEYWORD_ARGS + WEAK_SQL_KEYWORD_ARGS)
    + r")\s*=(?!=))"
)
_TABLE_SINK_CALL = re.compile(r"\b(?:" + "|".join(TABLE_SINKS) + r")\s*\(")
_SQL_START = re.compile(rf"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*(?={_ANY_KEYWORD})(\w+)", re.S)
_STRICT_HEAD = re.compile(_LEAD + _STRICT_KEYWORD)
# A keyword anywhere: what a literal's value holds whenever its source opens with one.
_WORDS = "SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|MERGE|COPY|TRUNCATE|REPLACE|UPSERT|CALL|LOAD|WITH"
_KEYWORD_ANYWHERE = re.compile(f"{_WORDS}|{_WORDS.lower()}")
# What a statement has and a sentence rarely does; asked of lowercase text no database call takes.
_STRUCTURE = re.compile(
    r"[*,=(]|\b(?:where|join|group\s+by|order\s+by|values|set|into|returning|limit|having|union|on\s+conflict)\b",
    re.I,
)


def might_contain_sql(text: str) -> bool:
    """The cheap test that decides whether the file is parsed at all: a literal opening like SQL in
    capitals or lower case, or one in any case with a sink call in the file, or a table sink.

    One pass of the any-case pattern instead of two passes: a literal that opens in capitals or in
    lower case (`_OPENS_LIKE_SQL`) opens in some case too, at the same quote, so the strict
    pattern is asked only at the quotes where the any-case one matched."""
    if _calls_table_sink(text):
        return True
    found = _OPENS_LIKE_SQL_ANY_CASE.search(text)
    if found is None:
        return False
    if _SINK_CALL.search(text):
        return True
    while found is not None:
        if _OPENS_LIKE_SQL.match(text, found.start()):
            return True
        found = _OPENS_LIKE_SQL_ANY_CASE.search(text, found.start() + 1)
    return False


def _calls_table_sink(text: str) -> bool:
    # `in` first: on the many files that name none, the regex alone costs ten times as much
    return ("copy_" in text or "_sql" in text or "write_database" in text) and _TABLE_SINK_CALL.search(text) is not None


def opens_with_keyword(source_head: str) -> bool:
    """The source text of a literal (after its prefix and quotes) opens with a statement keyword
    in capitals or lower case: the test a string passes to be gathered at all."""
    return bool(_STRICT_HEAD.match(source_head))


def may_open_with_keyword(value: str) -> bool:
    """False when the value of a literal holds no statement keyword at all, so that its source
    cannot pass `opens_with_keyword`: a cheap test before that one."""
    return _KEYWORD_ANYWHERE.search(value) is not None


def sql_keyword(text: str) -> str | None:
    """The keyword a SQL text opens with, as written, after whitespace and comments."""
    match = _SQL_START.match(text)
    return match.group(1) if match else None


def looks_like_sql(text: str) -> bool:
    """Opens with a SQL keyword in capitals or lower case: "Select a customer" is prose."""
    keyword = sql_keyword(text)
    return keyword is not None and (keyword.isupper() or keyword.islower())


def looks_like_standalone_sql(text: str) -> bool:
    """`looks_like_sql`, stricter for text that no database call receives: opening in lower case,
    it must also show some structure of a statement (`*`, `,`, `=`, `(`, WHERE, JOIN, SET,
    VALUES, ...). "select a customer from the list" parses as a read of table `the`."""
    keyword = sql_keyword(text)
    if keyword is None:
        return False
    if keyword.isupper():
        return True
    return keyword.islower() and _STRUCTURE.search(text) is not None


__all__ = [
    "REVERSE_SQL_KEYWORD_ARGS",
    "REVERSIBLE_SQL_SINKS",
    "SQL_KEYWORD_ARGS",
    "SQL_SINKS",
    "SQL_SINKS_AFTER_CURSOR",
    "TABLE_SINKS",
    "WEAK_SQL_KEYWORD_ARGS",
    "WEAK_SQL_SINKS",
    "looks_like_sql",
    "looks_like_standalone_sql",
    "may_open_with_keyword",
    "might_contain_sql",
    "opens_with_keyword",
    "sql_keyword",
]
