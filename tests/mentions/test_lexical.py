"""Comments, docstrings, strings, imports and annotations: what a word at an offset is part of."""

from __future__ import annotations

import ast

from depmap.mentions.lexical import regions_for

PYTHON = '''\
"""Orders module."""
from shop.models import Order  # the model
import shop.models as m


def total(order: "Order") -> int:
    """Sum of the order."""
    label = f"order {order.id}"
    note: Order | None = None
    return order.total
'''


def part_of(kind: str, text: str, word: str, nth: int = 0) -> str:
    """What the `nth` occurrence of `word` is part of: a region kind, else the role, else code."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(word, offset + 1)
    regions = regions_for(kind, text)
    lexical = regions.kind_at(offset)
    return lexical if lexical != "code" else regions.role_at(offset) or "code"


def test_python_docstrings_comments_strings_imports_and_annotations():
    assert part_of("python", PYTHON, "Orders") == "docstring"
    assert part_of("python", PYTHON, "Order", 1) == "import"
    assert part_of("python", PYTHON, "the model") == "comment"
    assert part_of("python", PYTHON, "shop.models", 1) == "import"
    assert part_of("python", PYTHON, '"Order"') == "string"  # lexically a string; its role is the annotation
    assert regions_for("python", PYTHON).role_at(PYTHON.index('"Order"')) == "annotation"
    assert part_of("python", PYTHON, "Sum of") == "docstring"
    assert part_of("python", PYTHON, "order {") == "string"
    assert part_of("python", PYTHON, "Order | None") == "annotation"
    assert part_of("python", PYTHON, "order.total") == "code"


def test_annotations_by_their_lines():
    text = """\
async def load(self, key: str, *, into: "Order | None" = None) -> list[Order]:
    pass
def long(
    self, html: str, order: Order,
):
    note: Order = build()
    self.last: Optional[Order] = None
    mapping = {key: Order for key in keys}
    if ready: Order.objects.all()
    pick = lambda x: Order
    table = {"order": Order}
def build(kind: str, Order, size: dict[str, Order]): pass
"""
    kinds = [part_of("python", text, "Order", n) for n in range(11)]
    assert kinds == ["string", "annotation", "annotation", "annotation", "annotation", "code", "code", "code", "code",
                     "code", "annotation"]  # a parameter named like the class is not its annotation
    assert regions_for("python", text).role_at(text.index('"Order')) == "annotation"  # the string annotation


def test_imports_alone_are_parsed_for_the_links():
    text = "from shop.models import (\n    Order,\n    Customer,\n)\n\ndef f():\n    import shop.db as db\n    x = 1\n"
    tree = regions_for("python", text).import_tree
    assert [ast.unparse(node) for node in tree.body] == ["from shop.models import Order, Customer", "import shop.db as db"]
    assert part_of("python", text, "Customer") == "import"


def test_a_string_is_a_docstring_only_when_it_stands_alone():
    text = '''\
def f():
    r"""Order docs."""
    cursor.execute(
        "SELECT * FROM orders "
        "WHERE id = %s"
    )
    "Orders kept apart."
    x = ("orders"
         "more")
'''
    kinds = [part_of("python", text, word) for word in ("Order docs", "SELECT", "WHERE", "Orders kept", "orders\"\n", "more")]
    assert kinds == ["docstring", "string", "string", "docstring", "string", "string"]


def test_python_that_does_not_parse_keeps_its_comments():
    text = "def f(:\n    # Order here\n    Order\n"
    assert part_of("python", text, "Order") == "comment"
    assert part_of("python", text, "Order", 1) == "code"
    assert regions_for("python", text).import_tree.body == []


def test_sql_comments_but_not_a_dash_dash_inside_a_literal():
    text = "-- orders by day\nselect 'a -- orders' from orders /* orders */\n{# orders #} $$ -- orders $$\n"
    kinds = [part_of("sql", text, "orders", n) for n in range(6)]
    assert kinds == ["comment", "code", "code", "comment", "comment", "code"]


def test_yaml_comments_outside_quotes():
    text = "# orders\nname: orders  # the orders\ndescription: 'a # orders'\nurl: x#orders\n"
    kinds = [part_of("yaml", text, "orders", n) for n in range(5)]
    assert kinds == ["comment", "code", "comment", "code", "code"]


def test_other_kinds_have_no_regions():
    assert part_of("other", "<!-- orders -->", "orders") == "code"


TRICKY = '''\
"""Accounts, module docstring."""
SQL = """
    SELECT id FROM accounts  -- not a comment: inside the string
"""
# accounts, a comment that runs to the end of its line
label = 'accounts' + "it's" # accounts again
note = """an unterminated docstring about accounts
'''


def test_lexing_stops_at_its_reach_and_agrees_before_it():
    """A search lexes only as far as the last word it asks about: every offset before that is the
    same part of the file as when the whole file is lexed, a string that straddles the reach
    included (its end is read whole)."""
    whole = regions_for("python", TRICKY)
    for reach in range(len(TRICKY) + 1):
        reached = regions_for("python", TRICKY, reach)
        assert [reached.kind_at(offset) for offset in range(reach)] == [whole.kind_at(offset) for offset in range(reach)]
    inside = TRICKY.index("accounts  --")
    assert regions_for("python", TRICKY, inside + 3).kind_at(inside) == "string"
    assert regions_for("python", TRICKY, 5).spans == [(0, TRICKY.index("\nSQL"), "string?")]


def test_import_statements_are_the_lines_a_multiline_pattern_finds():
    """`_imports` tries only the lines that hold the word `import`: the same statements as the
    pattern tried at every line's start, on random texts of the awkward pieces."""
    import random
    import re

    from depmap.mentions.lexical import _imports

    every_line = re.compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+import|import)\b[^\n]*", re.M)

    def expected(text: str) -> list[tuple[int, int]]:
        found = []
        for match in every_line.finditer(text):
            end = match.end()
            if "(" in match.group() and ")" not in match.group():
                end = text.find(")", end) + 1 or len(text)
            found.append((match.start(), end))
        return found

    pieces = ["import", "from", " ", "\t", "\n", "\r\n", "x", ".", "(", ")", "importlib", "a.b", "#", "'import'", ",", "_import", "import_",
              "\n import", "from a import (", "from a.b import c"]
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert _imports(text) == expected(text), text
    text = "import os\nx = 'import'\nfrom a import (\n    b,\n)\nimportlib = 1\n  from c.d import e  # import\n"
    assert [text[s:e] for s, e in _imports(text)] == ["import os", "from a import (\n    b,\n)", "  from c.d import e  # import"]
