"""String values with the file line of every character, whatever tree they were read from.

An SQL statement written as `"SELECT a "\n"FROM t"` or as a triple-quoted block must report each of
its lines at the file line it was written on. `LocatedText` is a value with one line per character;
`located`, `hole_at` and `join` build one from literal parts (a newline goes between parts written
on different lines, so that every line of the value still has one line of the file); `decode`
undoes a literal's escapes; `fill_fields` stands for what `%` and `.format()` fill in. The
`ast`-specific reading of literals is in `depmap.python.tree_strings`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

HOLE = "{}"  # what an f-string hole becomes: the SQL engine neutralises it like a str.format hole
_HOLE = re.compile(re.escape(HOLE))

_SIMPLE_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f",
    "n": "\n", "r": "\r", "t": "\t", "v": "\v",
}  # fmt: skip
_ESCAPE = re.compile(r"\\(\r\n|\n|N\{[^}]*\}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{1,3}|.)", re.S)
_ESCAPE_OR_BRACE = re.compile(_ESCAPE.pattern + r"|\{\{|\}\}", re.S)
_BRACE = re.compile(r"\{\{|\}\}")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class LocatedText:
    """A string value and, for each of its characters, the file line it was written on.

    `holes` counts the parts whose value is unknown statically (f-string holes and the like),
    each standing in the text as `{}`.
    """

    text: str
    lines: tuple[int, ...]
    holes: int = 0

    def file_line(self, text_line: int) -> int:
        """The file line of a 1-based line of `text` (of its first non-blank character)."""
        if not self.lines:
            return 1
        offset = 0
        for _ in range(text_line - 1):
            found = self.text.find("\n", offset)
            if found < 0:
                break
            offset = found + 1
        end = self.text.find("\n", offset)
        end = len(self.text) if end < 0 else end
        first = offset + (len(self.text[offset:end]) - len(self.text[offset:end].lstrip()))
        index = first if first < end else offset
        return self.lines[min(index, len(self.lines) - 1)]

    def startswith_hole(self) -> bool:
        return self.holes > 0 and self.text.lstrip().startswith(HOLE)

    def substitute(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> LocatedText:
        """`pattern.sub(replace, text)` keeping every character's line; a replacement that is
        `{}` counts as a hole."""
        chars: list[str] = []
        lines: list[int] = []
        holes = self.holes
        position = 0
        for match in pattern.finditer(self.text):
            chars.append(self.text[position : match.start()])
            lines.extend(self.lines[position : match.start()])
            value = replace(match)
            chars.append(value)
            lines.extend([self.lines[match.start()]] * len(value))
            holes += value == HOLE
            position = match.end()
        chars.append(self.text[position:])
        lines.extend(self.lines[position:])
        return LocatedText("".join(chars), tuple(lines), holes)


def located(text: str, line: int) -> LocatedText:
    """Text written starting at `line`, its own newlines being the file's."""
    lines: list[int] = []
    for char in text:
        lines.append(line)
        if char == "\n":
            line += 1
    return LocatedText(text, tuple(lines))


def hole_at(line: int) -> LocatedText:
    return LocatedText(HOLE, (line, line), holes=1)


def join(left: LocatedText, right: LocatedText) -> LocatedText:
    """Concatenate two values written in different places (see `join_all`)."""
    return join_all((left, right))


def join_all(parts: Iterable[LocatedText]) -> LocatedText:
    """Concatenate values written in different places, in time linear in their length (a call can
    hold tens of thousands of implicitly concatenated literals).

    When a part starts on another line than the text before it ends, a newline is put between
    them (unless that would split a word: `"SELECT a" "FROM t"` is one line of SQL at run time
    too). SQL does not care about the extra whitespace, and a statement that starts in a later
    part then has a text line of its own, which maps back to the right file line.
    """
    texts: list[str] = []
    lines: list[int] = []
    holes = 0
    for part in parts:
        if not part.text:
            continue
        if texts:
            before = texts[-1][-1]
            if (
                lines[-1] != part.lines[0]
                and before != "\n"
                and part.text[0] != "\n"
                and not (_WORD_CHAR.match(before) and _WORD_CHAR.match(part.text[0]))
            ):
                texts.append("\n")
                lines.append(lines[-1])
        texts.append(part.text)
        lines.extend(part.lines)
        holes += part.holes
    return LocatedText("".join(texts), tuple(lines), holes)


# What `"..." % args` and `"...".format(...)` fill in: each conversion becomes a hole.
PERCENT_FIELD = re.compile(r"%%|%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


def fill_holes(text: LocatedText, values: list[str | None]) -> LocatedText:
    """The i-th hole of `text` replaced by `values[i]` where that is known (a module constant
    naming a table, `f"INSERT INTO {TABLE} ..."`); the rest stay holes."""
    if not any(values):
        return text
    pending = iter(values)
    filled = text.substitute(_HOLE, lambda _: next(pending, None) or HOLE)
    return replace(filled, holes=filled.text.count(HOLE))  # the holes no value filled


def fill_fields(text: LocatedText, pattern: re.Pattern[str]) -> LocatedText:
    """The text after Python's %-formatting or str.format: escapes undone, fields unknown."""
    return text.substitute(pattern, lambda m: m.group(0)[0] if m.group(0) in ("%%", "{{", "}}") else HOLE)


def decode(body: str, line: int, *, raw: bool, formatted: bool) -> LocatedText:
    """The value of the source text between a literal's quotes, character by character."""
    pattern = (_BRACE if formatted else None) if raw else (_ESCAPE_OR_BRACE if formatted else _ESCAPE)
    if pattern is None:
        return located(body, line)
    chars: list[str] = []
    lines: list[int] = []
    position = 0
    for match in pattern.finditer(body):
        for char in body[position : match.start()]:
            chars.append(char)
            lines.append(line)
            if char == "\n":
                line += 1
        position = match.end()
        token = match.group(0)
        value = token[0] if token in ("{{", "}}") else _escape_value(token[1:])
        chars.append(value)
        lines.extend([line] * len(value))
        line += token.count("\n")
    for char in body[position:]:
        chars.append(char)
        lines.append(line)
        if char == "\n":
            line += 1
    return LocatedText("".join(chars), tuple(lines))


def _escape_value(sequence: str) -> str:
    """What `\\<sequence>` means in a (non-raw) str literal."""
    if sequence in ("\n", "\r\n"):
        return ""  # backslash-newline continues the literal on the next line
    if sequence in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[sequence]
    head = sequence[0]
    if head in "01234567":
        return chr(int(sequence, 8))
    if head in "xuU" and len(sequence) > 1:
        return chr(int(sequence[1:], 16))
    if head == "N" and sequence.startswith("N{"):
        try:
            return unicodedata.lookup(sequence[2:-1])
        except KeyError:
            pass
    return "\\" + sequence  # unknown escapes keep their backslash


TEXT_WRAPPERS = frozenset({"dedent", "cleandoc"})  # textwrap.dedent, inspect.cleandoc: same text
TEXT_METHODS = frozenset({"strip", "lstrip", "rstrip"})
