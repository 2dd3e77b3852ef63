"""SQL expressions that compute a column's value from the row number, per type and engine.

Every value is a pure function of the row number `i` and a per-column salt, so a load is one
`INSERT ... SELECT` over `generate_series` (PostgreSQL) or a recursive CTE (SQLite), repeats
exactly for a seed, and yields the same values on both engines. `value(r)` maps an integer `r`
one-to-one onto the type's values: a unique column takes `r = i - 1`, any other column
`r = mix(i) % distinct`, where `mix` is a quadratic scramble kept inside 63-bit integers.
Timestamps follow the row number (`2020-01-01 + 37 s × i`, plus a minute per earlier timestamp
column), as ids and creation times do in a real table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MODULUS = 2147483647  # 2^31 - 1, prime: (i % M)^2 stays below 2^62
_MIX_A, _MIX_B = 1103515245, 48271

# Words in a column's name that say what its values look like in a real table.
_LOW_CARDINALITY = ("status", "state", "type", "kind", "category", "currency", "country", "provider", "carrier",
                    "role", "gender", "language", "locale", "channel", "source", "level")  # fmt: skip
_MONEY = ("cents", "amount", "price", "total", "cost", "balance", "fee")
_SMALL_COUNTS = ("quantity", "qty", "count", "stock", "rating", "score", "position", "rank")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_INT_MAX = {"tinyint": 127, "smallint": 32767, "mediumint": 8388607, "int": 2147483647, "bigint": 9223372036854775807}


@dataclass(frozen=True)
class Kind:
    """A column's type reduced to what value generation needs."""

    name: str  # int, numeric, float, bool, text, date, time, timestamp, timestamptz, interval, uuid, json, bytes, inet, other
    size: str = "int"  # an int's width: smallint, int, bigint
    length: int | None = None  # a character type's length
    precision: int | None = None
    scale: int | None = None


def kind_of(type_text: str) -> Kind:
    """Classify a type as PostgreSQL (`format_type`), SQLite (the declared text) or MariaDB/MySQL
    (information_schema's column_type: `tinyint(1)` is a boolean there) states it."""
    text = type_text.lower().strip()
    if text.startswith("tinyint(1)"):
        return Kind("bool")
    if text.startswith(("binary", "varbinary")):
        return Kind("bytes")
    if text.startswith(("tinyint", "mediumint")):
        return Kind("int", size="tinyint" if text.startswith("tinyint") else "mediumint")
    numbers = [int(n) for n in re.findall(r"\d+", text.split("(", 1)[1])] if "(" in text else []
    if text.endswith("]") or text.startswith("array"):
        return Kind("other")
    for word, name in (("interval", "interval"), ("uuid", "uuid"), ("json", "json"), ("bytea", "bytes"),
                       ("blob", "bytes"), ("inet", "inet"), ("cidr", "inet"), ("bool", "bool")):  # fmt: skip
        if word in text:
            return Kind(name)
    if "timestamp" in text or "datetime" in text:
        return Kind("timestamptz" if "with time zone" in text or "tz" in text else "timestamp")
    if "date" in text:
        return Kind("date")
    if text.startswith("time"):
        return Kind("time")
    if "int" in text or "serial" in text:
        if "big" in text or text.startswith("int8"):
            return Kind("int", size="bigint")
        return Kind("int", size="smallint" if "small" in text or text.startswith("int2") else "int")
    if "numeric" in text or "decimal" in text:
        return Kind("numeric", precision=numbers[0] if numbers else None, scale=numbers[1] if len(numbers) > 1 else 0)
    if any(word in text for word in ("real", "floa", "doub")):
        return Kind("float")
    if any(word in text for word in ("char", "text", "clob", "string")) or not text:
        return Kind("text", length=numbers[0] if numbers else None)
    return Kind("other")


def mix(i: str, salt: int) -> str:
    """A scrambled non-negative integer below MODULUS from the row number expression `i`."""
    a = f"(({i}) % {MODULUS})"
    return f"((({a} * {a}) % {MODULUS} * {_MIX_A} + {a} * {_MIX_B} + {salt}) % {MODULUS})"


def default_distinct(column: str, kind: Kind, rows: int) -> int:
    """How many different values a column holds when no statistics say: few for a status-like
    name or a boolean, about one per row otherwise."""
    if kind.name == "bool":
        return 2
    if kind.name == "text" and any(word in column.lower() for word in _LOW_CARDINALITY):
        return 5
    return max(1, rows)


def value(kind: Kind, column: str, r: str, engine: str, *, salt: int = 0, low: float | None = None,
          high: float | None = None, max_length: int | None = None, order: int = 0) -> str:  # fmt: skip
    """The value for integer `r` (an SQL expression, 0-based), one-to-one in `r` within the type's range."""
    pg = engine == "postgres"
    if engine == "mysql" and kind.name in _MYSQL_VALUES:
        return _MYSQL_VALUES[kind.name](r, order, salt)
    lowered = column.lower()
    if kind.name == "int":
        base = int(low) if low is not None else (100 if any(w in lowered for w in _MONEY) else 1 if any(w in lowered for w in _SMALL_COUNTS) else 0)
        top = int(high) if high is not None else _INT_MAX[kind.size]
        if any(w in lowered for w in _SMALL_COUNTS) and high is None:
            return f"({base} + ({r}) % 20)"
        return f"({base} + ({r}) % {max(1, top - base + 1)})"
    if kind.name == "numeric":
        scale = kind.scale or 0
        digits = (kind.precision or 12) - scale
        span = 10 ** min(digits + scale, 15)
        base = low if low is not None else 0
        text = f"({base} + (({r}) % {span}) / {10 ** scale}.0)"
        return f"ROUND({text}, {scale})" if pg or engine == "mysql" else text
    if kind.name == "float":
        base = low if low is not None else 0
        return f"({base} + (({r}) % 1000000) / 8.0)"
    if kind.name == "bool":
        return f"(({r}) % 2 = 1)" if pg else f"(({r}) % 2)"
    if kind.name == "date":
        return f"(DATE '2020-01-01' + CAST(({r}) % 2000000 AS INTEGER))" if pg else f"date('2020-01-01', '+' || (({r}) % 2000000) || ' days')"
    if kind.name in ("timestamp", "timestamptz"):
        seconds = f"(({r}) * 37 + {60 * order})"
        if pg:
            start = "TIMESTAMPTZ '2020-01-01 00:00:00+00'" if kind.name == "timestamptz" else "TIMESTAMP '2020-01-01 00:00:00'"
            return f"({start} + {seconds} * INTERVAL '1 second')"
        return f"datetime('2020-01-01', '+' || {seconds} || ' seconds')"
    if kind.name == "time":
        return f"(TIME '00:00' + (({r}) % 86400) * INTERVAL '1 second')" if pg else f"time(({r}) % 86400, 'unixepoch')"
    if kind.name == "interval":
        return f"((({r}) % 100000) * INTERVAL '1 minute')" if pg else f"((({r}) % 100000) || ' minutes')"
    if kind.name == "uuid":
        prefix = f"{salt % 4294967296:08x}-0000-4000-8000-"
        return f"CAST('{prefix}' || lpad(to_hex({r}), 12, '0') AS UUID)" if pg else f"('{prefix}' || printf('%012x', {r}))"
    if kind.name == "json":
        return f"('{{\"n\": ' || ({r}) || '}}')"
    if kind.name == "bytes":
        return f"convert_to('b' || ({r}), 'UTF8')" if pg else f"CAST('b' || ({r}) AS BLOB)"
    if kind.name == "inet":
        return f"('10.' || (({r}) / 65536 % 256) || '.' || (({r}) / 256 % 256) || '.' || (({r}) % 256))"
    return _text(column, r, engine, min(x for x in (kind.length, max_length, 10**6) if x is not None))


def _text(column: str, r: str, engine: str, length: int) -> str:
    """`user123@example.com` for an email, `full_name 123` for the rest; a short code (char(3))
    as capital letters, one-to-one in r up to 26^length."""
    if length <= 6:
        letters = [f"substr('{_ALPHABET}', CAST(({r}) / {26 ** k} % 26 AS INTEGER) + 1, 1)" for k in range(length)]
        if engine == "mysql":  # `/` divides exactly there; DIV is the integer division
            letters = [f"substr('{_ALPHABET}', ({r}) DIV {26 ** k} % 26 + 1, 1)" for k in range(length)]
        return "(" + " || ".join(reversed(letters)) + ")"
    text = f"('user' || ({r}) || '@example.com')" if "email" in column.lower() else f"('{_stem(column)} ' || ({r}))"
    if length >= 40:
        return text
    return f"right({text}, {length})" if engine in ("postgres", "mysql") else f"substr({text}, -{length})"


def _stem(column: str) -> str:
    return re.sub(r"[^a-z0-9_]", "", column.lower())[:24] or "value"


# MariaDB/MySQL: the types whose SQLite and PostgreSQL expressions it lacks. The fill's session
# runs with ANSI_QUOTES and PIPES_AS_CONCAT, so `||` and "quoted" names mean what they mean elsewhere.
_MYSQL_VALUES = {
    "date": lambda r, order, salt: f"(DATE '2020-01-01' + INTERVAL (({r}) % 2000000) DAY)",
    "timestamp": lambda r, order, salt: f"(TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (({r}) * 37 + {60 * order}) SECOND)",
    "timestamptz": lambda r, order, salt: f"(TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (({r}) * 37 + {60 * order}) SECOND)",
    "time": lambda r, order, salt: f"SEC_TO_TIME(({r}) % 86400)",
    "uuid": lambda r, order, salt: f"('{salt % 4294967296:08x}-0000-4000-8000-' || LPAD(HEX({r}), 12, '0'))",
    "bytes": lambda r, order, salt: f"CAST(('b' || ({r})) AS BINARY)",
    "inet": lambda r, order, salt: f"('10.' || (({r}) DIV 65536 % 256) || '.' || (({r}) DIV 256 % 256) || '.' || (({r}) % 256))",
}
