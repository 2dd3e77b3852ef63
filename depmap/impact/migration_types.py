"""SQL types and values of what ORM migrations write in Python: `models.CharField(max_length=20)`,
`sa.DateTime(timezone=True)`, `default=""`.

A rule must judge the column the database will get, so each ORM spelling is translated the way
the framework's backend does it. The Django table follows `data_types` of Django's own backends
(django/db/backends/{postgresql,mysql,sqlite3}/base.py); the SQLAlchemy table follows each
type's compiler (`visit_<type>` in sqlalchemy/dialects/*/base.py). An unknown class (a custom
field, a third-party type) gives None: the report says the type is unknown rather than guess.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE, Dialect

# Django field class -> SQL per backend family; `{max_length}`-style holes are the field's kwargs.
# Entries absent from a family fall back to the postgres spelling, which sqlglot then transpiles.
_DJANGO_TYPES: dict[str, dict[str, str]] = {
    "AutoField": {POSTGRES: "integer", MYSQL: "integer", SQLITE: "integer"},
    "BigAutoField": {POSTGRES: "bigint", MYSQL: "bigint", SQLITE: "integer"},
    "SmallAutoField": {POSTGRES: "smallint", MYSQL: "smallint", SQLITE: "integer"},
    "BinaryField": {POSTGRES: "bytea", MYSQL: "longblob", SQLITE: "blob"},
    "BooleanField": {POSTGRES: "boolean", MYSQL: "bool", SQLITE: "bool"},
    "NullBooleanField": {POSTGRES: "boolean", MYSQL: "bool", SQLITE: "bool"},
    "CharField": {POSTGRES: "varchar({max_length})"},
    "CommaSeparatedIntegerField": {POSTGRES: "varchar({max_length})"},
    "SlugField": {POSTGRES: "varchar({max_length})"},
    "EmailField": {POSTGRES: "varchar({max_length})"},
    "URLField": {POSTGRES: "varchar({max_length})"},
    "FileField": {POSTGRES: "varchar({max_length})"},
    "ImageField": {POSTGRES: "varchar({max_length})"},
    "FilePathField": {POSTGRES: "varchar({max_length})"},
    "DateField": {POSTGRES: "date"},
    "DateTimeField": {POSTGRES: "timestamp with time zone", MYSQL: "datetime(6)", SQLITE: "datetime"},
    "TimeField": {POSTGRES: "time", MYSQL: "time(6)", SQLITE: "time"},
    "DurationField": {POSTGRES: "interval", MYSQL: "bigint", SQLITE: "bigint"},
    "DecimalField": {POSTGRES: "numeric({max_digits}, {decimal_places})", SQLITE: "decimal"},
    "FloatField": {POSTGRES: "double precision", SQLITE: "real"},
    "IntegerField": {POSTGRES: "integer"},
    "BigIntegerField": {POSTGRES: "bigint"},
    "SmallIntegerField": {POSTGRES: "smallint"},
    "PositiveIntegerField": {POSTGRES: "integer", MYSQL: "integer unsigned", SQLITE: "integer unsigned"},
    "PositiveBigIntegerField": {POSTGRES: "bigint", MYSQL: "bigint unsigned", SQLITE: "bigint unsigned"},
    "PositiveSmallIntegerField": {POSTGRES: "smallint", MYSQL: "smallint unsigned", SQLITE: "smallint unsigned"},
    "IPAddressField": {POSTGRES: "inet", MYSQL: "char(15)", SQLITE: "char(15)"},
    "GenericIPAddressField": {POSTGRES: "inet", MYSQL: "char(39)", SQLITE: "char(39)"},
    "JSONField": {POSTGRES: "jsonb", MYSQL: "json", SQLITE: "text"},
    "TextField": {POSTGRES: "text", MYSQL: "longtext", SQLITE: "text"},
    "UUIDField": {POSTGRES: "uuid", MYSQL: "char(32)", SQLITE: "char(32)"},
    "ForeignKey": {POSTGRES: "bigint", SQLITE: "bigint"},  # the target's key: BigAutoField since Django 3.2
    "OneToOneField": {POSTGRES: "bigint", SQLITE: "bigint"},
}
# Defaults Django's fields give their own kwargs.
_DJANGO_KWARG_DEFAULTS = {
    "SlugField": {"max_length": "50"},
    "EmailField": {"max_length": "254"},
    "URLField": {"max_length": "200"},
    "FileField": {"max_length": "100"},
    "ImageField": {"max_length": "100"},
    "FilePathField": {"max_length": "100"},
    "GenericIPAddressField": {"max_length": "39"},
    "CommaSeparatedIntegerField": {},
}
# Django adds these CHECK constraints on PostgreSQL and SQLite (MySQL uses unsigned types).
_DJANGO_CHECKS = {"PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"}

# SQLAlchemy type class -> SQL; `{0}` is the first argument (a length or precision).
_SQLALCHEMY_TYPES: dict[str, str] = {
    "integer": "integer", "biginteger": "bigint", "smallinteger": "smallint",
    "boolean": "boolean", "date": "date", "time": "time", "interval": "interval",
    "text": "text", "unicodetext": "text", "string": "varchar", "unicode": "varchar",
    "varchar": "varchar", "char": "char", "nchar": "nchar", "nvarchar": "nvarchar",
    "numeric": "numeric", "decimal": "decimal", "float": "float", "double": "double precision",
    "real": "real", "json": "json", "jsonb": "jsonb", "uuid": "uuid", "largebinary": "blob",
    "binary": "binary", "varbinary": "varbinary", "blob": "blob", "bytea": "bytea", "inet": "inet",
    "citext": "citext", "timestamp": "timestamp", "datetime": "timestamp", "tsvector": "tsvector",
}


def django_type(field_class: str | None, kwargs: dict[str, str], dialect: Dialect) -> str | None:
    """`CharField`, {"max_length": "32"} -> "varchar(32)" as the target backend writes it."""
    if not field_class:
        return None
    per_family = _DJANGO_TYPES.get(field_class)
    if per_family is None:
        return None
    template = per_family.get(dialect.family or POSTGRES) or per_family[POSTGRES]
    values = {**_DJANGO_KWARG_DEFAULTS.get(field_class, {}), **kwargs}
    try:
        text = template.format(**values)
    except KeyError:  # CharField without a literal max_length: the type's length is unknown
        text = template.split("(", 1)[0]
    return _normalised(text, dialect)


def django_check(field_class: str | None, column: str, dialect: Dialect) -> str | None:
    """The CHECK constraint Django adds for positive integer fields (not on MySQL)."""
    if field_class in _DJANGO_CHECKS and dialect.family != MYSQL:
        return f'"{column}" >= 0'
    return None


def sqlalchemy_type(written: str | None, dialect: Dialect) -> str | None:
    """`String(20)` -> varchar(20), `DateTime(timezone=True)` -> timestamptz; None when unknown."""
    if not written:
        return None
    match = re.fullmatch(r"(?:\w+\.)*(\w+)\s*(?:\((.*)\))?", written.strip(), re.S)
    if match is None:
        return None
    name, inner = match.group(1).lower(), (match.group(2) or "").strip()
    args = _top_level(inner)
    positional = [a for a in args if "=" not in a and re.fullmatch(r"\d+", a)]
    keywords = dict(a.split("=", 1) for a in args if "=" in a)
    if name in ("datetime", "timestamp"):
        if dialect.family in (MYSQL, SQLITE):
            return _normalised("datetime", dialect)  # neither stores a time zone
        zoned = keywords.get("timezone", "").strip() == "True"
        return _normalised("timestamp with time zone" if zoned else "timestamp", dialect)
    if name == "array" and args:
        element = sqlalchemy_type(args[0], dialect)
        return f"{element}[]" if element else None
    base = _SQLALCHEMY_TYPES.get(name)
    if base is None:
        return None
    length = keywords.get("length", positional[0] if positional else None)
    precision = keywords.get("precision", positional[0] if positional else None)
    scale = keywords.get("scale", positional[1] if len(positional) > 1 else None)
    if base in ("varchar", "char", "nchar", "nvarchar", "varbinary", "binary") and length:
        return _normalised(f"{base}({length.strip()})", dialect)
    if base in ("numeric", "decimal") and precision:
        return _normalised(f"{base}({precision.strip()}, {scale.strip()})" if scale else f"{base}({precision.strip()})", dialect)
    return _normalised(base, dialect)


def _top_level(inner: str) -> list[str]:
    """Arguments split on the commas outside parentheses: `Text(), dimensions=2` -> 2 items."""
    parts, depth, current = [], 0, ""
    for char in inner:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _normalised(text: str, dialect: Dialect) -> str:
    """The type as sqlglot writes it for the dialect, like the types read from SQL migrations."""
    from depmap.impact.spec import SpecError, parse_type

    try:
        return parse_type(text, dialect.name) or text
    except SpecError:
        return text


# -- values ------------------------------------------------------------------------------------------

_CALLABLE_VALUES = {"dict": "'{}'", "list": "'[]'", "str": "''", "int": "0", "bool": "false", "float": "0"}


def python_to_sql(code: str | None, dialect: Dialect) -> tuple[str | None, bool]:
    """A Python default as the SQL literal the database receives, and whether it is exact.

    Django evaluates `default=` in Python (a callable once, while migrating) and sends the value:
    `""` -> `''`, `False` -> `false`, `Decimal("0.00")` -> `0.00`, `dict` -> `'{}'`. Anything
    else (an enum member, a function) is returned as written with `exact=False`.
    """
    if code is None:
        return None, True
    text = code.strip()
    if text == "None":
        return None, True
    if text in ("True", "False"):
        value = text == "True"
        return ("1" if value else "0") if dialect.family == SQLITE else ("true" if value else "false"), True
    if re.fullmatch(r"-?\d+(\.\d+)?", text.replace("_", "")):
        return text.replace("_", ""), True
    string = _string_literal(text)
    if string is not None:
        return "'" + string.replace("'", "''") + "'", True
    decimal = re.fullmatch(r"(?:decimal\.)?Decimal\(\s*['\"]?(-?[\d.]+)['\"]?\s*\)", text)
    if decimal:
        try:
            return str(Decimal(decimal.group(1))), True
        except InvalidOperation:
            pass
    if text in _CALLABLE_VALUES:
        return _CALLABLE_VALUES[text], True
    value = re.fullmatch(r"(?:models\.)?(?:functions\.)?Value\((.*)\)", text, re.S)
    if value:
        return python_to_sql(value.group(1).split(",")[0], dialect)
    if re.fullmatch(r"(?:\w+\.)*Now\(\)", text):
        return "CURRENT_TIMESTAMP", True
    return text, False


def is_callable_default(code: str | None) -> bool:
    """`timezone.now`, `uuid.uuid4`: Django calls it once while migrating, for every row."""
    return bool(code) and bool(re.fullmatch(r"[A-Za-z_][\w.]*", code.strip())) and code.strip() not in ("True", "False", "None")


def _string_literal(text: str) -> str | None:
    import ast

    if not re.match(r"^[rRuU]?(['\"])", text):
        return None
    try:
        value = ast.literal_eval(text)  # a literal only: never executes code
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None
