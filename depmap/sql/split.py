"""Split a SQL text into statements with their own lines, so one bad statement spoils nothing else.

The dialect's tokenizer knows strings, quoted identifiers, comments and dollar-quoted bodies, so
semicolons inside them do not split. If the text cannot even be tokenized (an unterminated
string), a line-based fallback still yields statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType


@dataclass(frozen=True)
class Chunk:
    """One statement: its source text, 1-based lines, and its tokens (empty after a fallback).

    Tokens carry offsets into the whole text they were cut from (`whole`), which is what the
    parser must slice for raw-text fallbacks and error highlights.
    """

    text: str
    line: int
    end_line: int
    tokens: list[Token] = field(default_factory=list, compare=False)
    whole: str = field(default="", compare=False, repr=False)


def line_at(text: str, offset: int) -> int:
    """The 1-based line of `offset` in `text`."""
    return text.count("\n", 0, offset) + 1


def split_statements(text: str, dialect: Dialect) -> list[Chunk]:
    try:
        tokens = dialect.tokenize(text)
    except TokenError:
        return _split_on_lines(text)
    chunks: list[Chunk] = []
    current: list[Token] = []
    for token in tokens + [None]:  # type: ignore[operator]
        if token is None or token.token_type == TokenType.SEMICOLON:
            if current:
                start, end = current[0].start, current[-1].end
                chunks.append(
                    Chunk(
                        text=text[start : end + 1],
                        line=line_at(text, start),
                        end_line=line_at(text, end),
                        tokens=current,
                        whole=text,
                    )
                )
            current = []
        else:
            current.append(token)
    return _join_bodies(chunks, text)


# A routine or trigger whose body is a BEGIN ... END block of statements (MySQL, MariaDB, SQLite,
# PostgreSQL's BEGIN ATOMIC): its inner semicolons do not end it. A MySQL client's `DELIMITER $$`
# may come first.
_BLOCK_ROUTINE = re.compile(
    r"^\s*(?:DELIMITER\s+\S+\s+)?CREATE\b(?:(?!\$\w*\$)[^;])*?\b(?:TRIGGER|PROCEDURE|FUNCTION|EVENT)\b", re.I | re.S
)
_BLOCK_ENDS = frozenset({"IF", "LOOP", "WHILE", "REPEAT"})  # END IF closes no BEGIN


def _join_bodies(chunks: list[Chunk], text: str) -> list[Chunk]:
    joined: list[Chunk] = []
    index = 0
    while index < len(chunks):
        chunk = chunks[index]
        depth = _block_depth(chunk.tokens) if chunk.tokens and _BLOCK_ROUTINE.match(chunk.text) else 0
        last = index
        while depth > 0 and last + 1 < len(chunks):
            last += 1
            depth += _block_depth(chunks[last].tokens)
        if last > index:
            start, end = chunk.tokens[0].start, chunks[last].tokens[-1].end
            chunk = Chunk(text[start : end + 1], chunk.line, chunks[last].end_line, whole=text)
        joined.append(chunk)
        index = last + 1
    return joined


def _block_depth(tokens: list[Token]) -> int:
    """BEGIN and CASE open a block; END closes one unless it ends an IF, LOOP, WHILE or REPEAT."""
    depth = 0
    for position, token in enumerate(tokens):
        word = token.text.upper()
        if token.token_type in (TokenType.STRING, TokenType.HEREDOC_STRING):
            continue
        if word == "BEGIN" and not (position + 1 < len(tokens) and tokens[position + 1].text.upper() in ("TRANSACTION", "WORK")):
            depth += 1
        elif word == "CASE":
            depth += 1
        elif word == "END" and not (position + 1 < len(tokens) and tokens[position + 1].text.upper() in _BLOCK_ENDS):
            depth -= 1
    return depth


def _split_on_lines(text: str) -> list[Chunk]:
    """Cut at semicolons that end a line: crude, used only when tokenizing failed."""
    chunks: list[Chunk] = []
    start_line, buffer = 1, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not buffer and not line.strip():
            start_line = number + 1
            continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            chunks.append(Chunk("\n".join(buffer).rstrip().rstrip(";"), start_line, number))
            buffer, start_line = [], number + 1
    if buffer and "\n".join(buffer).strip():
        chunks.append(Chunk("\n".join(buffer), start_line, start_line + len(buffer) - 1))
    return chunks
