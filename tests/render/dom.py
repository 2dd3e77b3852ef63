"""A small element tree of an HTML page for the renderer tests, with the CSS selectors they need:
`tag`, `.class`, `#id`, `[attr]`, `[attr=value]`, compound (`tr.failed[data-status=x]`) and the
descendant combinator (`#v1-bars .lane .bar`). Standard library only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_COMPOUND = re.compile(r"([a-z0-9]+)|\.([\w-]+)|#([\w-]+)|\[([\w-]+)(?:=([^\]]*))?\]")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                parts.append(child) if isinstance(child, str) else walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def descendants(self) -> list[Element]:
        out: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                out.append(child)
                out += child.descendants()
        return out

    def select(self, selector: str) -> list[Element]:
        found = [self]
        for compound in selector.split():
            matched: list[Element] = []
            for node in found:
                matched += [d for d in node.descendants() if _matches(d, compound) and d not in matched]
            found = matched
        return found

    def one(self, selector: str) -> Element:
        [element] = self.select(selector)
        return element

    def texts(self, selector: str) -> list[str]:
        return [element.text() for element in self.select(selector)]


def _matches(element: Element, compound: str) -> bool:
    for tag, cls, ident, attr, value in _COMPOUND.findall(compound):
        if tag and element.tag != tag:
            return False
        if cls and cls not in element.classes():
            return False
        if ident and element.attrs.get("id") != ident:
            return False
        if attr and (attr not in element.attrs or (value and element.attrs[attr] != value.strip("'\""))):
            return False
    return True


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Element:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root
