"""A procedural body (PL/pgSQL, MySQL/MariaDB and SQLite BEGIN ... END) -> the SQL it runs.

The statements inside a function, procedure, trigger or DO block are ordinary SQL wrapped in
control flow. This module walks the body's tokens once and keeps, line for line, what reaches the
database: DML and queries as written, the queries of `IF`/`WHILE`/`ELSIF` conditions, `FOR ... IN
<query> LOOP`, `RETURN QUERY`, `PERFORM` (a SELECT whose result is discarded), assignments whose
value is an expression, cursors, and `EXECUTE '<literal>'`. Control keywords, declarations and
`INTO` targets are left out; variables and parameters become holes so that they are never taken
for columns. `NEW.col` and `OLD.col` are the row of the table a trigger fires on, unknown until
a trigger binds the function: they are returned apart, reads and writes (`NEW.col := ...`,
`SET NEW.col = ...`) with their lines.

Every piece keeps its lines: replacements never add or remove a line break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, Tokenizer, TokenType

from depmap.model import READ, WRITE
from depmap.sql.placeholders import HOLE_PREFIX
from depmap.sql.split import line_at

_VARIABLE = f"{HOLE_PREFIX}var"
_ROWS = frozenset({"NEW", "OLD"})
_SKIPPED = frozenset(
    """RAISE NULL GET EXIT CONTINUE CLOSE FETCH MOVE ASSERT COMMIT ROLLBACK LEAVE ITERATE SIGNAL
    RESIGNAL DEALLOCATE PREPARE RETURNS""".split()
)
_CLAUSES = frozenset({"SELECT", "RETURNING", "INSERT", "REPLACE", "MERGE", "UPDATE", "DELETE"})
_QUERY_STARTS = frozenset({"SELECT", "WITH", "VALUES", "(", "TABLE"})


@dataclass(frozen=True)
class Piece:
    """SQL the body runs: its text and the body line it starts on (1-based)."""

    text: str
    line: int
    dynamic: bool = False  # the text of an EXECUTE literal: run as written, at a lower confidence


@dataclass(frozen=True)
class RowReference:
    """`NEW.col` / `OLD.col`: the trigger's row, read or written at a body line."""

    row: str
    column: str
    access: str
    line: int


@dataclass
class Body:
    pieces: list[Piece] = field(default_factory=list)
    rows: list[RowReference] = field(default_factory=list)


def body_statements(
    body: str, dialect: Dialect, names: frozenset[str] = frozenset(), procedural: bool = True, sections: bool = True
) -> Body:
    """The SQL pieces and trigger-row references of `body`. `names` are the parameters (upper
    case); declared variables and loop records are found here. A body that cannot be tokenized
    gives nothing (the caller reports it as not analysed). `procedural` is False for a
    `LANGUAGE sql` body: its statements are taken whole, only its parameters are holes.
    `sections` is True for PL/pgSQL, where DECLARE opens a section of declarations up to BEGIN
    (MySQL declares one name per DECLARE statement)."""
    try:
        tokens = tokenize(body, dialect)
    except TokenError:
        return Body()
    return _Walker(body, tokens, names, procedural, sections).walk()


def tokenize(text: str, dialect: Dialect) -> list[Token]:
    """The dialect's tokens, except that DECLARE, CALL, EXECUTE and the like do not swallow the
    rest of their statement as one string (the dialect's tokenizer does, for top-level SQL)."""
    return _tokenizer(type(dialect))(dialect=dialect).tokenize(text)


@lru_cache(maxsize=None)
def _tokenizer(dialect_class: type[Dialect]) -> type[Tokenizer]:
    return type("BodyTokenizer", (dialect_class.tokenizer_class,), {"COMMANDS": set()})


class _Walker:
    def __init__(self, body: str, tokens: list[Token], names: frozenset[str], procedural: bool, sections: bool) -> None:
        self.body = body
        self.sections = sections
        self.tokens = tokens
        self.names = set(names)
        self.procedural = procedural
        self.out = Body()
        self.in_declare = False

    # -- the statement loop ----------------------------------------------------------------------

    def walk(self) -> Body:
        self.names |= self._declared_names()
        i = 0
        while i < len(self.tokens):
            i = self._statement(i) if self.procedural else self._sql(i, self._end(i))
        return self.out

    def _statement(self, i: int) -> int:
        token = self.tokens[i]
        word = _word(token)
        if token.token_type == TokenType.SEMICOLON:
            return i + 1
        if word == "<" and self._word_at(i + 1) == "<":  # a <<label>>
            return next((k + 2 for k in range(i + 2, len(self.tokens)) if _word(self.tokens[k]) == ">"), len(self.tokens))
        if word == "DECLARE":  # a PL/pgSQL section up to BEGIN; a MySQL statement up to `;`
            self.in_declare = self.sections
            return i + 1 if self.sections else self._declaration(i + 1)
        if word == "BEGIN":
            self.in_declare = False
            return i + 1
        if self.in_declare:
            return self._declaration(i)
        if word == "END":
            return self._end(i) + 1
        if word in ("ELSE", "LOOP", "EXCEPTION", "THEN", "DO", "ATOMIC"):
            return i + 1
        if word in ("IF", "ELSIF", "ELSEIF", "WHILE", "UNTIL"):
            stop = self._until(i + 1, {"THEN", "LOOP", "DO"})
            self._piece(i + 1, stop, prefix="SELECT ")
            return stop + 1
        if word == "WHEN":
            return self._until(i + 1, {"THEN"}) + 1
        if word == "CASE":
            return self._until(i + 1, {"WHEN"})
        if word == "REPEAT":
            return i + 1
        if word in ("FOR", "FOREACH"):
            return self._for(i)
        if word == "RETURN":
            return self._return(i)
        if word in ("PERFORM", "CALL"):  # a SELECT whose result is dropped; a procedure called
            end = self._end(i)
            self._piece(i + 1, end, prefix="SELECT ")
            return end + 1
        if word == "OPEN":
            end = self._end(i)
            start = self._until(i + 1, {"FOR"}, stop=end)
            if start < end:
                self._piece(start + 1, end)
            return end + 1
        if word == "EXECUTE":
            return self._execute(i)
        if word == "SET" and self._assignment_at(i + 1):
            return self._assign(i + 1)
        if word in _SKIPPED:
            return self._end(i) + 1
        if self._assignment_at(i):
            return self._assign(i)
        return self._sql(i, self._end(i))

    # -- declarations ----------------------------------------------------------------------------

    def _declared_names(self) -> set[str]:
        """Every name a declaration introduces, and every FOR loop variable."""
        names: set[str] = set()
        section = expect = False
        for k, token in enumerate(self.tokens):
            word = _word(token)
            if word == "DECLARE":
                section, expect = self.sections, True
                continue
            if word == "BEGIN":
                section = expect = False
                continue
            if expect and _is_name(token):
                names.add(word)
            expect = section and token.token_type == TokenType.SEMICOLON
            if word in ("FOR", "FOREACH") and k + 1 < len(self.tokens) and _is_name(self.tokens[k + 1]):
                names.add(_word(self.tokens[k + 1]))
        return {name for name in names if name.isidentifier() and name not in ("EACH", "CURSOR")}

    def _declaration(self, i: int) -> int:
        """One declaration: a cursor's query is a read; a default value may be a subquery."""
        end = self._end(i)
        cursor = self._until(i, {"CURSOR"}, stop=end)
        if cursor < end:
            start = self._until(cursor, {"FOR", "IS"}, stop=end)
            self._piece(start + 1, end)
            return end + 1
        default = next(
            (k for k in range(i, end) if _word(self.tokens[k]) in ("DEFAULT", ":=") or self.tokens[k].token_type == TokenType.COLON_EQ),
            end,
        )
        if default < end:
            self._piece(default + 1, end, prefix="SELECT ")
        return end + 1

    # -- statement forms ---------------------------------------------------------------------------

    def _for(self, i: int) -> int:
        loop = self._until(i + 1, {"LOOP", "DO"})
        start = self._until(i + 1, {"IN"}, stop=loop)
        if start < loop:
            first = _word(self.tokens[start + 1]) if start + 1 < loop else ""
            if first == "EXECUTE":
                self._execute_range(start + 1, loop)
            elif first in _QUERY_STARTS:
                self._piece(start + 1, loop)
        return loop + 1

    def _return(self, i: int) -> int:
        end = self._end(i)
        if self._word_at(i + 1) == "QUERY":
            if self._word_at(i + 2) == "EXECUTE":
                self._execute_range(i + 2, end)
            else:
                self._piece(i + 2, end)
        elif end > i + 1 and not (end == i + 2 and self._word_at(i + 1) in _ROWS):
            self._piece(i + 1, end, prefix="SELECT ")
        return end + 1

    def _execute(self, i: int) -> int:
        end = self._end(i)
        self._execute_range(i, end)
        return end + 1

    def _execute_range(self, i: int, end: int) -> None:
        """EXECUTE '<literal>' [USING ...]: the literal is SQL; a built string is not followed."""
        nxt = i + 1
        if nxt < end and self.tokens[nxt].token_type in (TokenType.STRING, TokenType.HEREDOC_STRING):
            after = self._word_at(nxt + 1) if nxt + 1 < end else ""
            if nxt + 1 == end or after in ("USING", "INTO"):
                token = self.tokens[nxt]
                self.out.pieces.append(Piece(token.text, line_at(self.body, token.start), dynamic=True))

    def _assignment_at(self, i: int) -> bool:
        """`target := value`, `target = value` (PL/pgSQL), `SET target = value` (MySQL)."""
        k = i
        while k + 2 < len(self.tokens) and self.tokens[k + 1].token_type == TokenType.DOT:
            k += 2
        if k + 1 >= len(self.tokens) or not _is_name(self.tokens[i]):
            return False
        operator = self.tokens[k + 1]
        if operator.token_type == TokenType.COLON_EQ:
            return True
        return operator.token_type == TokenType.EQ and (_word(self.tokens[i]) in self.names or _word(self.tokens[i]) in _ROWS)

    def _assign(self, i: int) -> int:
        end = self._end(i)
        target_end = i
        while self.tokens[target_end + 1].token_type == TokenType.DOT:
            target_end += 2
        if _word(self.tokens[i]) in _ROWS and target_end == i + 2:
            column = self.tokens[i + 2]
            self.out.rows.append(RowReference(_word(self.tokens[i]).lower(), _name(column), WRITE, column.line))
        self._piece(target_end + 2, end, prefix="SELECT ")
        return end + 1

    # -- plain SQL ----------------------------------------------------------------------------------

    def _sql(self, i: int, end: int) -> int:
        self._piece(i, end, strip_into=True)
        return end + 1

    def _piece(self, start: int, end: int, prefix: str = "", strip_into: bool = False) -> None:
        """The SQL text of tokens [start, end): the body's own text between them (comments and
        line breaks kept), variables and trigger rows turned into holes, INTO targets left out."""
        if start >= end:
            return
        skip = self._into_targets(start, end) if strip_into else set()
        parts: list[str] = []
        cursor = self.tokens[start].start
        k = start
        while k < end:
            token = self.tokens[k]
            parts.append(self.body[cursor : token.start])
            cursor = token.end + 1
            if k in skip:
                k += 1
                continue
            word = _word(token)
            qualified = k > start and self.tokens[k - 1].token_type == TokenType.DOT
            if not qualified and _is_name(token) and (word in self.names or word in _ROWS):
                last = k
                while last + 2 < end and self.tokens[last + 1].token_type == TokenType.DOT and _is_name(self.tokens[last + 2]):
                    last += 2
                if word in _ROWS and last == k + 2:
                    column = self.tokens[k + 2]
                    self.out.rows.append(RowReference(word.lower(), _name(column), READ, column.line))
                elif word in _ROWS and last == k:
                    parts.append(self.body[token.start : token.end + 1])
                    k += 1
                    continue
                parts.append(_VARIABLE)
                cursor = self.tokens[last].end + 1
                k = last + 1
                continue
            parts.append(self.body[token.start : token.end + 1])
            k += 1
        text = "".join(parts)
        if not text.strip():
            return
        first = self.tokens[start]
        self.out.pieces.append(Piece(prefix + text, first.line))

    def _into_targets(self, start: int, end: int) -> set[int]:
        """Indexes of `INTO [STRICT] a, b` after a SELECT list or a RETURNING clause: where the
        result goes, not a table (an INSERT's or MERGE's INTO names its table and stays)."""
        skip: set[int] = set()
        for k in range(start, end):
            if _word(self.tokens[k]) != "INTO" or self._clause_before(start, k) not in ("SELECT", "RETURNING"):
                continue
            m = k + 1
            if self._word_at(m) == "STRICT":
                m += 1
            while m < end:
                skip.update(range(k, m + 1))
                m += 1
                while m + 1 < end and self.tokens[m].token_type == TokenType.DOT:
                    skip.update((m, m + 1))
                    m += 2
                if m < end and self.tokens[m].token_type == TokenType.COMMA:
                    m += 1
                    continue
                break
        return skip

    def _clause_before(self, start: int, k: int) -> str:
        """The nearest statement keyword before token k at its own parenthesis depth."""
        depth = 0
        for index in range(k - 1, start - 1, -1):
            token = self.tokens[index]
            if token.token_type == TokenType.R_PAREN:
                depth += 1
            elif token.token_type == TokenType.L_PAREN:
                depth -= 1
            elif depth == 0 and (word := _word(token)) in _CLAUSES:
                return word
        return ""

    # -- token helpers ------------------------------------------------------------------------------

    def _end(self, i: int) -> int:
        """The index of the semicolon ending the statement that starts at i (or the last token)."""
        return self._until(i, set())

    def _until(self, i: int, words: set[str], stop: int | None = None) -> int:
        """The first index from i of one of `words` outside parentheses (or `stop`/the end)."""
        limit = len(self.tokens) if stop is None else stop
        depth = 0
        for k in range(i, limit):
            kind = self.tokens[k].token_type
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and _word(self.tokens[k]) in words:
                return k
            elif kind == TokenType.SEMICOLON and depth <= 0:
                return k
        return limit

    def _word_at(self, k: int) -> str:
        return _word(self.tokens[k]) if 0 <= k < len(self.tokens) else ""


def _word(token: Token) -> str:
    return token.text.upper() if token.token_type != TokenType.STRING else ""


def _name(token: Token) -> str:
    return token.text if token.token_type == TokenType.IDENTIFIER else token.text.lower()


def _is_name(token: Token) -> bool:
    return token.token_type in (TokenType.VAR, TokenType.IDENTIFIER) or (
        token.text.isidentifier() and token.token_type not in (TokenType.STRING, TokenType.HEREDOC_STRING)
    )
