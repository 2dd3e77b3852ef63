"""Split a SQL text into statements with their own lines, so one bad statement spoils nothing else.

The dialect's tokenizer knows strings, quoted identifiers, comments and dollar-quoted bodies, so
semicolons inside them do not split. If the text cannot even be tokenized (an unterminated
string), a line-based fallback still yields statements.
"""

from __future__ import annotations

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


def _line_at(text: str, offset: int) -> int:
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
                        line=_line_at(text, start),
                        end_line=_line_at(text, end),
                        tokens=current,
                        whole=text,
                    )
                )
            current = []
        else:
            current.append(token)
    return chunks


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
