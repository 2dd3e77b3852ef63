"""MySQL `LOAD DATA [LOCAL] INFILE 'f' INTO TABLE t [(col, @var, ...)] [SET col = expr]`.

sqlglot parses Hive's `LOAD DATA INPATH` but not MySQL's form, which would leave a bulk loader
as an unparsed statement. The grammar is small and fixed, so it is read here: the statement
writes the table, and the columns it names (the list, without `@user_variables`, plus the SET
targets) are the ones it fills. No column list means the file supplies every column by position,
the `copy-without-columns` hazard, recorded like `COPY t FROM` (detail `copy`, no columns).
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from depmap.model import ACCESS, WRITE
from depmap.sql.names import dialect_object, fold_quoted, identifier, table_name
from depmap.sql.types import Observation

_GAP = r"(?:\s|--[^\n]*(?:\n|$)|\#[^\n]*(?:\n|$)|/\*.*?\*/)+"  # blanks and comments
_HEAD = re.compile(
    rf"""^{_GAP[:-1]}*LOAD{_GAP}DATA{_GAP}(?:(?:LOW_PRIORITY|CONCURRENT){_GAP})?(?:LOCAL{_GAP})?INFILE{_GAP}
        (?:'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[^\s'"]+){_GAP}
        (?:(?:REPLACE|IGNORE){_GAP})?INTO{_GAP}TABLE{_GAP}
        (?P<table>(?:`[^`]+`|"[^"]+"|[\w$]+)(?:\s*\.\s*(?:`[^`]+`|"[^"]+"|[\w$]+))?)""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)


def is_load_data(text: str) -> bool:
    return _HEAD.match(text) is not None


def load_data(text: str, dialect: str) -> list[Observation] | None:
    """The write of a `LOAD DATA INFILE` statement, or None when `text` is not one."""
    match = _HEAD.match(text)
    if match is None:
        return None
    try:
        table = fold_quoted(exp.to_table(match.group("table"), dialect=dialect), dialect)
        tokens = dialect_object(dialect).tokenize(text[match.end() :])
    except (ParseError, TokenError, ValueError):
        return None
    name = table_name(table, dialect)
    if not name:
        return None
    columns = _listed_columns(tokens, dialect)
    extra = {"loader": "load_data", "statement": "copy"}
    return [Observation(ACCESS, name, tuple(columns), WRITE, "copy", extra=extra)]


def _listed_columns(tokens: list, dialect: str) -> list[str]:
    """Names in the top-level column list (skipping `PARTITION (...)` and `@vars`) and SET targets."""
    columns: list[str] = []
    depth, in_list, in_set, previous = 0, False, False, None
    for index, token in enumerate(tokens):
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            depth += 1
            if depth == 1 and not in_set and not (previous is not None and previous.text.upper() == "PARTITION"):
                in_list = True
        elif kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                in_list = False
        elif depth == 0 and kind == TokenType.SET:
            in_set = True
        elif kind in (TokenType.VAR, TokenType.IDENTIFIER) and not (previous is not None and previous.text == "@"):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            set_target = in_set and depth == 0 and following is not None and following.token_type == TokenType.EQ
            if (in_list and depth == 1) or set_target:
                quoted = kind == TokenType.IDENTIFIER
                name = identifier(fold_quoted(exp.to_identifier(token.text, quoted=quoted), dialect))
                if name and name not in columns:
                    columns.append(name)
        previous = token
    return columns
