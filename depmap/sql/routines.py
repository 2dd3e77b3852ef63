"""Functions, procedures, triggers with bodies and DO blocks: their statements, analysed in place.

`CREATE FUNCTION f(...) ... AS $$ <body> $$ LANGUAGE plpgsql` is a definition (a ROUTINE
observation naming `f`, whether it is a trigger function, its parameters) plus every statement its
body runs, each at its own line and tagged with the routine's name (`extra["routine"]`), so a
report says "in function bump_timestamp" and the linker can hand the body's reads and writes to
the triggers and queries that call it. A DO block's statements run where they are written.
MySQL/MariaDB and SQLite `CREATE TRIGGER ... BEGIN ... END` bodies know their table, so `NEW.col`
and `OLD.col` resolve at once; a PostgreSQL trigger function's rows wait for `CREATE TRIGGER ...
EXECUTE FUNCTION f()` (`extra["trigger_row"]`, no table until linked).

Bodies in languages other than SQL and PL/pgSQL (plpython3u, plv8, C) are reported as not analysed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from depmap.model import ACCESS, LOW, MEDIUM, PARSE_ERROR, READ, ROUTINE, weaker
from depmap.sql.routine_body import Body, body_statements, tokenize
from depmap.sql.schema_ops import CREATE_TRIGGER, QUALIFIED
from depmap.sql.names import dialect_object
from depmap.sql.split import line_at
from depmap.sql.types import Observation, Schema, StatementResult

Analyze = Callable[[str, str, "Schema | None"], list[StatementResult]]

_ROUTINE = re.compile(
    rf"^\s*CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?P<kind>FUNCTION|PROCEDURE)\s+"
    rf"(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{QUALIFIED})\s*\(",
    re.I,
)
_DO = re.compile(r"^\s*DO\b", re.I)
_LANGUAGE = re.compile(r"\bLANGUAGE\s+'?(\w+)", re.I)
_RETURNS_TRIGGER = re.compile(r"\bRETURNS\s+(?:EVENT_)?TRIGGER\b", re.I)
_BODY_STARTS = frozenset({"BEGIN", "RETURN", "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CALL", "SET", "REPLACE"})
_PROCEDURAL = frozenset({"plpgsql", ""})
_MODES = frozenset({"IN", "OUT", "INOUT", "VARIADIC"})


@dataclass(frozen=True)
class _Header:
    kind: str  # function | procedure | do | trigger
    name: str
    parameters: tuple[str, ...]
    body_token: int  # index of the body's token (a quoted body) or of its first token
    quoted: bool
    table: str = ""  # a trigger's table
    row_types: tuple[str, ...] = ()  # parameter types named like a table (`f(p payments)`)


_DELIMITER = re.compile(r"^\s*DELIMITER\s+\S+\s+", re.I)


def is_routine(text: str) -> bool:
    """Does this statement define a routine or trigger with a body, or run a DO block?"""
    text = _DELIMITER.sub("", text, count=1)
    return bool(_ROUTINE.match(text) or _DO.match(text) or (CREATE_TRIGGER.match(text) and re.search(r"\bBEGIN\b", text, re.I)))


def analyze_routine(
    text: str,
    line: int,
    original_lines: list[str],
    dialect: str,
    schema: Schema | None,
    analyze: Analyze,
    table_of: Callable[[str], str],
) -> list[StatementResult] | None:
    """The definition and every body statement of the routine whose text starts at `line` of
    the analysed text; None when this is not a routine with a body we can read."""
    if prefix := _DELIMITER.match(text):  # a MySQL client's `DELIMITER $$` line before it
        line += text.count("\n", 0, prefix.end())
        text = text[prefix.end() :]
    sqlglot_dialect = dialect_object(dialect)
    try:
        tokens = tokenize(text, sqlglot_dialect)
    except TokenError:
        return None
    header = _header(text, tokens, table_of)
    if header is None:
        return None
    end_line = line + text.count("\n")
    language = _language(text, tokens, header)
    definition = _definition(header, text, line, end_line, original_lines, language)
    if language not in ("sql", *_PROCEDURAL) and header.kind != "trigger":
        return [definition, _not_analysed(line, end_line, original_lines, f"the body of a {language} routine is not analysed")]
    body, body_line = _body_text(text, tokens, header)
    names = frozenset(p.upper() for p in header.parameters)
    parts = body_statements(body, sqlglot_dialect, names, procedural=language != "sql" or not header.quoted, sections=header.quoted)
    base = line - 1 + body_line - 1
    results = [definition]
    for piece in parts.pieces:
        for result in analyze(piece.text, dialect, schema):
            if result.kind == "other" and not result.observations:
                continue
            confidence = MEDIUM if piece.dynamic else None
            results.append(_placed(result, base + piece.line - 1, original_lines, header, confidence))
    results.extend(_trigger_rows(parts, base, original_lines, header))
    return results


# -- the header ----------------------------------------------------------------------------------


def _header(text: str, tokens: list[Token], table_of: Callable[[str], str]) -> _Header | None:
    if match := _ROUTINE.match(text):
        open_index = next((k for k, t in enumerate(tokens) if t.start >= match.end() - 1 and t.token_type == TokenType.L_PAREN), None)
        if open_index is None:
            return None
        close_index = _closing(tokens, open_index)
        body = _body_token(tokens, close_index + 1)
        if body is None:
            return None
        index, quoted = body
        inside = tokens[open_index + 1 : close_index]
        row_types = tuple(table_of(t) for t in _parameter_types(inside))
        return _Header(match.group("kind").lower(), table_of(match.group("name")), _parameters(inside), index, quoted, row_types=row_types)
    if _DO.match(text):
        quoted = next((k for k, t in enumerate(tokens) if t.token_type in (TokenType.HEREDOC_STRING, TokenType.STRING)), None)
        return None if quoted is None else _Header("do", "", (), quoted, True)
    if match := CREATE_TRIGGER.match(text):
        after = next((k for k, t in enumerate(tokens) if t.start >= match.end()), len(tokens))
        begin = next((k for k in range(after, len(tokens)) if tokens[k].text.upper() == "BEGIN"), None)
        if begin is None:
            return None
        return _Header("trigger", table_of(match.group("name")), (), begin, False, table=table_of(match.group("table")))
    return None


def _closing(tokens: list[Token], open_index: int) -> int:
    depth = 0
    for k in range(open_index, len(tokens)):
        if tokens[k].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[k].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return k
    return len(tokens) - 1


def _body_token(tokens: list[Token], start: int) -> tuple[int, bool] | None:
    """The body: the first quoted string after the header (`AS $$...$$`, `AS '...'`), else the
    first token that starts a statement (`BEGIN`, MySQL's `RETURN (SELECT ...)`)."""
    for k in range(start, len(tokens)):
        token = tokens[k]
        if token.token_type in (TokenType.HEREDOC_STRING, TokenType.STRING) and k > 0 and tokens[k - 1].text.upper() in ("AS", ","):
            return k, True
        if token.text.upper() in _BODY_STARTS and token.token_type not in (TokenType.STRING, TokenType.HEREDOC_STRING):
            return k, False
    return None


def _parameter_items(tokens: list[Token]) -> list[list[Token]]:
    """Each comma-separated parameter, its mode (IN/OUT/INOUT/VARIADIC) left out."""
    items: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        depth += token.token_type == TokenType.L_PAREN
        depth -= token.token_type == TokenType.R_PAREN
        if token.token_type == TokenType.COMMA and depth == 0:
            items.append([])
        elif token.text.upper() not in _MODES or items[-1]:
            items[-1].append(token)
    return [item for item in items if item]


def _parameters(tokens: list[Token]) -> tuple[str, ...]:
    """Parameter names: the first word of each parameter."""
    return tuple(
        item[0].text for item in _parameter_items(tokens) if item[0].token_type in (TokenType.VAR, TokenType.IDENTIFIER) or item[0].text.isidentifier()
    )


def _parameter_types(tokens: list[Token]) -> list[str]:
    """Parameter types that are names, not built-in types: `p payments`, `p shop.payments`."""
    types: list[str] = []
    for words in _parameter_items(tokens):
        if len(words) >= 2 and words[1].token_type in (TokenType.VAR, TokenType.IDENTIFIER):
            name = words[1].text
            if len(words) >= 4 and words[2].token_type == TokenType.DOT:
                name = f"{name}.{words[3].text}"
            types.append(name)
    return types


def _language(text: str, tokens: list[Token], header: _Header) -> str:
    """The body's language: LANGUAGE outside the body, else plpgsql for a dollar-quoted body
    that reads as a block, sql for other quoted bodies, and procedural for BEGIN ... END."""
    body = tokens[header.body_token]
    outside = text[: body.start] + " " + text[body.end + 1 :] if header.quoted else text[: body.start]
    if match := _LANGUAGE.search(outside):
        return match.group(1).lower()
    if not header.quoted:
        return ""
    return "plpgsql" if re.match(r"\s*(?:<<\w+>>\s*)?(?:DECLARE|BEGIN)\b", body.text, re.I) else "sql"


def _body_text(text: str, tokens: list[Token], header: _Header) -> tuple[str, int]:
    """The body's text and the line of the statement text where it starts."""
    token = tokens[header.body_token]
    if not header.quoted:
        return text[token.start :], token.line
    raw = text[token.start : token.end + 1]
    opening = raw.index("$", 1) + 1 if raw.startswith("$") else 1
    start = token.start + opening
    return token.text, line_at(text, start)


# -- results ---------------------------------------------------------------------------------------


def _definition(header: _Header, text: str, line: int, end_line: int, original_lines: list[str], language: str) -> StatementResult:
    extra = {
        "name": header.name,
        "kind": header.kind,
        "language": language or "procedural",
        "trigger": header.kind == "trigger" or bool(_RETURNS_TRIGGER.search(text[: text.find("$")] if "$" in text else text)),
        "parameters": list(header.parameters),
    }
    if header.table:
        extra["table"] = header.table
    observations = [Observation(ROUTINE, "", (), None, "create_routine", extra=extra)]
    for row_type in header.row_types:  # the function takes a whole row of that table: every column
        reason = f"parameter of the row type of {row_type}: every column, like SELECT *"
        observations.append(Observation(ACCESS, row_type, (), READ, "select_star", MEDIUM, {"row_type": row_type, "reason": reason}, line))
    return StatementResult(line, end_line, "create_routine", _original(original_lines, line, end_line), tuple(observations))


def _placed(
    result: StatementResult, offset: int, original_lines: list[str], header: _Header, confidence: str | None
) -> StatementResult:
    """A body statement moved to the routine's lines, each observation tagged with the routine."""
    observations = []
    for obs in result.observations:
        extra = dict(obs.extra)
        if "lines" in extra:
            extra["lines"] = [line + offset for line in extra["lines"]]
        if "column_lines" in extra:
            extra["column_lines"] = {name: line + offset for name, line in extra["column_lines"].items()}
        if header.name:
            extra["routine"] = header.name
        observations.append(
            replace(
                obs,
                extra=extra,
                line=None if obs.line is None else obs.line + offset,
                confidence=weaker(obs.confidence, confidence) if confidence else obs.confidence,
            )
        )
    line, end_line = result.line + offset, result.end_line + offset
    return replace(result, line=line, end_line=end_line, text=_original(original_lines, line, end_line), observations=tuple(observations))


def _trigger_rows(parts: Body, offset: int, original_lines: list[str], header: _Header) -> list[StatementResult]:
    """`NEW.col`/`OLD.col`: the trigger's table when the trigger has its own body, else a row the
    linker binds to the tables of the triggers that execute this function."""
    results = []
    for ref in parts.rows:
        line = ref.line + offset
        extra: dict = {"trigger_row": ref.row}
        if header.name:
            extra["routine"] = header.name
        detail = "update" if ref.access != READ else "select"
        observation = Observation(ACCESS, header.table, (ref.column,), ref.access, detail, extra=extra, line=line)
        results.append(StatementResult(line, line, "trigger_row", _original(original_lines, line, line), (observation,)))
    return results


def _not_analysed(line: int, end_line: int, original_lines: list[str], message: str) -> StatementResult:
    observation = Observation(PARSE_ERROR, "", (), None, "unparsed", LOW, {"error": message})
    return StatementResult(line, end_line, "unparsed", _original(original_lines, line, end_line), (observation,), message)


def _original(lines: list[str], line: int, end_line: int) -> str:
    return "\n".join(lines[line - 1 : end_line]).strip()
